"""Review where the work is (issue 16): read-only sections for the approver and the county office, comments
beside their section and cells, one list of findings with acknowledged warnings shown once as 已确认."""

from __future__ import annotations

import pytest
from django.urls import reverse

from reports.findings import Shown, acknowledge, cell_marks, counts, report_findings
from reports.models import Report, SectionComment
from reports.rules import Finding
from reports.workflow import WorkflowError, add_comment

from .conftest import complete_values
from .test_rules_findings import warned_report


def editor(client, report, section):
    return client.get(reverse("section_edit", args=[report.pk, section]))


def submitted(report):
    Report.objects.filter(pk=report.pk).update(status=Report.Status.SUBMITTED)
    return Report.objects.get(pk=report.pk)


# ---------------------------------------------------------------- one truth about findings


def test_an_acknowledged_warning_is_shown_once_as_acknowledged(report, drafter):
    warning = warned_report(report)
    acknowledge(report, warning.key, by=drafter, explanation="本年确无突出问题。")
    [item] = report_findings(report)
    assert (item.state, item.label, item.blocking) == ("acknowledged", "已确认", False)
    assert counts([item]) == {"error": 0, "warning": 0, "acknowledged": 1, "info": 0, "blocking": 0}
    assert cell_marks([item]) == {}  # it marks no cell


def test_a_finding_over_several_paragraphs_speaks_under_the_first_only():
    cells = tuple(f"prose.overview_{p}" for p in ("active", "on_request", "management", "platform", "supervision"))
    marks = cell_marks([Shown(Finding("N-S1-LEN", "warning", "总体情况超过一千字。", cells, section="overview"))])
    assert set(marks) == set(cells)
    assert [marks[k]["text"] for k in cells] == ["总体情况超过一千字。", "", "", "", ""]


def test_blank_cells_are_listed_in_their_editor_but_mark_no_cell(client, report, drafter):
    client.force_login(drafter)
    page = editor(client, report, "review_litigation").content.decode()
    assert 'data-rule="S-CELLS"' in page and "本部分没有发现问题" in page  # the text is there, hidden
    assert 'id="no-findings" class="text-success small mb-0" hidden' in page
    assert cell_marks(report_findings(report)).get("table4.review.maintained") is None


def test_a_section_whose_warnings_are_all_acknowledged_is_not_to_be_checked(client, report, drafter):
    warning = warned_report(report)
    client.force_login(drafter)
    home = client.get(reverse("report_detail", args=[report.pk])).content.decode()
    assert 'data-section="problems" data-state="warnings"' in home
    acknowledge(report, warning.key, by=drafter, explanation="本年确无突出问题。")
    home = client.get(reverse("report_detail", args=[report.pk])).content.decode()
    assert 'data-section="problems" data-state="complete"' in home
    assert "1 条提示已确认" in home and "说明：本年确无突出问题。" in home
    page = editor(client, report, "problems").content.decode()
    assert 'data-finding-state="acknowledged"' in page and "本年确无突出问题。" in page


# ---------------------------------------------------------------- read-only sections and comments


@pytest.mark.parametrize("who", ["approver", "county_officer"])
def test_reviewers_open_every_section_read_only(client, report, who, request):
    report = submitted(report)
    client.force_login(request.getfixturevalue(who))
    for section in ("overview", "proactive", "applications", "review_litigation", "problems", "other_matters"):
        page = editor(client, report, section)
        assert page.status_code == 200, section
        html = page.content.decode()
        body = html.split('id="review"')[1].split("</aside>")[0]
        assert "<input" not in body.replace('type="hidden"', "").split('data-testid="editor-comment-form"')[0]
        assert "<textarea" not in body.split('data-testid="editor-comment-form"')[0]
        assert "editor.js" not in html and 'id="editor-config"' not in html
    assert "提出意见" in editor(client, report, "applications").content.decode()


def test_a_drafter_sees_a_submitted_report_read_only(client, report, drafter):
    report = submitted(report)
    client.force_login(drafter)
    page = editor(client, report, "applications")
    assert page.status_code == 200 and 'data-testid="readonly"' in page.content.decode()


def test_the_approver_comments_on_a_cell_from_the_editor(client, report, approver, drafter):
    report = submitted(report)
    client.force_login(approver)
    response = client.post(reverse("report_comment_add", args=[report.pk]), {
        "section": "applications", "cell": "table3.new.natural", "text": "新收件数与登记簿不符。", "from": "editor"})
    assert response.status_code == 302 and response.url.endswith("/edit/applications/#comments-applications")
    comment = SectionComment.objects.get()
    assert comment.cell == "table3.new.natural"
    Report.objects.filter(pk=report.pk).update(status=Report.Status.RETURNED)
    client.force_login(drafter)
    page = editor(client, report, "applications").content.decode()
    assert "新收件数与登记簿不符。" in page and 'href="#cell-table3-new-natural"' in page
    assert "has-comment" in page and "标为已处理" in page
    home = client.get(reverse("report_detail", args=[report.pk])).content.decode()
    assert 'href="/reports/%d/edit/applications/#cell-table3-new-natural">一、本年新收政府信息公开申请数量（自然人）</a>' % report.pk in home


def test_a_comment_naming_a_cell_of_another_section_is_refused(report, approver):
    report = submitted(report)
    with pytest.raises(WorkflowError):
        add_comment(report, by=approver, section="applications", cell="table2.licensing", text="?")


def test_submitting_with_open_comments_asks_for_confirmation_and_lists_them(client, report, approver, drafter):
    from reports.services import save_values

    save_values(report, complete_values())
    report = submitted(report)
    add_comment(report, by=approver, section="problems", text="问题写得太笼统。")
    Report.objects.filter(pk=report.pk).update(status=Report.Status.RETURNED)
    client.force_login(drafter)
    url = reverse("report_submit", args=[report.pk])
    page = client.get(url).content.decode()
    assert "还有 1 条审核意见没有标为已处理" in page and "问题写得太笼统。" in page
    response = client.post(url, {"comment": ""})
    assert response.status_code == 400 and Report.objects.get(pk=report.pk).status == Report.Status.RETURNED
    response = client.post(url, {"comment": "", "confirm_open_comments": "on"})
    assert response.status_code == 302 and Report.objects.get(pk=report.pk).status == Report.Status.SUBMITTED


def test_the_county_dashboard_counts_acknowledged_warnings_apart(report, drafter, county):
    import datetime

    from reports.county import dashboard_rows

    warning = warned_report(report)
    [row] = [r for r in dashboard_rows(county, 2023, datetime.date(2024, 1, 1)) if r.report is not None]
    assert (row.errors, row.warnings, row.acknowledged) == (0, 1, 0)
    acknowledge(report, warning.key, by=drafter)
    [row] = [r for r in dashboard_rows(county, 2023, datetime.date(2024, 1, 1)) if r.report is not None]
    assert (row.errors, row.warnings, row.acknowledged) == (0, 0, 1)
