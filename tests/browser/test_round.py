"""The whole round, each person in their own browser: fill and submit, return with a comment, fix and
resubmit, approve, publish, and the public sees the report.

Filling and fixing are done by a builder here (save_values + section_saved, exactly what the section
editor sends); every transition is done through the pages by the person whose job it is.
"""

from __future__ import annotations

import re

from playwright.sync_api import expect

from reports.models import Report
from reports.services import save_values
from reports.signals import section_saved

from ..conftest import complete_values, make_report
from .conftest import login, screenshot


def fill(report: Report, by, change=None) -> None:
    """What the section editor does on save: store the values, then tell the other parts."""
    values = report.values() if change else complete_values()
    if change:
        change(values)
    save_values(report, values)
    section_saved.send(sender=Report, report=report, section="proactive", by=by)


def panel(page):
    return page.locator(".workflow-panel")


def test_the_whole_round_from_draft_to_the_public_page(new_page, township, drafter, approver, county_officer):
    for user, name in ((drafter, "李干事"), (approver, "张副乡长"), (county_officer, "王科长")):
        user.first_name = name
        user.save()
    report = make_report(township, 2023)

    # 1. The drafter fills the report and submits it.
    fill(report, drafter)
    clerk = new_page()
    login(clerk, "drafter")
    clerk.get_by_role("link", name="待办").click()
    expect(clerk.locator("table.waiting")).to_contain_text("填写并提交审核")
    clerk.get_by_role("link", name=report.title).click()
    expect(panel(clerk).get_by_test_id("status")).to_have_text("草稿")
    panel(clerk).get_by_role("button", name="提交审核").click()
    expect(clerk.get_by_role("status").first).to_contain_text("已提交审核")
    expect(panel(clerk).get_by_test_id("status")).to_have_text("已提交待审核")

    # 2. The approver comments on section 二 and returns the report with a reason.
    leader = new_page()
    login(leader, "approver")
    leader.get_by_role("link", name="待办").click()
    expect(leader.locator("table.waiting")).to_contain_text("审核：退回修改或审核通过")
    leader.locator("table.waiting").get_by_role("link", name=report.title).click()
    form = panel(leader).get_by_test_id("comment-form")
    form.get_by_label("针对的部分").select_option(label="二、主动公开政府信息情况")
    form.get_by_label("意见").fill("行政处罚决定数与执法平台统计不一致，请核对。")
    form.get_by_role("button", name="提出意见").click()
    expect(leader.locator("#comments-proactive")).to_contain_text("行政处罚决定数与执法平台统计不一致")
    screenshot(leader, "round-2-approver-panel")
    panel(leader).get_by_label("退回理由").fill("请按分部分意见核对第二部分后重新提交。")
    panel(leader).get_by_role("button", name="退回修改").click()
    expect(panel(leader).get_by_test_id("status")).to_have_text("已退回")

    # 3. The drafter sees the notification and the comment beside its section, fixes, resolves, resubmits.
    clerk.get_by_role("link", name=re.compile("^待办")).click()
    expect(clerk.locator(".notifications")).to_contain_text("张副乡长退回修改")
    expect(clerk.locator(".notifications")).to_contain_text("请按分部分意见核对第二部分后重新提交。")
    clerk.locator(".notifications").get_by_role("link").first.click()
    comments = clerk.locator("#comments-proactive")
    expect(comments).to_contain_text("待处理")
    fill(report, drafter, change=lambda v: v.table2.update(penalty=3))
    comments.get_by_role("button", name="标为已处理").click()
    expect(clerk.locator("#comments-proactive")).to_contain_text("已处理")
    panel(clerk).get_by_role("button", name="提交审核").click()
    expect(panel(clerk).get_by_test_id("status")).to_have_text("已提交待审核")

    # 4. The approver looks at what changed since the return, then approves.
    leader.reload()
    panel(leader).get_by_role("link", name="修改记录与版本对比").click()
    changed = leader.locator('tr[data-cell="table2.penalty"]')
    expect(changed).to_contain_text("行政处罚（本年处理决定数量）")
    expect(changed.locator("del")).to_have_text("0")
    expect(changed.locator("ins")).to_have_text("3")
    screenshot(leader, "round-4-versions")
    leader.get_by_role("link", name=report.title).click()
    panel(leader).get_by_role("button", name="审核通过").click()
    expect(panel(leader).get_by_test_id("status")).to_have_text("已审核通过")
    leader.reload()
    expect(panel(leader)).to_contain_text("报告已锁定")

    # 5. The county office publishes it.
    office = new_page()
    login(office, "officer")
    office.get_by_role("link", name=re.compile("^待办")).click()
    expect(office.locator("table.waiting")).to_contain_text("公开发布")
    office.locator("table.waiting").get_by_role("link", name=report.title).click()
    panel(office).get_by_role("button", name="公开发布").click()
    expect(panel(office).get_by_test_id("status")).to_have_text("已公开发布")

    # 6. The public sees the published report.
    public = new_page()
    public.goto("/")
    public.get_by_role("link", name=report.title).click()
    expect(public.locator("h1")).to_contain_text("2023年政府信息公开工作年度报告")
    expect(public.locator('td[data-cell="penalty"]')).to_have_text("3")
    expect(public.locator(".workflow-panel")).not_to_contain_text("行政处罚决定数与执法平台统计不一致")
    screenshot(public, "round-6-public")
    assert list(report.events.values_list("action", flat=True)) == [
        "submit", "return", "submit", "approve", "publish"]
