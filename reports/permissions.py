"""Who may see which report: every view fetches reports through these helpers, never directly."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.http import Http404

from .joined import read_where
from .models import Membership, Organisation, Report, RoleGrant

# The signed-in user's memberships, read once per request (issue 15 point 1: the live check runs every two
# seconds while a clerk types, and every permission helper used to read them again). They are kept on the
# user object only when the request middleware has marked it as this request's own (REQUEST_SCOPED), so a
# long-lived user object (a task, the shell, a test) always reads them afresh. Any change to any membership
# in this process moves _generation, so a request that changes roles sees the change at once.
REQUEST_SCOPED = "_gk_request_scoped"
_CACHE = "_gk_memberships"
_generation = 0


@receiver(post_save, sender=Membership, dispatch_uid="permissions-membership-saved")
@receiver(post_delete, sender=Membership, dispatch_uid="permissions-membership-deleted")
def _memberships_changed(**kwargs) -> None:
    global _generation
    _generation += 1


def _read_memberships(user) -> list[Membership]:
    """Membership.objects.filter(user=user).select_related("organisation"), by a SELECT written once."""
    return read_where(Membership, "user", user.pk, related=("organisation",))


def memberships_of(user) -> list[Membership]:
    """The user's memberships with their organisations: one query, once per request."""
    if not getattr(user, REQUEST_SCOPED, False):
        return _read_memberships(user)
    cached = getattr(user, _CACHE, None)
    if cached is None or cached[0] != _generation:
        cached = (_generation, _read_memberships(user))
        setattr(user, _CACHE, cached)
    return cached[1]


class RequestScopedUserMiddleware:
    """Mark the signed-in user object as this request's own, so that its memberships are read once."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            setattr(user, REQUEST_SCOPED, True)
        return self.get_response(request)


def subtree_ids(organisations) -> set[int]:
    """The ids of the given organisations and of everything below them."""
    ids = {o.pk for o in organisations}
    frontier = set(ids)
    while frontier:
        frontier = set(Organisation.objects.filter(parent_id__in=frontier).values_list("pk", flat=True)) - ids
        ids |= frontier
    return ids


def visible_organisation_ids(user) -> set[int]:
    """Organisations whose unpublished reports the user may see."""
    if not user.is_authenticated:
        return set()
    memberships = memberships_of(user)
    own = {m.organisation_id for m in memberships}
    supervised = [m.organisation for m in memberships if m.role == Membership.Role.SUPERVISOR]
    return own | subtree_ids(supervised)


def reports_for_user(user) -> QuerySet[Report]:
    """Every report the user may read: their organisations' and subtree's, and all published ones."""
    qs = Report.objects.select_related("organisation")
    if user.is_authenticated and user.is_superuser:
        return qs
    return qs.filter(Q(organisation_id__in=visible_organisation_ids(user)) | Q(status=Report.Status.PUBLISHED))


def may_see(user, report: Report) -> bool:
    """`report` is among `reports_for_user(user)`: the same test, on a report already read."""
    if user.is_authenticated and user.is_superuser:
        return True
    return report.organisation_id in visible_organisation_ids(user) or report.status == Report.Status.PUBLISHED


def get_report_for_user(user, report_id: int) -> Report:
    """The report, or 404 when the user may not see it (404, not 403: don't reveal it exists)."""
    try:
        return reports_for_user(user).get(pk=report_id)
    except Report.DoesNotExist:
        raise Http404(NOT_FOUND) from None


def roles_for(user, organisation: Organisation) -> set[str]:
    """The user's roles in this organisation, plus 'supervisor' when they supervise an ancestor."""
    if not user.is_authenticated:
        return set()
    memberships = memberships_of(user)
    roles = {m.role for m in memberships if m.organisation_id == organisation.pk}
    supervised = {m.organisation_id for m in memberships if m.role == Membership.Role.SUPERVISOR}
    # Only a supervisor's role reaches down; without one, the ancestors need not be read.
    if supervised - {organisation.pk} and supervised & {o.pk for o in organisation.ancestors()}:
        roles.add(Membership.Role.SUPERVISOR)
    return roles


EDITABLE_STATES = frozenset({Report.Status.DRAFT, Report.Status.RETURNED})

_R, _S = Membership.Role, Report.Status
_ALL_STATES = frozenset(_S.values)

# Who may do what to a report, and from which states: the one table the views, the panel and the
# transitions in reports.workflow read. A role on an ancestor counts only for the supervisor (roles_for).
ACTION_STATES: dict[str, dict[str, frozenset[str]]] = {
    "edit": {_R.DRAFTER: EDITABLE_STATES},
    "submit": {_R.DRAFTER: EDITABLE_STATES},
    "return": {_R.APPROVER: frozenset({_S.SUBMITTED}), _R.SUPERVISOR: frozenset({_S.APPROVED})},
    "approve": {_R.APPROVER: frozenset({_S.SUBMITTED})},
    "publish": {_R.SUPERVISOR: frozenset({_S.APPROVED})},
    "reopen": {_R.APPROVER: frozenset({_S.APPROVED}), _R.SUPERVISOR: frozenset({_S.APPROVED, _S.PUBLISHED})},
    "comment": {_R.APPROVER: frozenset({_S.SUBMITTED}), _R.SUPERVISOR: frozenset({_S.SUBMITTED, _S.APPROVED})},
    "resolve_comment": {_R.DRAFTER: _ALL_STATES},
    "view_history": {_R.DRAFTER: _ALL_STATES, _R.APPROVER: _ALL_STATES, _R.SUPERVISOR: _ALL_STATES},
}
TRANSITIONS = ("submit", "return", "approve", "publish", "reopen")


def could(user, action: str, report: Report, roles: set[str] | None = None) -> bool:
    """True when one of the user's roles on the report allows `action` in some state."""
    roles = roles_for(user, report.organisation) if roles is None else roles
    return bool(roles & ACTION_STATES[action].keys())


def can(user, action: str, report: Report, roles: set[str] | None = None) -> bool:
    """True when one of the user's roles on the report allows `action` in the report's current state."""
    roles = roles_for(user, report.organisation) if roles is None else roles
    return any(report.status in ACTION_STATES[action].get(role, ()) for role in roles)


def require(user, action: str, report: Report) -> set[str]:
    """The user's roles on the report; PermissionDenied when none of them ever allows `action`."""
    roles = roles_for(user, report.organisation)
    if not could(user, action, report, roles):
        raise PermissionDenied(DENIED_MESSAGES.get(action, "您没有权限进行这项操作。"))
    return roles


DENIED_MESSAGES = {
    "edit": "您不能修改这份报告：只有本机关的填报人可以修改草稿或已退回的报告。",
    "submit": "只有本机关的填报人可以提交审核。",
    "return": "只有本机关的审核人或主管部门可以退回报告。",
    "approve": "只有本机关的审核人可以审核通过。",
    "publish": "只有主管部门可以公开发布报告。",
    "reopen": "只有本机关的审核人或主管部门可以重新打开报告。",
    "comment": "只有本机关的审核人或主管部门可以提出审核意见。",
    "resolve_comment": "只有本机关的填报人可以把审核意见标为已处理。",
    "view_history": "只有本机关的人员和主管部门可以查看修改记录。",
}


def actions_for(user, report: Report) -> list[str]:
    """The transitions the user may take on the report now, in the order of the workflow."""
    roles = roles_for(user, report.organisation)
    return [a for a in TRANSITIONS if can(user, a, report, roles)]


def can_edit(user, report: Report) -> bool:
    """Drafters of the report's organisation edit it while it is a draft or returned."""
    return can(user, "edit", report)


def locked_message(report: Report) -> str:
    """Why a drafter's change was not taken: the report has left the editable states."""
    return (f"{report.title}当前为“{report.get_status_display()}”，已锁定，不能再修改；这次修改没有保存。"
            "如需修改，请由审核人退回或重新打开。")


def get_report_for_editing(user, report_id: int) -> Report:
    """The report if the user may edit it: 404 when they may not see it, 403 when they may only read it."""
    report = get_report_for_user(user, report_id)
    require_editable(user, report)
    return report


NOT_FOUND = "没有找到这份报告，或您无权查看。"


def require_editable(user, report: Report) -> None:
    """403 unless the user may edit the report now (a drafter whose report was submitted is told why)."""
    roles = roles_for(user, report.organisation)
    if not can(user, "edit", report, roles):
        if could(user, "edit", report, roles):  # a drafter, but the report was submitted meanwhile
            raise PermissionDenied(locked_message(report))
        raise PermissionDenied("您不能修改这份报告：只有本机关的填报人可以修改草稿或已退回的报告。")


def get_report_for_action(user, report_id: int, action: str) -> tuple[Report, set[str]]:
    """The report and the user's roles on it: 404 when they may not see it, 403 when no role allows `action`."""
    report = get_report_for_user(user, report_id)
    return report, require(user, action, report)


# ---------------------------------------------------------------- the county office's subtree


def supervised_ids(user) -> set[int]:
    """Organisations the user supervises, with everything below them (their own included)."""
    if not user.is_authenticated:
        return set()
    roots = Organisation.objects.filter(memberships__user=user, memberships__role=Membership.Role.SUPERVISOR)
    return subtree_ids(roots)


def editable_organisation_ids(user) -> set[int]:
    """Organisations strictly below one the user supervises: they may edit these, not their own."""
    if not user.is_authenticated:
        return set()
    roots = Organisation.objects.filter(memberships__user=user, memberships__role=Membership.Role.SUPERVISOR)
    return subtree_ids(Organisation.objects.filter(parent__in=roots))


def require_supervisor(user) -> set[int]:
    """The ids the user manages; PermissionDenied for anyone who supervises nothing."""
    ids = supervised_ids(user)
    if not ids:
        raise PermissionDenied("只有主管部门（政务公开办）可以管理机关和用户。")
    return ids


def get_organisation_for_manager(user, organisation_id: int, *, edit: bool = False) -> Organisation:
    """An organisation in the user's subtree (404 outside it); with edit, 403 for the one they sit in."""
    ids = require_supervisor(user)
    if organisation_id not in ids:
        raise Http404("没有找到这个机关，或它不在您管理的范围内。")
    organisation = Organisation.objects.get(pk=organisation_id)
    if edit and organisation_id not in editable_organisation_ids(user):
        raise PermissionDenied("本机关的信息由上级机关或系统管理员维护。")
    return organisation


def managed_users(user) -> QuerySet:
    """People holding a role in the user's subtree, or waiting for one to be confirmed there."""
    from django.contrib.auth import get_user_model

    ids = supervised_ids(user)
    people = get_user_model().objects
    return people.filter(pk__in=people.filter(
        Q(memberships__organisation_id__in=ids) | Q(pending_grants__organisation_id__in=ids)).values("pk"))


def get_user_for_manager(manager, user_id: int):
    """A person with a role in the manager's subtree, or 404."""
    require_supervisor(manager)
    try:
        return managed_users(manager).get(pk=user_id)
    except managed_users(manager).model.DoesNotExist:
        raise Http404("没有找到这个用户，或他不在您管理的范围内。") from None


def fully_managed(manager, person) -> bool:
    """True when every role of `person` lies in the manager's subtree (so their account is the manager's)."""
    if person.is_superuser or person.is_staff or person.pk == manager.pk:
        return False
    ids = supervised_ids(manager)
    orgs = set(Membership.objects.filter(user=person).values_list("organisation_id", flat=True))
    orgs |= set(RoleGrant.objects.filter(user=person).values_list("organisation_id", flat=True))
    return bool(orgs) and orgs <= ids


def users_with_role(organisation: Organisation, role: str, *, above: bool = False) -> QuerySet:
    """Active people holding `role` in the organisation (with `above`, in its ancestors too)."""
    from django.contrib.auth import get_user_model

    ids = [organisation.pk, *([o.pk for o in organisation.ancestors()] if above else [])]
    return get_user_model().objects.filter(
        is_active=True, memberships__organisation_id__in=ids, memberships__role=role
    ).distinct()
