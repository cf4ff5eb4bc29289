"""The county office manages the organisations, people and roles of its subtree: audited mutations."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from .models import AccessEvent, Membership, Organisation
from .permissions import editable_organisation_ids, fully_managed, subtree_ids, supervised_ids

A = AccessEvent.Action


def _name(person) -> str:
    return person.get_full_name() or person.username


def _log(by, action: str, detail: str, *, organisation: Organisation | None = None, user=None) -> None:
    AccessEvent.objects.create(actor=by, action=action, detail=detail[:300], organisation=organisation, user=user)


@transaction.atomic
def save_organisation(organisation: Organisation, *, by) -> Organisation:
    """Create an organisation under one the actor supervises, or change one strictly below it."""
    ids = supervised_ids(by)
    if organisation.parent_id not in ids:
        raise PermissionDenied("上级机关必须在您管理的范围内。")
    created = organisation.pk is None
    if not created:
        if organisation.pk not in editable_organisation_ids(by):
            raise PermissionDenied("您不能修改这个机关。")
        if organisation.parent_id in subtree_ids([organisation]):
            raise ValidationError({"parent": "上级机关不能是它自己或它的下级机关。"})
    organisation.full_clean()
    organisation.save()
    action, verb = (A.ORG_CREATED, "新建") if created else (A.ORG_CHANGED, "修改")
    _log(by, action, f"{verb}机关“{organisation.name}”（上级：{organisation.parent}）", organisation=organisation)
    return organisation


def _check_grant(by, organisation: Organisation, role: str) -> None:
    if organisation.pk not in supervised_ids(by):
        raise PermissionDenied("这个机关不在您管理的范围内。")
    if role not in Membership.Role.values:
        raise ValidationError({"role": "请选择角色。"})


@transaction.atomic
def create_user(*, by, username: str, password: str, organisation: Organisation, role: str,
                first_name: str = "", email: str = ""):
    """A new person with one role in the actor's subtree; the password has passed the validators."""
    _check_grant(by, organisation, role)
    person = get_user_model().objects.create_user(username=username, password=password, first_name=first_name,
                                                  email=email)
    membership = Membership.objects.create(user=person, organisation=organisation, role=role)
    _log(by, A.USER_CREATED, f"新建用户“{_name(person)}”（{username}），{membership.organisation}·"
         f"{membership.get_role_display()}", organisation=organisation, user=person)
    return person


def _require_account(by, person) -> None:
    if not fully_managed(by, person):
        raise PermissionDenied("这个账号还在您管理范围以外的机关任职，或是管理员账号，您不能修改它。")


@transaction.atomic
def update_user(person, *, by, first_name: str, email: str, is_active: bool):
    """Change a person's name, email address or whether they may log in."""
    _require_account(by, person)
    person.first_name, person.email, person.is_active = first_name, email, is_active
    person.save(update_fields=["first_name", "email", "is_active"])
    state = "可以登录" if is_active else "已停用"
    _log(by, A.USER_CHANGED, f"修改用户“{_name(person)}”（{person.username}）：{state}", user=person)
    return person


@transaction.atomic
def set_password(person, *, by, password: str):
    """Give a person a new password (they change it themselves after logging in)."""
    _require_account(by, person)
    person.set_password(password)
    person.save(update_fields=["password"])
    _log(by, A.PASSWORD_SET, f"重设用户“{_name(person)}”（{person.username}）的密码", user=person)
    return person


@transaction.atomic
def grant_role(person, organisation: Organisation, role: str, *, by) -> Membership:
    """Give a person a role in an organisation of the actor's subtree; never oneself (as revoke_role)."""
    if person.pk == by.pk:
        # An office that could make itself a township's approver would approve what it then publishes.
        raise ValidationError("不能给自己授予角色，请联系上级机关或系统管理员。")
    _check_grant(by, organisation, role)
    if Membership.objects.filter(user=person, organisation=organisation, role=role).exists():
        raise ValidationError({"role": "此人在这个机关已有这个角色。"})
    membership = Membership.objects.create(user=person, organisation=organisation, role=role)
    _log(by, A.ROLE_GRANTED, f"授予“{_name(person)}”{organisation}·{membership.get_role_display()}",
         organisation=organisation, user=person)
    return membership


@transaction.atomic
def revoke_role(membership: Membership, *, by) -> None:
    """Take a role away; never one's own, and never a person's last (deactivate the account instead)."""
    if membership.organisation_id not in supervised_ids(by):
        raise PermissionDenied("这个角色不在您管理的范围内。")
    if membership.user_id == by.pk:
        raise ValidationError("不能撤销自己的角色，请联系上级机关或系统管理员。")
    if not Membership.objects.filter(user_id=membership.user_id).exclude(pk=membership.pk).exists():
        raise ValidationError("这是此人唯一的角色。如果此人不再使用系统，请停用账号。")
    person, organisation, label = membership.user, membership.organisation, membership.get_role_display()
    membership.delete()
    _log(by, A.ROLE_REVOKED, f"撤销“{_name(person)}”{organisation}·{label}", organisation=organisation, user=person)
