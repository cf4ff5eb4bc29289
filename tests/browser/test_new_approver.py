"""A new approver, as people do it: the office creates the account, the person sets their own password, a
second person of the office confirms the role, and only then does the approver see the report to approve."""

import re

from playwright.sync_api import expect

from reports.models import Membership
from reports.workflow import submit
from tests.conftest import Role, make_user
from tests.workflow_support import complete_report

from .conftest import login, screenshot

INITIAL = "Xw-initial-2026!"
OWN = "Mine-only-2026?"


def test_a_new_approver_sets_a_password_and_is_confirmed_by_a_second_person(new_page, township, drafter,
                                                                                 county_officer, county):
    report = complete_report(township)
    submit(report, by=drafter)
    make_user("colleague", county, Role.SUPERVISOR, first_name="县政务公开办 赵科员")

    office = new_page()
    login(office, "officer")
    office.goto("/manage/users/new/")
    office.get_by_label("用户名").fill("xicun_leader")
    office.get_by_label("姓名（显示名）").fill("西村乡 新任分管领导")
    office.get_by_label("机关").select_option(label="西村乡人民政府")
    office.get_by_label("角色").select_option(label="审核人")
    office.locator("#id_password1").fill(INITIAL)
    office.locator("#id_password2").fill(INITIAL)
    office.get_by_role("button", name="保存").click()
    expect(office.locator(".alert-success")).to_contain_text("须由另一位主管部门人员或系统管理员")
    expect(office.locator("[data-grant]")).to_contain_text("待确认")

    leader = new_page()
    login(leader, "xicun_leader", INITIAL)
    expect(leader).to_have_url(re.compile(r"/accounts/password_change/$"))
    expect(leader.locator("#password-forced")).to_contain_text("请先设置一个只有您自己知道的新密码")
    screenshot(leader, "first-login-password")
    leader.locator("#id_old_password").fill(INITIAL)
    leader.locator("#id_new_password1").fill(OWN)
    leader.locator("#id_new_password2").fill(OWN)
    leader.get_by_role("button", name="保存新密码").click()
    expect(leader.locator(".alert-success")).to_contain_text("密码已修改")
    leader.goto("/")
    expect(leader.get_by_role("link", name=report.title)).to_have_count(0)  # not an approver yet

    colleague = new_page()
    login(colleague, "colleague")
    colleague.goto("/manage/")
    grant = colleague.locator(".pending-grants [data-grant]")
    expect(grant).to_contain_text("西村乡 新任分管领导")
    screenshot(colleague, "manage-pending-grant")
    grant.get_by_role("button", name="确认").click()
    expect(colleague.locator(".alert-success")).to_contain_text("已确认")
    assert Membership.objects.filter(user__username="xicun_leader", role=Role.APPROVER).exists()

    leader.goto(f"/reports/{report.pk}/")
    leader.locator('[data-action="approve"] button').click()
    expect(leader.locator('[data-testid="status"]')).to_have_text("已审核通过")
