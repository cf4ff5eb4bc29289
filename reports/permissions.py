"""Who may see which report: every view fetches reports through these helpers, never directly."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.core.exceptions import PermissionDenied
from django.http import Http404

from .models import Membership, Organisation, Report


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
    memberships = list(Membership.objects.filter(user=user).select_related("organisation"))
    own = {m.organisation_id for m in memberships}
    supervised = [m.organisation for m in memberships if m.role == Membership.Role.SUPERVISOR]
    return own | subtree_ids(supervised)


def reports_for_user(user) -> QuerySet[Report]:
    """Every report the user may read: their organisations' and subtree's, and all published ones."""
    qs = Report.objects.select_related("organisation")
    if user.is_authenticated and user.is_superuser:
        return qs
    return qs.filter(Q(organisation_id__in=visible_organisation_ids(user)) | Q(status=Report.Status.PUBLISHED))


def get_report_for_user(user, report_id: int) -> Report:
    """The report, or 404 when the user may not see it (404, not 403: don't reveal it exists)."""
    try:
        return reports_for_user(user).get(pk=report_id)
    except Report.DoesNotExist:
        raise Http404("没有找到这份报告，或您无权查看。") from None


def roles_for(user, organisation: Organisation) -> set[str]:
    """The user's roles in this organisation, plus 'supervisor' when they supervise an ancestor."""
    if not user.is_authenticated:
        return set()
    memberships = Membership.objects.filter(user=user)
    roles = set(memberships.filter(organisation=organisation).values_list("role", flat=True))
    ancestors = [o.pk for o in organisation.ancestors()]
    if memberships.filter(organisation_id__in=ancestors, role=Membership.Role.SUPERVISOR).exists():
        roles.add(Membership.Role.SUPERVISOR)
    return roles


EDITABLE_STATES = frozenset({Report.Status.DRAFT, Report.Status.RETURNED})


def can_edit(user, report: Report) -> bool:
    """Drafters of the report's organisation edit it while it is a draft or returned."""
    return report.status in EDITABLE_STATES and Membership.Role.DRAFTER in roles_for(user, report.organisation)


def get_report_for_editing(user, report_id: int) -> Report:
    """The report if the user may edit it: 404 when they may not see it, 403 when they may only read it."""
    report = get_report_for_user(user, report_id)
    if not can_edit(user, report):
        raise PermissionDenied("您不能修改这份报告：只有本机关的填报人可以修改草稿或已退回的报告。")
    return report
