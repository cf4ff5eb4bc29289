"""load_demo: a county, its organisations, a user for every role, and 西村乡's 2023 report."""

from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command

from reports.management.commands.load_demo import DEMO_PASSWORD
from reports.models import Membership, Organisation, Report

from .conftest import EXAMPLES, example_json, needs_shared

pytestmark = pytest.mark.django_db


def test_demo_creates_organisations_users_for_every_role_and_a_report():
    out = StringIO()
    call_command("load_demo", stdout=out)
    county = Organisation.objects.get(name="修武县人民政府")
    assert county.children.count() >= 3
    assert set(Membership.objects.values_list("role", flat=True)) == set(Membership.Role.values)
    for username in ("admin", "county", "xicun_drafter", "xicun_approver"):
        assert authenticate(username=username, password=DEMO_PASSWORD) is not None
        assert username in out.getvalue()
    assert DEMO_PASSWORD in out.getvalue()
    report = Report.objects.get(organisation__name="西村乡人民政府", year=2023)
    assert report.values().prose["other_matters"]


def test_demo_can_be_loaded_twice():
    call_command("load_demo", stdout=StringIO())
    call_command("load_demo", stdout=StringIO())
    assert Report.objects.filter(organisation__name="西村乡人民政府", year=2023).count() == 1
    assert Report.objects.count() == 4
    assert Organisation.objects.filter(name="西村乡人民政府").count() == 1


@needs_shared(EXAMPLES)
def test_demo_report_carries_the_seed_numbers():
    call_command("load_demo", stdout=StringIO())
    values = Report.objects.get(organisation__name="西村乡人民政府", year=2023).values().to_json_dict()
    seed = example_json("xicun_2023_seed.json")
    for key in ("table2", "table3", "table4"):
        assert values[key] == seed[key]


def test_demo_shows_every_state_through_the_real_transitions():
    from reports.models import Publication

    call_command("load_demo", stdout=StringIO())
    states = {(r.organisation.short_name, r.year): r.status for r in Report.objects.select_related("organisation")}
    assert states == {
        ("西村乡", 2023): Report.Status.DRAFT,
        ("西村乡", 2022): Report.Status.PUBLISHED,
        ("郇封镇", 2023): Report.Status.APPROVED,
        ("县自然资源局", 2023): Report.Status.PUBLISHED,
    }
    published = Report.objects.get(organisation__short_name="县自然资源局")
    assert list(published.events.values_list("action", flat=True)) == ["submit", "approve", "publish"]
    assert Publication.objects.filter(report=published).count() == 1


def test_the_countys_own_report_prefilled_by_the_office_is_drafted_by_the_county_drafter():
    from django.contrib.auth import get_user_model

    from reports.county import prefill_consolidated_report
    from reports.permissions import can_edit

    call_command("load_demo", stdout=StringIO())
    users = {u.username: u for u in get_user_model().objects.all()}
    county = Organisation.objects.get(name="修武县人民政府")
    report = prefill_consolidated_report(county, 2023, by=users["county"])
    assert report.values().t3("new", "total") > 0
    assert can_edit(users["county_drafter"], report)
    assert not can_edit(users["county_approver"], report)
