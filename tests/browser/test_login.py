"""A person logs in and sees their organisation's report."""

from playwright.sync_api import expect

from .conftest import login


def test_drafter_logs_in_and_opens_the_report(page, report, drafter):
    login(page, "drafter")
    page.get_by_role("link", name=report.title).click()
    expect(page.locator("h1")).to_contain_text("2023年政府信息公开工作年度报告")
    page.get_by_role("link", name="预览全文（草稿）").click()
    expect(page.locator('td[data-cell="table3.new.total"]')).to_have_text("4")


def test_wrong_password_is_refused_in_chinese(page, drafter):
    page.goto("/accounts/login/")
    page.get_by_label("用户名").fill("drafter")
    page.get_by_label("密码").fill("wrong-password")
    page.get_by_role("button", name="登录").click()
    expect(page.locator("form")).to_contain_text("请输入一个正确的")
