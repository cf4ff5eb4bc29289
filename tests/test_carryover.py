"""Next year from last year: 上年结转 from 结转下年度, last year's prose marked until edited or confirmed."""

import pytest
from django.core.exceptions import PermissionDenied

from reports.carryover import (
    CarryoverError,
    carryover_findings,
    confirm_part,
    pending_parts,
    start_from_previous,
)
from reports.findings import report_context
from reports.models import Report
from reports.services import save_values
from reports.signals import section_saved

from .conftest import make_report

pytestmark = pytest.mark.django_db


@pytest.fixture
def last_year(report):
    """西村乡 2023 with 结转下年度 in two columns, one of them blank."""
    values = report.values()
    values.table3["carry_forward"].update(natural=2, commercial=1, research=None)
    save_values(report, values)
    return report


def test_carried_over_is_prefilled_column_by_column_from_last_years_carry_forward(last_year, township, drafter):
    report = start_from_previous(township, 2024, by=drafter)
    values = report.values()
    assert report.year == 2024 and report.origin == Report.Origin.ENTERED
    assert values.table3["carried_over"] == {
        "natural": 2, "commercial": 1, "research": None, "social": 0, "legal": 0, "other_org": 0}
    assert values.t3("carried_over", "total") == 3
    assert values.t3("new", "natural") is None  # nothing else is copied


def test_last_years_prose_is_offered_and_marked_for_review(last_year, township, drafter):
    report = start_from_previous(township, 2024, by=drafter)
    values, previous = report.values(), last_year.values()
    assert values.prose == previous.prose
    marked = [m.part for m in pending_parts(report)]
    assert marked == [name for name, text in previous.prose.items() if text.strip()]
    findings = carryover_findings(report)
    assert {f.rule for f in findings} == {"N-CARRIED"} and len(findings) == len(marked)
    assert any("（二）依申请公开" in f.message for f in findings)


def test_editing_a_part_clears_its_mark_and_saving_it_unchanged_does_not(last_year, township, drafter):
    report = start_from_previous(township, 2024, by=drafter)
    report.problems.text = "2024年的问题：一是……"
    report.problems.save()
    section_saved.send(sender=Report, report=report, section="problems", by=drafter)
    section_saved.send(sender=Report, report=report, section="overview", by=drafter)
    marked = [m.part for m in pending_parts(report)]
    assert "problems" not in marked and "overview_on_request" in marked


def test_confirming_a_part_clears_its_mark_for_drafters_only(last_year, township, drafter, approver, client):
    report = start_from_previous(township, 2024, by=drafter)
    with pytest.raises(PermissionDenied):
        confirm_part(report, "preface", by=approver)
    client.force_login(drafter)
    page = client.get(f"/reports/{report.pk}/").content.decode()
    assert "沿用自上一年度的报告" in page and "前言" in page
    response = client.post(f"/reports/{report.pk}/carried/confirm/", {"part": "preface"})
    assert response.status_code == 302
    assert "preface" not in [m.part for m in pending_parts(report)]


def test_the_next_year_button_creates_the_report_and_shows_the_marks(last_year, drafter, client):
    client.force_login(drafter)
    response = client.post(f"/reports/{last_year.pk}/next-year/", follow=True)
    new = Report.objects.get(year=2024)
    assert response.redirect_chain[-1][0] == f"/reports/{new.pk}/"
    page = response.content.decode()
    assert "已新建" in page and "以下文字沿用自上一年度的报告" in page
    again = client.post(f"/reports/{last_year.pk}/next-year/", follow=True).content.decode()
    assert "2024 年度报告已经存在" in again
    assert Report.objects.filter(year=2024).count() == 1


def test_only_drafters_start_a_report_and_only_from_an_existing_one(last_year, township, approver,
                                                                     county_officer, drafter, client):
    for user in (approver, county_officer):
        with pytest.raises(PermissionDenied):
            start_from_previous(township, 2024, by=user)
    with pytest.raises(CarryoverError, match="没有 2029 年度的报告"):
        start_from_previous(township, 2030, by=drafter)
    client.force_login(approver)
    assert client.post(f"/reports/{last_year.pk}/next-year/").status_code == 403
    assert not Report.objects.filter(year=2024).exists()


def test_the_context_carries_last_years_values_for_the_cross_year_checks(last_year, township, drafter):
    report = start_from_previous(township, 2024, by=drafter)
    context = report_context(report)
    assert context.previous.table2["normative_in_force"] == \
        last_year.values().table2["normative_in_force"]
    assert context.year == 2024 and context.org_kind == township.kind
    assert context.previous_approved_here is False  # last year's is a draft
    Report.objects.filter(pk=last_year.pk).update(status=Report.Status.PUBLISHED)
    assert report_context(report).previous_approved_here is True


def test_an_imported_previous_year_does_not_count_as_approved_here(township, drafter):
    from .conftest import demo_values

    make_report(township, 2022, demo_values(), origin=Report.Origin.IMPORTED, status=Report.Status.PUBLISHED)
    report = start_from_previous(township, 2023, by=drafter)
    assert report_context(report).previous_approved_here is False
    assert report.values().t3("carried_over", "total") == 2


def test_copied_prose_blocks_submission_until_edited_or_confirmed(db):
    """The marks of reports.carryover reach the findings page and the submission gate."""
    from reports.carryover import confirm_part, pending_parts, start_from_previous
    from reports.findings import blocking_findings, findings_for_report
    from reports.models import Membership

    from .conftest import complete_values, make_org, make_report, make_user

    org = make_org()
    make_report(org, 2023, complete_values())
    drafter = make_user("carry_drafter", org, Membership.Role.DRAFTER)
    report = start_from_previous(org, 2024, by=drafter)
    carried = [f for f in findings_for_report(report) if f.rule == "N-CARRIED"]
    assert carried and all(f.severity == "warning" for f in carried)
    assert {f.key for f in carried} <= {f.key for f in blocking_findings(report)}
    for mark in pending_parts(report):
        confirm_part(report, mark.part, by=drafter)
    assert not [f for f in findings_for_report(report) if f.rule == "N-CARRIED"]
