"""The rules on stored reports: last year's report, acknowledgements, the findings page and JSON, check_reports."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command

from reports.findings import (
    acknowledge,
    blocking_findings,
    cell_anchor,
    finding_url,
    findings_for_report,
    report_context,
)
from reports.models import Acknowledgement, Report

from .conftest import complete_values, make_report

pytestmark = pytest.mark.django_db


def set_prose(report: Report, **texts) -> None:
    from reports.services import save_values

    values = report.values()
    values.prose.update(texts)
    save_values(report, values)


def last_year(township, *, carry_forward: int, status=Report.Status.APPROVED, origin=Report.Origin.ENTERED):
    values = complete_values()
    values.table3["carry_forward"]["natural"] = carry_forward
    values.table3["granted"]["natural"] = 4 - carry_forward
    return make_report(township, 2022, values, status=status, origin=origin)


def carry_findings(report):
    return [f for f in findings_for_report(report) if f.rule == "T3-CARRY"]


def test_cross_year_rules_are_errors_when_last_year_was_approved_here(report):
    assert report_context(report).previous is None
    last_year(report.organisation, carry_forward=1)
    [finding] = carry_findings(report)
    assert finding.severity == "error"
    assert "上年（2022年）报告的四、结转下年度继续办理（自然人）为 1" in finding.message


@pytest.mark.parametrize("status, origin", [
    (Report.Status.APPROVED, Report.Origin.IMPORTED),
    (Report.Status.DRAFT, Report.Origin.ENTERED),
])
def test_cross_year_rules_are_warnings_when_last_year_was_imported_or_not_approved(report, status, origin):
    last_year(report.organisation, carry_forward=1, status=status, origin=origin)
    assert [f.severity for f in carry_findings(report)] == ["warning"]


def test_a_published_last_year_that_leads_into_this_one_gives_no_cross_year_finding(report):
    last_year(report.organisation, carry_forward=0, status=Report.Status.PUBLISHED)
    context = report_context(report)
    assert context.previous_approved_here and context.previous.t3("carry_forward", "natural") == 0
    assert carry_findings(report) == []


def test_the_other_handling_threshold_comes_from_the_settings(report, settings):
    values = complete_values()
    values.table3["other_3"]["natural"] = 1
    values.table3["carry_forward"]["natural"] = 1
    assert [f.rule for f in findings_for_report(report, values) if f.rule == "T3-OTHER-HIGH"] == ["T3-OTHER-HIGH"]
    settings.GKPORTAL_OTHER_HANDLING_WARN_SHARE = 0.4
    assert [f.rule for f in findings_for_report(report, values) if f.rule == "T3-OTHER-HIGH"] == []


def warned_report(report):
    """The demo report with its blanks filled and a §五 that is too short: one warning, no error."""
    from reports.services import save_values

    values = complete_values()
    values.prose["problems"] = "无。"
    save_values(report, values)
    [warning] = findings_for_report(report)
    assert warning.rule == "N-S5" and warning.severity == "warning"
    return warning


def test_a_drafter_acknowledges_a_warning_so_it_no_longer_blocks(report, drafter):
    warning = warned_report(report)
    assert blocking_findings(report) == [warning]
    ack = acknowledge(report, warning.key, by=drafter, explanation="  本年确无问题。 ")
    assert blocking_findings(report) == []
    assert (ack.rule, ack.explanation, ack.by, ack.message) == ("N-S5", "本年确无问题。", drafter, warning.message)
    acknowledge(report, warning.key, by=drafter, explanation="改了说明")
    assert Acknowledgement.objects.get().explanation == "改了说明"


def test_errors_and_vanished_findings_cannot_be_acknowledged(report, drafter):
    error = next(f for f in findings_for_report(report) if f.severity == "error")
    with pytest.raises(ValidationError, match="错误不能确认，只能改正"):
        acknowledge(report, error.key, by=drafter)
    with pytest.raises(ValidationError, match="这条提示已经不存在了"):
        acknowledge(report, "N-S5:prose.problems:short", by=drafter)
    assert not Acknowledgement.objects.exists()


def test_only_the_drafters_of_an_editable_report_acknowledge(report, drafter, approver, county_officer):
    warning = warned_report(report)
    for user in (approver, county_officer):
        with pytest.raises(PermissionDenied):
            acknowledge(report, warning.key, by=user)
    Report.objects.filter(pk=report.pk).update(status=Report.Status.SUBMITTED)
    with pytest.raises(PermissionDenied):
        acknowledge(report, warning.key, by=drafter)
    assert not Acknowledgement.objects.exists()


def test_findings_link_to_their_cell_in_the_section_editor(report):
    [blank] = [f for f in findings_for_report(report) if f.rule == "S-CELLS"]
    assert cell_anchor("table3.new.natural") == "cell-table3-new-natural"
    assert cell_anchor("prose.problems") == "cell-prose-problems"
    assert finding_url(report, blank) == f"/reports/{report.pk}/edit/review_litigation/#cell-table4-review-maintained"


# ---------------------------------------------------------------- the page and the JSON


def test_findings_page_groups_by_section_with_counts_and_links(client, report, drafter):
    client.force_login(drafter)
    page = client.get(f"/reports/{report.pk}/findings/").content.decode()
    assert 'data-count="error">错误 1<' in page and 'data-count="warning">提示 0<' in page
    assert "四、政府信息公开行政复议、行政诉讼情况" in page
    assert f'href="/reports/{report.pk}/edit/review_litigation/#cell-table4-review-maintained"' in page
    assert "还有 <strong>1</strong> 项需要处理才能提交审核" in page
    assert "行政复议机关作为共同被告的行政诉讼案件" in page  # T4-JOINT help text


def test_findings_json_has_every_finding_with_its_link_and_acknowledgement(client, report, drafter):
    warning = warned_report(report)
    acknowledge(report, warning.key, by=drafter, explanation="本年确无问题。")
    client.force_login(drafter)
    data = client.get(f"/reports/{report.pk}/findings.json").json()
    assert data["counts"] == {"error": 0, "warning": 1, "info": 0, "acknowledged": 1, "blocking": 0}
    [finding] = data["findings"]
    assert finding["rule"] == "N-S5" and finding["cells"] == ["prose.problems"] and finding["key"] == warning.key
    assert finding["url"] == f"/reports/{report.pk}/edit/problems/#cell-prose-problems"
    assert finding["acknowledged"]["explanation"] == "本年确无问题。"


def test_drafter_acknowledges_from_the_page_and_the_approver_reads_the_explanation(client, report, drafter, approver):
    warning = warned_report(report)
    client.force_login(drafter)
    response = client.post(f"/reports/{report.pk}/findings/acknowledge/",
                           {"key": warning.key, "explanation": "本乡全年工作平稳，问题已在上半年整改。"})
    assert response.status_code == 302
    client.force_login(approver)
    page = client.get(f"/reports/{report.pk}/findings/").content.decode()
    assert "已确认" in page and "本乡全年工作平稳，问题已在上半年整改。" in page
    assert "确认此提示" not in page  # approvers read, they do not acknowledge


def test_a_refused_acknowledgement_keeps_what_was_typed(client, report, drafter):
    warned_report(report)
    client.force_login(drafter)
    response = client.post(f"/reports/{report.pk}/findings/acknowledge/",
                           {"key": "N-S1-LEN:prose.overview_proactive", "explanation": "我写的说明"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "这条提示已经不存在了" in page
    response = client.post(f"/reports/{report.pk}/findings/acknowledge/", {"key": "", "explanation": "x"})
    assert response.status_code == 400


def test_acknowledging_is_refused_to_others(client, report, approver, outsider):
    warning = warned_report(report)
    client.force_login(approver)
    response = client.post(f"/reports/{report.pk}/findings/acknowledge/", {"key": warning.key})
    assert response.status_code == 403
    assert "只有本机关的填报人" in response.content.decode()
    client.force_login(outsider)
    assert client.post(f"/reports/{report.pk}/findings/acknowledge/", {"key": warning.key}).status_code == 404
    assert not Acknowledgement.objects.exists()


def test_findings_are_internal(client, report, outsider, county_officer):
    Report.objects.filter(pk=report.pk).update(status=Report.Status.PUBLISHED)
    assert client.get(f"/reports/{report.pk}/findings/").status_code == 302  # to the login page
    client.force_login(outsider)
    assert client.get(f"/reports/{report.pk}/findings/").status_code == 404
    assert client.get(f"/reports/{report.pk}/findings.json").status_code == 404
    client.force_login(county_officer)
    assert client.get(f"/reports/{report.pk}/findings/").status_code == 200


def test_a_findings_link_opens_the_editor_at_its_cell(client, report, drafter):
    from reports.findings import finding_url
    from reports.rules import Finding

    finding = Finding("T3-BAL", "error", "x", ("table3.carry_forward.natural",), section="applications")
    url = finding_url(report, finding)
    path, anchor = url.split("#")
    assert path == f"/reports/{report.pk}/edit/applications/" and anchor == "cell-table3-carry_forward-natural"
    client.force_login(drafter)
    response = client.get(path)
    assert response.status_code == 200 and f'id="{anchor}"' in response.content.decode()


# ---------------------------------------------------------------- check_reports


def run_check(*args) -> tuple[str, int]:
    out = StringIO()
    try:
        call_command("check_reports", *args, stdout=out, stderr=StringIO())
    except CommandError as exc:
        return out.getvalue(), exc.returncode
    return out.getvalue(), 0


def test_check_reports_prints_one_finding_a_line_and_fails_on_errors(report, sibling):
    clean = make_report(sibling, 2023, complete_values())  # 郇封镇, with the demo prose that names 西村乡
    out, code = run_check()
    assert code == 1
    blank, title = out.splitlines()
    assert blank.startswith("西村乡人民政府\t2023\tS-CELLS\t错误\ttable4.review.maintained,")
    assert title.startswith("郇封镇人民政府\t2023\tS-TITLE\t提示\tprose.preface\t文中写作“西村乡人民政府2023年")
    out, code = run_check("--org", "郇封镇", "--year", "2023")
    assert (out.count("\n"), code) == (1, 0)  # a warning does not fail the run
    set_prose(clean, preface="")
    assert run_check("--org", "郇封镇人民政府") == ("", 0)


def test_check_reports_json_lines(report, drafter):
    warning = warned_report(report)
    acknowledge(report, warning.key, by=drafter)
    out, code = run_check("--json", "--year", "2023")
    assert code == 0
    [row] = [json.loads(line) for line in out.splitlines()]
    assert (row["org"], row["year"], row["rule"], row["acknowledged"]) == ("西村乡人民政府", 2023, "N-S5", True)


def test_check_reports_names_an_unknown_organisation(db):
    with pytest.raises(CommandError, match="没有名为“不存在乡”的机关"):
        call_command("check_reports", "--org", "不存在乡", stdout=StringIO())


def test_the_page_tells_when_an_acknowledged_warning_changed_since(client, report, drafter, approver):
    from reports.services import save_values

    warning = warned_report(report)
    acknowledge(report, warning.key, by=drafter, explanation="确无问题")
    values = report.values()
    values.prose["problems"] = "暂无问题。"
    save_values(report, values)
    assert blocking_findings(report) == []  # still the same warning (rule and cell): still acknowledged
    client.force_login(approver)
    page = client.get(f"/reports/{report.pk}/findings/").content.decode()
    assert "确认之后数据有变化。确认时的提示为：“五、存在的主要问题及改进情况”只有 2 字" in page


def test_a_warning_has_one_name_in_the_editor_on_the_findings_page_and_on_the_command_line(client, report, drafter):
    from io import StringIO

    from django.core.management import call_command

    warned_report(report)
    client.force_login(drafter)
    editor = client.get(f"/reports/{report.pk}/edit/problems/").content.decode()
    assert '<span class="sev">提示</span>' in editor
    page = client.get(f"/reports/{report.pk}/findings/").content.decode()
    assert '<span class="badge text-bg-warning" data-finding-state="warning">提示</span>' in page
    out = StringIO()
    call_command("check_reports", "--year", "2023", stdout=out)
    assert "\tN-S5\t提示" in out.getvalue()
