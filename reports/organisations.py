"""The county office manages the organisations, people and roles of its subtree: audited mutations."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from .accounts import password_set_by_other
from .models import CONFIRMED_ROLES, AccessEvent, Account, Membership, Organisation, RoleGrant
from .permissions import editable_organisation_ids, fully_managed, roles_for, subtree_ids, supervised_ids

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
    """A new person with one role in the actor's subtree; the password has passed the validators.

    The password is the manager's, so the person must set their own at first login; an approver's or a
    supervisor's role waits for a second person's confirmation (RoleGrant).
    """
    _check_grant(by, organisation, role)
    person = get_user_model().objects.create_user(username=username, password=password, first_name=first_name,
                                                  email=email)
    password_set_by_other(person)
    pending = role in CONFIRMED_ROLES
    if pending:
        RoleGrant.objects.create(user=person, organisation=organisation, role=role, granted_by=by)
    else:
        Membership.objects.create(user=person, organisation=organisation, role=role)
    label = Membership.Role(role).label
    _log(by, A.USER_CREATED, f"新建用户“{_name(person)}”（{username}），{organisation}·{label}"
         f"{'（待确认）' if pending else ''}", organisation=organisation, user=person)
    return person


def _require_account(by, person) -> None:
    if not fully_managed(by, person):
        raise PermissionDenied("这个账号还在您管理范围以外的机关任职，或是管理员账号，您不能修改它。")


def holds_confirmed_role(person) -> bool:
    """True when the person approves or supervises somewhere, or waits for such a role to be confirmed."""
    return (Membership.objects.filter(user=person, role__in=CONFIRMED_ROLES).exists()
            or RoleGrant.objects.filter(user=person).exists())


PRIVILEGED_ACCOUNT = ("{}的账号有审核人或主管部门的角色（或正等待确认），其{}只能由本人修改或由系统管理员重设："
                      "否则知道新密码的人就能以此人的身份审核通过。")


@transaction.atomic
def update_user(person, *, by, first_name: str, email: str, is_active: bool):
    """Change a person's name, email address or whether they may log in."""
    _require_account(by, person)
    if email != person.email and holds_confirmed_role(person):
        # The email address receives the password-reset link: changing it is setting the password.
        raise ValidationError({"email": PRIVILEGED_ACCOUNT.format(_name(person), "电子邮箱")})
    person.first_name, person.email, person.is_active = first_name, email, is_active
    person.save(update_fields=["first_name", "email", "is_active"])
    state = "可以登录" if is_active else "已停用"
    _log(by, A.USER_CHANGED, f"修改用户“{_name(person)}”（{person.username}）：{state}", user=person)
    return person


@transaction.atomic
def set_password(person, *, by, password: str):
    """Give a drafter a new password, which they must change at their next login."""
    _require_account(by, person)
    if holds_confirmed_role(person):
        raise ValidationError(PRIVILEGED_ACCOUNT.format(_name(person), "密码"))
    person.set_password(password)
    person.save(update_fields=["password"])
    password_set_by_other(person)
    _log(by, A.PASSWORD_SET, f"重设用户“{_name(person)}”（{person.username}）的密码", user=person)
    return person


@transaction.atomic
def grant_role(person, organisation: Organisation, role: str, *, by) -> Membership | RoleGrant:
    """Give a person a role in an organisation of the actor's subtree; never oneself (as revoke_role).

    A drafter's role takes effect at once; an approver's or a supervisor's waits, as a RoleGrant, for
    confirm_grant() by a second person.
    """
    if person.pk == by.pk:
        # An office that could make itself a township's approver would approve what it then publishes.
        raise ValidationError("不能给自己授予角色，请联系上级机关或系统管理员。")
    _check_grant(by, organisation, role)
    if Membership.objects.filter(user=person, organisation=organisation, role=role).exists():
        raise ValidationError({"role": "此人在这个机关已有这个角色。"})
    if RoleGrant.objects.filter(user=person, organisation=organisation, role=role).exists():
        raise ValidationError({"role": "此人在这个机关的这个角色已授予，正等待确认。"})
    label = Membership.Role(role).label
    if role in CONFIRMED_ROLES:
        grant = RoleGrant.objects.create(user=person, organisation=organisation, role=role, granted_by=by)
        _log(by, A.ROLE_PENDING, f"授予“{_name(person)}”{organisation}·{label}（待确认）",
             organisation=organisation, user=person)
        return grant
    membership = Membership.objects.create(user=person, organisation=organisation, role=role)
    _log(by, A.ROLE_GRANTED, f"授予“{_name(person)}”{organisation}·{label}", organisation=organisation, user=person)
    return membership


def confirmation_refusal(grant: RoleGrant, by) -> str:
    """Why `by` may not confirm the grant, or "" when they may."""
    if not (by.is_superuser or Membership.Role.SUPERVISOR in roles_for(by, grant.organisation)):
        return "只有这个机关的上级主管部门或系统管理员可以确认授权。"
    if by.pk == grant.granted_by_id:
        return "授权须由授予人以外的另一位主管部门人员或系统管理员确认，您不能确认自己授予的角色。"
    if by.pk == grant.user_id:
        return "不能确认授予您自己的角色，请由另一位主管部门人员或系统管理员确认。"
    if Account.objects.filter(user_id=grant.user_id, must_change_password=True).exists():
        return ("此人尚未登录并设置自己的密码，暂不能确认：请在本人首次登录并修改密码后，"
                "与本人核实账号确为本人使用，再确认。")
    return ""


@transaction.atomic
def confirm_grant(grant: RoleGrant, *, by) -> Membership:
    """A second person confirms a pending grant: from now on the role counts."""
    grant = RoleGrant.objects.select_for_update().select_related("user", "organisation", "granted_by").get(
        pk=grant.pk)
    refusal = confirmation_refusal(grant, by)
    if refusal:
        raise ValidationError(refusal)
    membership, _ = Membership.objects.get_or_create(user=grant.user, organisation=grant.organisation,
                                                     role=grant.role)
    grant.delete()
    _log(by, A.ROLE_CONFIRMED, f"确认授予“{_name(grant.user)}”{grant.organisation}·{grant.get_role_display()}"
         f"（授予人：{_name(grant.granted_by)}）", organisation=grant.organisation, user=grant.user)
    return membership


@transaction.atomic
def withdraw_grant(grant: RoleGrant, *, by) -> None:
    """The grantor withdraws a pending grant, or someone who could confirm it declines it."""
    if by.pk != grant.granted_by_id and not (
            by.is_superuser or Membership.Role.SUPERVISOR in roles_for(by, grant.organisation)):
        raise PermissionDenied("这项授权不在您管理的范围内。")
    verb = "撤回" if by.pk == grant.granted_by_id else "拒绝"
    person, organisation, label = grant.user, grant.organisation, grant.get_role_display()
    grant.delete()
    _log(by, A.ROLE_WITHDRAWN, f"{verb}授予“{_name(person)}”{organisation}·{label}", organisation=organisation,
         user=person)


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
