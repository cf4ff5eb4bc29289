"""The editor's read of a report by a SELECT written once (reports.joined) gives what the ORM's joined read
gives, object for object; and `may_see` is `reports_for_user` on one report (issue 15 point 1)."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import transaction

from reports.joined import RELATIONS, read_report
from reports.models import Membership, OtherMattersSection, ProblemsSection, Report
from reports.permissions import may_see, reports_for_user
from reports.services import with_sections

from .conftest import make_org, make_report, make_user

pytestmark = pytest.mark.django_db
Role = Membership.Role


def orm_read(pk: int) -> Report:
    return with_sections(Report.objects.select_related("organisation")).get(pk=pk)


def fields_of(obj) -> dict:
    return {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}


def assert_same(ours: Report, theirs: Report) -> None:
    assert type(ours) is type(theirs) and fields_of(ours) == fields_of(theirs)
    for name, value in fields_of(theirs).items():  # the same Python types (a date is not a string)
        assert type(fields_of(ours)[name]) is type(value), name
    assert fields_of(ours.organisation) == fields_of(theirs.organisation)
    for name in RELATIONS:
        try:
            expected = getattr(theirs, name)
        except Exception as exc:  # noqa: BLE001  (a missing section: the same exception)
            with pytest.raises(type(exc)):
                getattr(ours, name)
            continue
        section = getattr(ours, name)
        assert fields_of(section) == fields_of(expected)
        assert section.report is ours  # the back reference, without a query


def test_the_written_select_reads_what_the_orm_reads(report, django_assert_num_queries):
    report.printed_totals = {"table3.total.total": "12"}
    report.signature_date = datetime.date(2024, 1, 20)
    report.save()
    om = report.other_matters
    om.processing_fee_yuan, om.processing_fee_count = Decimal("120.50"), 3
    om.save()
    with django_assert_num_queries(1):
        ours = read_report(report.pk)
        for name in RELATIONS:
            getattr(ours, name)
        ours.organisation
    assert_same(ours, orm_read(report.pk))
    assert ours.other_matters.processing_fee_yuan == Decimal("120.50")
    assert ours.values().to_json_dict() == orm_read(report.pk).values().to_json_dict()


def test_a_missing_section_reads_as_missing_and_a_missing_report_raises(report):
    ProblemsSection.objects.filter(report=report).delete()
    OtherMattersSection.objects.filter(report=report).delete()
    assert_same(read_report(report.pk), orm_read(report.pk))
    with pytest.raises(Report.DoesNotExist):
        read_report(report.pk + 1000)


def test_the_locking_read_reads_the_same(report):
    with transaction.atomic():
        assert_same(read_report(report.pk, lock=True), orm_read(report.pk))


def test_may_see_is_reports_for_user_on_one_report(county, township, sibling):
    [make_report(township, 2023), make_report(sibling, 2023), make_report(county, 2023)]
    published = make_report(sibling, 2022)
    Report.objects.filter(pk=published.pk).update(status=Report.Status.PUBLISHED)
    users = [
        make_user("d", township, Role.DRAFTER), make_user("s", county, Role.SUPERVISOR),
        make_user("a", township, Role.APPROVER), make_user("none"),
        make_user("root", is_superuser=True, is_staff=True),
    ]
    other = make_org("别县人民政府", township.kind)
    make_report(other, 2023)
    for user in users:
        seen = set(reports_for_user(user).values_list("pk", flat=True))
        for report in Report.objects.all():
            assert may_see(user, report) == (report.pk in seen), (user.username, report.organisation.name)


def same_list(ours: list, theirs: list, related: tuple[str, ...] = ()) -> None:
    key = lambda obj: obj.pk  # noqa: E731  (no ORDER BY either way: compared as sets of rows)
    ours, theirs = sorted(ours, key=key), sorted(theirs, key=key)
    assert [fields_of(o) for o in ours] == [fields_of(t) for t in theirs]
    for o, t in zip(ours, theirs):
        assert [type(v) for v in fields_of(o).values()] == [type(v) for v in fields_of(t).values()]
        for name in related:
            try:
                expected = getattr(t, name)
            except Exception as exc:  # noqa: BLE001
                with pytest.raises(type(exc)):
                    getattr(o, name)
                continue
            assert fields_of(getattr(o, name)) == fields_of(expected)


def test_the_small_reads_read_what_the_orm_reads(report, township, county, drafter, django_assert_num_queries):
    from django.contrib.auth import get_user_model

    from gkportal.auth import AccountModelBackend
    from reports.joined import read_where
    from reports.models import Account, ApplicationRow, CarriedText, ProactiveCell

    Membership.objects.create(user=drafter, organisation=county, role=Role.SUPERVISOR)
    with django_assert_num_queries(1):
        ours = read_where(Membership, "user", drafter.pk, related=("organisation",))
        [m.organisation.name for m in ours]
    same_list(ours, list(Membership.objects.filter(user=drafter).select_related("organisation")), ("organisation",))
    CarriedText.objects.create(report=report, part="problems", source=None, digest="x" * 64)
    CarriedText.objects.create(report=report, part="preface", source=report, digest="y" * 64)
    same_list(read_where(CarriedText, "report", report.pk), list(report.carried_texts.all()))
    same_list(read_where(ProactiveCell, "section", report.proactive.pk), list(report.proactive.cells.all()))
    assert any(c.amount is not None for c in read_where(ProactiveCell, "section", report.proactive.pk))
    same_list(read_where(ApplicationRow, "section", report.applications.pk), list(report.applications.rows.all()))
    # The signed-in user with the account joined: present or absent, as select_related reads it.
    User = get_user_model()
    bare = User.objects.create_user("bare", password="x-Long-password-1")
    Account.objects.filter(user=bare).delete()
    Account.objects.get_or_create(user=drafter)
    for user in (drafter, bare):
        same_list(read_where(User, "id", user.pk, related=("account",)),
                  list(User.objects.select_related("account").filter(pk=user.pk)), ("account",))
    backend = AccountModelBackend()
    assert backend.get_user(drafter.pk) == drafter and backend.get_user(10**6) is None
    User.objects.filter(pk=drafter.pk).update(is_active=False)
    assert backend.get_user(drafter.pk) is None


def test_the_editors_acknowledgements_are_those_of_findings(report, drafter):
    from django.utils import timezone

    from reports.findings import acknowledgements
    from reports.models import Acknowledgement
    from reports.views.editing import _acknowledgements

    for key in ("T3-CARRY:a", "N-SIMILAR:b"):
        Acknowledgement.objects.create(report=report, key=key, rule=key[:6], message="m", by=drafter,
                                       at=timezone.now())
    ours, theirs = _acknowledgements(report), acknowledgements(report)
    assert ours.keys() == theirs.keys()
    for key in theirs:
        assert fields_of(ours[key]) == fields_of(theirs[key]) and ours[key].by == theirs[key].by
