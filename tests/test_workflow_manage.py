"""The county office manages the organisations, people and roles of its subtree, and nothing else."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from reports.models import AccessEvent, Membership, Organisation

from .conftest import Kind, Role, make_org, make_user

pytestmark = pytest.mark.django_db
User = get_user_model()
PASSWORD = "Xw-initial-2026!"


@pytest.fixture
def other_county(db):
    return make_org("获嘉县人民政府", Kind.COUNTY_GOV, short_name="获嘉县")


@pytest.fixture
def office(client, county_officer):
    client.force_login(county_officer)
    return client


def test_the_county_office_sees_its_subtree_with_people_and_roles(office, township, sibling, drafter, other_county):
    html = office.get("/manage/").content.decode()
    assert "修武县人民政府" in html and "西村乡人民政府" in html and "郇封镇人民政府" in html
    assert "drafter（填报人）" in html
    assert "获嘉县人民政府" not in html
    assert f'href="/manage/organisations/{township.pk}/"' in html  # below the office: editable
    assert f'href="/manage/organisations/{township.parent_id}/"' not in html  # its own: not here


def test_it_creates_an_organisation_under_its_subtree(office, county_officer, township):
    response = office.post("/manage/organisations/new/", {
        "name": "修武县教育局", "short_name": "县教育局", "kind": Kind.COUNTY_DEPT,
        "parent": township.parent_id, "deadline_month_day": "1-31"})
    assert response.status_code == 302
    org = Organisation.objects.get(name="修武县教育局")
    assert org.parent_id == township.parent_id and org.deadline_month_day == "01-31"
    event = AccessEvent.objects.get()
    assert (event.actor, event.action, event.organisation) == (county_officer, "org_created", org)
    assert "新建机关“修武县教育局”" in event.detail


@pytest.mark.parametrize("deadline", ["02-30", "13-01", "0131", "02-29"])
def test_an_impossible_deadline_is_refused_at_the_field(office, township, deadline):
    response = office.post("/manage/organisations/new/", {
        "name": "修武县教育局", "kind": Kind.COUNTY_DEPT, "parent": township.parent_id,
        "deadline_month_day": deadline})
    assert response.status_code == 400
    assert "请按“月-日”填写，如 01-31。" in response.content.decode()
    assert not Organisation.objects.filter(name="修武县教育局").exists()


@pytest.mark.parametrize("deadline", ["02-30", "1-31", "02-29", "ab-cd"])
def test_the_model_refuses_a_deadline_that_deadline_cannot_read(township, deadline):
    """The admin and every other ModelForm validate through the field, not only the county's form."""
    from django.core.exceptions import ValidationError

    township.deadline_month_day = deadline
    with pytest.raises(ValidationError, match="请按“月-日”填写"):
        township.full_clean()
    township.deadline_month_day = "02-20"
    township.full_clean()
    assert township.deadline(2023).isoformat() == "2024-02-20"


def test_it_cannot_place_an_organisation_outside_its_subtree(office, other_county):
    response = office.post("/manage/organisations/new/", {
        "name": "获嘉县教育局", "kind": Kind.COUNTY_DEPT, "parent": other_county.pk, "deadline_month_day": "01-31"})
    assert response.status_code == 400
    assert "请从您管理的机关中选择上级机关。" in response.content.decode()


def test_it_edits_an_organisation_below_it_but_never_moves_it_under_itself(office, township):
    village_office = make_org("西村乡某村", Kind.OTHER, parent=township)
    response = office.post(f"/manage/organisations/{township.pk}/", {
        "name": "西村乡人民政府", "short_name": "西村", "kind": Kind.TOWNSHIP_GOV, "parent": village_office.pk,
        "deadline_month_day": "01-31"})
    assert response.status_code == 400
    assert "请从您管理的机关中选择上级机关。" in response.content.decode()
    response = office.post(f"/manage/organisations/{township.pk}/", {
        "name": "西村乡人民政府", "short_name": "西村", "kind": Kind.TOWNSHIP_GOV, "parent": township.parent_id,
        "deadline_month_day": "02-20"})
    assert response.status_code == 302
    township.refresh_from_db()
    assert (township.short_name, township.deadline_month_day) == ("西村", "02-20")


def test_its_own_organisation_and_others_are_out_of_reach(office, county, other_county):
    assert office.get(f"/manage/organisations/{county.pk}/").status_code == 403
    assert office.get(f"/manage/organisations/{other_county.pk}/").status_code == 404


def test_it_creates_a_user_with_a_role_and_a_validated_password(office, township):
    data = {"username": "xicun_new", "first_name": "西村乡 新干事", "email": "new@xc.gov.cn",
            "password1": PASSWORD, "password2": PASSWORD, "organisation": township.pk, "role": Role.DRAFTER}
    response = office.post("/manage/users/new/", data)
    assert response.status_code == 302
    person = User.objects.get(username="xicun_new")
    assert person.check_password(PASSWORD) and person.email == "new@xc.gov.cn"
    assert list(person.memberships.values_list("organisation", "role")) == [(township.pk, "drafter")]
    assert AccessEvent.objects.get().action == "user_created"
    weak = dict(data, username="weak", password1="123", password2="123")
    response = office.post("/manage/users/new/", weak)
    assert response.status_code == 400 and "密码太短" in response.content.decode()


def test_it_cannot_create_a_user_outside_its_subtree(office, other_county):
    response = office.post("/manage/users/new/", {
        "username": "x", "first_name": "x", "password1": PASSWORD, "password2": PASSWORD,
        "organisation": other_county.pk, "role": Role.SUPERVISOR})
    assert response.status_code == 400
    assert not User.objects.filter(username="x").exists()


def test_it_grants_and_revokes_roles_and_keeps_an_audit(office, township, sibling, drafter):
    # A drafter's role takes effect at once (an approver's waits for confirmation: test_separate_accounts.py).
    response = office.post(f"/manage/users/{drafter.pk}/roles/", {"organisation": sibling.pk, "role": Role.DRAFTER})
    assert response.status_code == 302
    granted = Membership.objects.get(user=drafter, organisation=sibling)
    response = office.post(f"/manage/users/{drafter.pk}/roles/", {"organisation": sibling.pk, "role": Role.DRAFTER})
    assert response.status_code == 400 and "此人在这个机关已有这个角色。" in response.content.decode()
    response = office.post(f"/manage/users/{drafter.pk}/roles/{granted.pk}/revoke/")
    assert response.status_code == 302
    assert list(AccessEvent.objects.order_by("at", "pk").values_list("action", flat=True)) == [
        "role_granted", "role_revoked"]


def test_a_persons_last_role_is_not_revoked_and_ones_own_never(office, county_officer, drafter):
    only = drafter.memberships.get()
    response = office.post(f"/manage/users/{drafter.pk}/roles/{only.pk}/revoke/", follow=True)
    assert "这是此人唯一的角色。如果此人不再使用系统，请停用账号。" in response.content.decode()
    assert drafter.memberships.exists()
    own = county_officer.memberships.get()
    response = office.post(f"/manage/users/{county_officer.pk}/roles/{own.pk}/revoke/", follow=True)
    assert "不能撤销自己的角色" in response.content.decode()


def test_it_deactivates_and_resets_the_password_of_its_people(office, drafter):
    response = office.post(f"/manage/users/{drafter.pk}/", {"first_name": "李干事", "email": "", "is_active": ""})
    assert response.status_code == 302
    drafter.refresh_from_db()
    assert not drafter.is_active and drafter.first_name == "李干事"
    response = office.post(f"/manage/users/{drafter.pk}/password/",
                           {"new_password1": PASSWORD, "new_password2": PASSWORD})
    assert response.status_code == 302
    drafter.refresh_from_db()
    assert drafter.check_password(PASSWORD)
    response = office.post(f"/manage/users/{drafter.pk}/password/", {"new_password1": "a", "new_password2": "b"})
    assert response.status_code == 400 and "输入的两个密码不一致" in response.content.decode()


def test_a_person_who_also_works_elsewhere_keeps_their_account_out_of_reach(office, drafter, other_county):
    Membership.objects.create(user=drafter, organisation=other_county, role=Role.DRAFTER)
    html = office.get(f"/manage/users/{drafter.pk}/").content.decode()
    assert "不在您管理的范围内" in html and "重设密码" not in html
    response = office.post(f"/manage/users/{drafter.pk}/password/",
                           {"new_password1": PASSWORD, "new_password2": PASSWORD})
    assert response.status_code == 403


def test_people_outside_the_subtree_are_not_found(office, other_county):
    stranger = make_user("stranger", other_county, Role.DRAFTER)
    assert office.get(f"/manage/users/{stranger.pk}/").status_code == 404


def test_only_a_supervisor_manages(client, drafter, approver):
    for user in (drafter, approver):
        client.force_login(user)
        response = client.get("/manage/")
        assert response.status_code == 403
        assert "只有主管部门（政务公开办）可以管理机关和用户。" in response.content.decode()
    client.logout()
    assert client.get("/manage/").status_code == 302
