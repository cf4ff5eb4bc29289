"""Review where the work is, and one truth about findings (issue 16, points 1 and 2): the approver reads
every section in the editor's layout, read-only, and comments there; the drafter sees the comments beside
the section and its cells, marks them 已处理, and is asked before submitting past open ones. The editor,
the report page and the findings page show the same findings; an acknowledged warning is 已确认, once."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from reports.findings import acknowledge, report_findings
from reports.models import Report
from reports.services import save_values
from tests.conftest import complete_values

from .conftest import login, screenshot
from .test_editor import settle

LONG = "本机关坚持以公开为常态、不公开为例外，持续完善政务公开平台建设。" * 40


def long_overview_report(report):
    values = complete_values()
    values.prose["overview_platform"] = LONG
    save_values(report, values)
    [warning] = [it.finding for it in report_findings(report) if it.finding.rule == "N-S1-LEN"]
    return warning


def test_a_blank_cell_error_of_table_four_is_in_its_editor(page, report, drafter):
    login(page, "drafter")
    page.goto(f"/reports/{report.pk}/")
    home = page.locator(".findings-list")
    expect(home).to_contain_text("表四 行政复议的结果维持、结果纠正、其他结果、尚未审结为空")
    page.goto(f"/reports/{report.pk}/edit/review_litigation/")
    expect(page.locator("#check-state")).to_contain_text("已检查")
    findings = page.locator("#findings")
    expect(findings.locator('[data-rule="S-CELLS"]')).to_contain_text("表四 行政复议的结果维持、结果纠正、其他结果、尚未审结为空")
    expect(findings.locator('[data-rule="S-CELLS"] .sev')).to_have_text("错误")
    expect(page.locator("#no-findings")).to_be_hidden()
    expect(page.locator("td.is-error")).to_have_count(0)  # blank cells stay hatched, not red
    settle(page)


def test_an_acknowledged_warning_is_acknowledged_everywhere_and_said_once(page, report, drafter):
    warning = long_overview_report(report)
    login(page, "drafter")
    page.goto(f"/reports/{report.pk}/edit/overview/")
    expect(page.locator("#check-state")).to_contain_text("已检查")
    said = page.locator(".prose-field .cell-msg", has_text="超过了“篇幅原则上不超过一千字”")
    expect(said).to_have_count(1)  # not under each of the five parts
    expect(page.locator(".prose-field.is-warning")).to_have_count(5)
    settle(page)

    page.goto(f"/reports/{report.pk}/findings/")
    section = page.locator("#section-overview")
    section.get_by_label("说明（可选）").fill("本年新增平台建设内容较多，确需展开。")
    section.get_by_role("button", name="确认此提示").click()
    expect(section.locator('[data-finding-state="acknowledged"]')).to_have_text("已确认")

    page.goto(f"/reports/{report.pk}/")
    row = page.locator('tr[data-section="overview"]')
    expect(row).not_to_contain_text("需核实")
    expect(row).to_contain_text("1 条提示已确认")
    item = page.locator('.findings-list [data-rule="N-S1-LEN"]')
    expect(item.locator(".sev")).to_have_text("已确认")
    expect(item).to_contain_text("说明：本年新增平台建设内容较多，确需展开。")

    page.goto(f"/reports/{report.pk}/edit/overview/")
    expect(page.locator("#check-state")).to_contain_text("已检查")
    listed = page.locator('#findings [data-rule="N-S1-LEN"]')
    expect(listed).to_have_count(1)
    expect(listed.locator(".sev")).to_have_text("已确认")
    expect(listed).to_contain_text("本年新增平台建设内容较多，确需展开。")
    expect(page.locator(".prose-field.is-warning")).to_have_count(0)
    expect(page.locator(".prose-field .cell-msg", has_text="超过了")).to_have_count(0)
    screenshot(page, "editor-overview-acknowledged")
    assert warning.key in {a.key for a in report.acknowledgements.all()}
    settle(page)


def test_the_approver_reviews_in_the_sections_and_the_drafter_answers_there(
        new_page, report, drafter, approver):
    warning = long_overview_report(report)
    acknowledge(report, warning.key, by=drafter, explanation="本年新增平台建设内容较多，确需展开。")
    Report.objects.filter(pk=report.pk).update(status=Report.Status.SUBMITTED)

    leader = new_page()
    login(leader, "approver")
    leader.goto(f"/reports/{report.pk}/")
    leader.locator('td a[href$="/edit/applications/"]', has_text="查看").click()
    expect(leader.get_by_test_id("readonly")).to_have_text("只读")
    review = leader.locator("#review")
    expect(review.locator("input, textarea")).to_have_count(0)  # nothing that looks editable
    expect(leader.locator("#editor-config")).to_have_count(0)  # no autosave script
    expect(leader.locator("#cell-table3-new-natural")).to_have_text("4")
    form = leader.get_by_test_id("editor-comment-form")
    leader.locator("#cell-table3-new-natural").click()  # clicking the cell names it in the comment form
    expect(form.get_by_label("针对的单元格或段落（可不选）")).to_have_value("table3.new.natural")
    expect(form.get_by_label("对本部分的意见")).to_be_focused()
    form.get_by_label("对本部分的意见").fill("新收件数与收文登记簿不一致，请核对。")
    form.get_by_role("button", name="提出意见").click()
    comments = leader.locator("#comments-applications")
    expect(comments).to_contain_text("新收件数与收文登记簿不一致，请核对。")
    expect(comments.locator(".comment-cell")).to_have_text("一、本年新收政府信息公开申请数量（自然人）")
    expect(leader.locator('td[data-cell-wrap="table3.new.natural"]')).to_have_class(re.compile(r"\bhas-comment\b"))
    screenshot(leader, "review-applications-readonly")

    leader.get_by_role("link", name="一、总体情况").click()
    ack = leader.locator('#findings [data-rule="N-S1-LEN"]')
    expect(ack.locator(".sev")).to_have_text("已确认")
    expect(ack).to_contain_text("说明：本年新增平台建设内容较多，确需展开。")
    expect(leader.locator("#cell-prose-overview_platform")).to_contain_text("持续完善政务公开平台建设")
    leader.get_by_label("对本部分的意见").fill("第（四）部分过长，请压缩。")
    leader.get_by_role("button", name="提出意见").click()
    expect(leader.locator("#comments-overview")).to_contain_text("第（四）部分过长，请压缩。")
    screenshot(leader, "review-overview-readonly")
    leader.goto(f"/reports/{report.pk}/")
    leader.locator(".workflow-panel").get_by_label("退回理由").fill("请按各部分的意见修改。")
    leader.locator(".workflow-panel").get_by_role("button", name="退回修改").click()
    expect(leader.locator(".workflow-panel").get_by_test_id("status")).to_have_text("已退回")

    clerk = new_page()
    login(clerk, "drafter")
    clerk.goto(f"/reports/{report.pk}/edit/applications/")
    expect(clerk.locator("#check-state")).to_contain_text("已检查")
    comments = clerk.locator("#comments-applications")
    expect(comments).to_contain_text("新收件数与收文登记簿不一致")
    expect(comments.locator(".badge")).to_have_text("待处理")
    comments.get_by_role("link", name="一、本年新收政府信息公开申请数量（自然人）").click()
    expect(clerk.locator("#cell-table3-new-natural")).to_be_focused()
    screenshot(clerk, "editor-comment-beside-cell")
    comments.get_by_role("button", name="标为已处理").click()
    expect(clerk.locator("#comments-applications li.comment")).to_have_attribute("data-resolved", "1")
    settle(clerk)

    clerk.goto(f"/reports/{report.pk}/")
    panel = clerk.locator(".workflow-panel")
    expect(panel.get_by_test_id("open-comments")).to_contain_text("第（四）部分过长，请压缩。")
    panel.get_by_role("button", name="提交审核").click()  # the browser asks for the confirmation box
    expect(panel.get_by_test_id("status")).to_have_text("已退回")
    panel.get_by_label(re.compile("仍然提交")).check()
    screenshot(clerk, "submit-with-open-comments")
    panel.get_by_role("button", name="提交审核").click()
    expect(panel.get_by_test_id("status")).to_have_text("已提交待审核")
