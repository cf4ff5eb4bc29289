"""The whole round, each person in their own browser: fill and submit, return with a comment, fix and
resubmit, approve, publish, and the public sees the report in the county's public column.

The report starts with everything but 表二 filled in (typing all 200 cells is the editor's own test);
the drafter types 表二 and later fixes it in the section editor; every transition is done through the
pages by the person whose job it is.
"""

from __future__ import annotations

import re

from playwright.sync_api import expect

from ..conftest import complete_values, make_report
from .conftest import login, screenshot

SAVED = re.compile(r"^已保存 \d\d:\d\d:\d\d$")


def type_table2(page, report, numbers: list[str]) -> None:
    """In the 表二 editor, type the nine counts and the fee in reading order, then wait for 已保存."""
    page.goto(f"/reports/{report.pk}/edit/proactive/")
    expect(page.locator("#check-state")).to_contain_text("已检查")
    first = page.locator("#cell-table2-regulations_issued")
    first.click()
    for text in numbers:
        page.keyboard.press("Control+A")
        page.keyboard.type(text)
        page.keyboard.press("Tab")
    expect(page.locator("#save-status")).to_have_text(SAVED)


def panel(page):
    return page.locator(".workflow-panel")


def test_the_whole_round_from_draft_to_the_public_page(new_page, township, drafter, approver, county_officer):
    for user, name in ((drafter, "李干事"), (approver, "张副乡长"), (county_officer, "王科长")):
        user.first_name = name
        user.save()
    values = complete_values()
    for key in values.table2:
        values.table2[key] = None
    values.table2["fees_10k_yuan"] = None
    report = make_report(township, 2023, values)

    # 1. The drafter fills 表二 in the editor and submits the report.
    clerk = new_page()
    login(clerk, "drafter")
    type_table2(clerk, report, ["0"] * 9 + ["1.5"])
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
    clerk.goto(f"/reports/{report.pk}/edit/proactive/")
    expect(clerk.locator("#check-state")).to_contain_text("已检查")
    penalty = clerk.locator("#cell-table2-penalty")
    penalty.click()
    penalty.press("Control+A")
    clerk.keyboard.type("３")  # a full-width digit, as an input method types it
    clerk.keyboard.press("Tab")
    expect(clerk.locator("#save-status")).to_have_text(SAVED)
    clerk.goto(f"/reports/{report.pk}/")
    comments = clerk.locator("#comments-proactive")
    comments.get_by_role("button", name="标为已处理").click()
    # "标为已处理" on the button already contains "已处理": look at the comment's own state.
    expect(clerk.locator("#comments-proactive li.comment")).to_have_attribute("data-resolved", "1")
    expect(clerk.locator("#comments-proactive li.comment .badge")).to_have_text("已处理")
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
    panel(office).get_by_role("link", name="公开发布…").click()
    expect(office.get_by_test_id("publish-title")).to_have_text(report.title)  # what will be published
    office.get_by_role("button", name="确认发布").click()
    expect(panel(office).get_by_test_id("status")).to_have_text("已公开发布")

    # 6. The public finds it in the county's 政府信息公开年报 column, without logging in.
    public = new_page()
    public.goto("/gongkai/")
    public.get_by_role("link", name=report.title).click()
    expect(public.locator("h1")).to_contain_text("2023年政府信息公开工作年度报告")
    expect(public.locator('td[data-cell="table2.penalty"]')).to_have_text("3")
    expect(public.locator('td[data-cell="table2.fees_10k_yuan"]')).to_have_text("1.5")
    expect(public.locator("body")).not_to_contain_text("行政处罚决定数与执法平台统计不一致")
    expect(public.locator("body")).not_to_contain_text("草稿")
    with public.expect_download() as download:
        public.get_by_role("link", name=re.compile("PDF")).first.click()
    assert download.value.suggested_filename.endswith(".pdf")
    screenshot(public, "round-6-public")
    assert list(report.events.values_list("action", flat=True)) == [
        "submit", "return", "submit", "approve", "publish"]
