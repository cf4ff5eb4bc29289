"""A county office cannot approve through an account it made: the finding's two paths, and the rules that close them.

Outside test (issue 12, point 4): "The county office cannot grant itself a role, but it can create a new
account with a password it chooses, make it approver of a township, log in as it and approve — then
publish; or create a second supervisor that grants the county user the approver role."
"""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from reports.models import AccessEvent, Account, Membership, Report, RoleGrant
from reports.workflow import submit

from .conftest import Role, make_user
from .workflow_support import complete_report

pytestmark = pytest.mark.django_db
User = get_user_model()
S = Report.Status
INITIAL = "Xw-initial-2026!"
OWN = "Mine-only-2026?"
FORCED = "您的密码是由他人设置的。请先设置一个只有您自己知道的新密码，然后才能继续使用系统。"


@pytest.fixture
def submitted(township, drafter):
    report = complete_report(township)
    submit(report, by=drafter)
    return report


@pytest.fixture
def colleague(county):
    """A second person of the county office, whose role was confirmed (as load_demo's and the admin's are)."""
    return make_user("colleague", county, Role.SUPERVISOR)


def log_in(client, username: str, password: str) -> None:
    client.logout()
    response = client.post("/accounts/login/", {"username": username, "password": password})
    assert response.status_code == 302, response.content.decode()[:500]


def set_own_password(client, old: str, new: str = OWN) -> None:
    response = client.post("/accounts/password_change/",
                           {"old_password": old, "new_password1": new, "new_password2": new})
    assert response.status_code == 302 and response["Location"] == "/accounts/password_change/done/"


def create_user(client, username: str, organisation, role: str):
    response = client.post("/manage/users/new/", {
        "username": username, "first_name": username, "email": "", "password1": INITIAL, "password2": INITIAL,
        "organisation": organisation.pk, "role": role})
    assert response.status_code == 302, response.content.decode()[:2000]
    return User.objects.get(username=username)


# ---------------------------------------------------------------- the finding's first path


def test_an_account_the_office_creates_as_approver_cannot_approve(client, county_officer, township, submitted):
    client.force_login(county_officer)
    puppet = create_user(client, "puppet", township, Role.APPROVER)
    assert not Membership.objects.filter(user=puppet).exists()
    grant = RoleGrant.objects.get(user=puppet)
    assert (grant.organisation, grant.role, grant.granted_by) == (township, Role.APPROVER, county_officer)

    # The office cannot confirm the grant it made.
    response = client.post(f"/manage/grants/{grant.pk}/confirm/", follow=True)
    assert "您不能确认自己授予的角色" in response.content.decode()
    assert RoleGrant.objects.filter(pk=grant.pk).exists()

    # Logged in as the new account (it must first set its own password; the office can do that too) …
    log_in(client, "puppet", INITIAL)
    set_own_password(client, INITIAL)
    # … the account approves nothing: its role is still waiting for a second person.
    response = client.post(f"/reports/{submitted.pk}/approve/", {"comment": "同意"})
    assert response.status_code == 404
    assert Report.objects.get(pk=submitted.pk).status == S.SUBMITTED
    assert not submitted.events.filter(action="approve").exists()


# ---------------------------------------------------------------- the finding's second path


def test_a_second_supervisor_the_office_creates_cannot_grant_it_the_approver_role(client, county_officer, county,
                                                                                   township, submitted):
    client.force_login(county_officer)
    deputy = create_user(client, "deputy", county, Role.SUPERVISOR)
    assert not Membership.objects.filter(user=deputy).exists()
    log_in(client, "deputy", INITIAL)
    set_own_password(client, INITIAL)
    response = client.post(f"/manage/users/{county_officer.pk}/roles/",
                           {"organisation": township.pk, "role": Role.APPROVER})
    assert response.status_code == 403
    assert not Membership.objects.filter(user=county_officer, role=Role.APPROVER).exists()
    client.force_login(county_officer)
    response = client.post(f"/reports/{submitted.pk}/approve/", {"comment": "同意"})
    assert response.status_code == 403
    assert Report.objects.get(pk=submitted.pk).status == S.SUBMITTED


def test_even_a_confirmed_second_supervisor_needs_a_third_person_to_make_the_office_an_approver(
        client, county_officer, colleague, county, township, submitted):
    client.force_login(county_officer)
    deputy = create_user(client, "deputy", county, Role.SUPERVISOR)
    log_in(client, "deputy", INITIAL)
    set_own_password(client, INITIAL)
    client.force_login(colleague)
    assert client.post(f"/manage/grants/{RoleGrant.objects.get(user=deputy).pk}/confirm/").status_code == 302
    assert Membership.objects.filter(user=deputy, organisation=county, role=Role.SUPERVISOR).exists()

    deputy.refresh_from_db()  # its password has changed since: the session must carry the new one
    client.force_login(deputy)
    assert client.post(f"/manage/users/{county_officer.pk}/roles/",
                       {"organisation": township.pk, "role": Role.APPROVER}).status_code == 302
    grant = RoleGrant.objects.get(user=county_officer)
    for person, reason in ((deputy, "您不能确认自己授予的角色"), (county_officer, "不能确认授予您自己的角色")):
        client.force_login(person)
        html = client.post(f"/manage/grants/{grant.pk}/confirm/", follow=True).content.decode()
        assert reason in html
    assert not Membership.objects.filter(user=county_officer, role=Role.APPROVER).exists()
    response = client.post(f"/reports/{submitted.pk}/approve/", {"comment": "同意"})
    assert response.status_code == 403


# ---------------------------------------------------------------- confirming a grant


def test_a_pending_grant_shows_as_awaiting_confirmation_and_another_supervisor_confirms_it(
        client, county_officer, colleague, township, submitted):
    client.force_login(county_officer)
    person = create_user(client, "xicun_new_approver", township, Role.APPROVER)
    grant = RoleGrant.objects.get(user=person)
    html = client.get("/manage/").content.decode()
    assert "xicun_new_approver（审核人，待确认）" in html and "待确认的授权" in html
    html = client.get(f"/manage/users/{person.pk}/").content.decode()
    assert "待确认" in html and "您不能确认自己授予的角色" in html

    # The colleague sees it, but may confirm only once the person has set their own password.
    client.force_login(colleague)
    html = client.get("/manage/").content.decode()
    assert "此人尚未登录并设置自己的密码，暂不能确认" in html
    response = client.post(f"/manage/grants/{grant.pk}/confirm/", follow=True)
    assert "此人尚未登录并设置自己的密码" in response.content.decode()

    log_in(client, "xicun_new_approver", INITIAL)
    set_own_password(client, INITIAL)
    client.force_login(colleague)
    html = client.get("/manage/").content.decode()
    assert f'action="/manage/grants/{grant.pk}/confirm/"' in html
    response = client.post(f"/manage/grants/{grant.pk}/confirm/", follow=True)
    assert "已确认" in response.content.decode()
    assert Membership.objects.filter(user=person, organisation=township, role=Role.APPROVER).exists()
    assert not RoleGrant.objects.exists()
    actions = list(AccessEvent.objects.order_by("at", "pk").values_list("action", "actor__username"))
    assert actions == [("user_created", "officer"), ("password_own", "xicun_new_approver"),
                       ("role_confirmed", "colleague")]
    assert "（授予人：officer）" in AccessEvent.objects.get(action="role_confirmed").detail

    # Now the role counts: the new approver approves.
    person.refresh_from_db()  # its password has changed since: the session must carry the new one
    client.force_login(person)
    assert client.post(f"/reports/{submitted.pk}/approve/", {"comment": "同意"}).status_code == 302
    assert Report.objects.get(pk=submitted.pk).status == S.APPROVED


def test_granting_an_existing_person_the_approver_role_waits_and_can_be_withdrawn(client, county_officer, sibling,
                                                                                   drafter):
    client.force_login(county_officer)
    response = client.post(f"/manage/users/{drafter.pk}/roles/", {"organisation": sibling.pk, "role": Role.APPROVER},
                           follow=True)
    assert "待确认" in response.content.decode()
    grant = RoleGrant.objects.get(user=drafter)
    assert not Membership.objects.filter(user=drafter, organisation=sibling).exists()
    response = client.post(f"/manage/users/{drafter.pk}/roles/", {"organisation": sibling.pk, "role": Role.APPROVER})
    assert response.status_code == 400 and "正等待确认" in response.content.decode()
    assert client.post(f"/manage/grants/{grant.pk}/withdraw/").status_code == 302
    assert not RoleGrant.objects.exists()
    assert list(AccessEvent.objects.order_by("at", "pk").values_list("action", flat=True)) == [
        "role_pending", "role_withdrawn"]


def test_a_drafters_role_takes_effect_at_once(client, county_officer, township):
    client.force_login(county_officer)
    person = create_user(client, "xicun_clerk", township, Role.DRAFTER)
    assert Membership.objects.filter(user=person, organisation=township, role=Role.DRAFTER).exists()
    assert not RoleGrant.objects.exists()


def test_the_office_cannot_take_over_an_approvers_account_by_password_or_email(client, county_officer, approver):
    client.force_login(county_officer)
    response = client.post(f"/manage/users/{approver.pk}/password/",
                           {"new_password1": INITIAL, "new_password2": INITIAL})
    assert response.status_code == 400 and "只能由本人修改或由系统管理员重设" in response.content.decode()
    approver.refresh_from_db()
    assert approver.check_password("correct-horse-battery")
    response = client.post(f"/manage/users/{approver.pk}/", {"first_name": "张副乡长", "email": "office@xw.gov.cn",
                                                             "is_active": "on"})
    assert response.status_code == 400 and "电子邮箱只能由本人修改" in response.content.decode()
    approver.refresh_from_db()
    assert approver.email == ""


def test_the_emailed_reset_link_is_for_drafters_only(client, drafter, approver, county_officer):
    from django.core import mail

    for person in (drafter, approver, county_officer):
        person.email = f"{person.username}@xw.gov.cn"
        person.save()
        response = client.post("/accounts/password_reset/", {"email": person.email})
        assert response.status_code == 302
    assert [m.to for m in mail.outbox] == [["drafter@xw.gov.cn"]]

    # The drafter's own password, set through the link, frees an account whose password the office had set.
    from reports.accounts import password_set_by_other

    password_set_by_other(drafter)
    link = re.search(r"https?://[^/]+(/accounts/reset/\S+/)", mail.outbox[0].body)[1]
    form_url = client.get(link)["Location"]
    response = client.post(form_url, {"new_password1": OWN, "new_password2": OWN})
    assert response.status_code == 302
    assert not Account.objects.get(user=drafter).must_change_password


# ---------------------------------------------------------------- the first login


def test_a_password_someone_else_set_must_be_replaced_before_anything_else(client, county_officer, drafter):
    client.force_login(county_officer)
    assert client.post(f"/manage/users/{drafter.pk}/password/",
                       {"new_password1": INITIAL, "new_password2": INITIAL}).status_code == 302
    assert Account.objects.get(user=drafter).must_change_password

    log_in(client, "drafter", INITIAL)
    for url in ("/", "/inbox/", "/manage/", "/admin/"):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"] == "/accounts/password_change/", url
    html = client.get("/accounts/password_change/").content.decode()
    assert FORCED in html
    response = client.post("/accounts/password_change/",
                           {"old_password": INITIAL, "new_password1": "short", "new_password2": "short"})
    assert response.status_code == 200 and "密码太短" in response.content.decode()
    set_own_password(client, INITIAL)
    assert not Account.objects.get(user=drafter).must_change_password
    assert client.get("/inbox/").status_code == 200
    assert FORCED not in client.get("/accounts/password_change/").content.decode()


def test_a_new_account_can_log_out_before_changing_its_password(client, county_officer, township):
    client.force_login(county_officer)
    create_user(client, "xicun_clerk", township, Role.DRAFTER)
    log_in(client, "xicun_clerk", INITIAL)
    assert client.get("/").status_code == 302
    assert client.post("/accounts/logout/").status_code == 302
    assert client.get("/gongkai/").status_code == 200


def test_an_account_the_administrator_creates_sets_its_own_password_too(client, county):
    admin = User.objects.create_superuser("root", password="Root-pass-2026!")
    client.force_login(admin)
    response = client.post("/admin/auth/user/add/", {
        "username": "xw_new", "password1": INITIAL, "password2": INITIAL, "usable_password": "true",
        "memberships-TOTAL_FORMS": "0", "memberships-INITIAL_FORMS": "0"})
    assert response.status_code == 302, response.content.decode()[:3000]
    assert Account.objects.get(user__username="xw_new").must_change_password


def test_the_administrator_confirms_a_grant_in_the_admin(client, county_officer, township, drafter):
    client.force_login(county_officer)
    client.post(f"/manage/users/{drafter.pk}/roles/", {"organisation": township.pk, "role": Role.APPROVER})
    grant = RoleGrant.objects.get(user=drafter)
    admin = User.objects.create_superuser("root", password="Root-pass-2026!")
    client.force_login(admin)
    response = client.post("/admin/reports/rolegrant/", {"action": "confirm", "_selected_action": [grant.pk]},
                           follow=True)
    assert "已确认" in response.content.decode()
    assert Membership.objects.filter(user=drafter, organisation=township, role=Role.APPROVER).exists()
    assert AccessEvent.objects.filter(action="role_confirmed", actor=admin).exists()


def test_a_password_the_administrator_sets_in_the_admin_must_be_replaced(client, approver):
    admin = User.objects.create_superuser("root", password="Root-pass-2026!")
    client.force_login(admin)
    response = client.post(f"/admin/auth/user/{approver.pk}/password/",
                           {"password1": INITIAL, "password2": INITIAL, "usable_password": "true"})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Account.objects.get(user=approver).must_change_password


# ---------------------------------------------------------------- the demo


def test_the_demo_logins_work_without_a_password_change_and_its_approvers_approve():
    call_command("load_demo", stdout=StringIO())
    assert not RoleGrant.objects.exists()
    assert not Account.objects.filter(must_change_password=True).exists()
    from django.test import Client

    from reports.management.commands.load_demo import DEMO_PASSWORD

    client = Client()
    for username in ("county", "xicun_approver", "xicun_drafter"):
        log_in(client, username, DEMO_PASSWORD)
        assert client.get("/").status_code == 200
    assert Report.objects.filter(status=S.PUBLISHED).count() == 2  # load_demo approved and published through workflow
