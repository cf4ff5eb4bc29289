"""Separation of duties: the accounts that draft, approve and publish one report are different people.

Drafting a report means changing its data in the editor, by an import or by starting it from last year
(reports.writing's kinds), submitting it or acknowledging one of its warnings. The county's prefill of its
own report with the consolidated sums is not drafting: the sums are computed from reports others approved. What counts is
the work since the report was last approved: what was there before has already been approved by
somebody else (under this same rule). A return does not clear the slate — after a return the approver
would still be approving the numbers they wrote themselves — so the boundary is the approval, not the
return. Publishing is refused to whoever approved the report this time, and to whoever drafted any of
it since it was last published.
"""

from __future__ import annotations

from .models import Acknowledgement, Report, ReportEvent, ReportVersion

Action = ReportEvent.Action
Kind = ReportVersion.Kind
DRAFTING = (Kind.SAVE, Kind.IMPORT, Kind.CARRYOVER)

APPROVE_DRAFTED = "您起草或提交了这份报告，不能由您审核通过：请由本机关其他审核人审核。"
PUBLISH_DRAFTED = "您起草或提交了这份报告，不能由您公开发布：请由主管部门其他人员发布。"
PUBLISH_APPROVED = "这份报告由您审核通过，不能再由您公开发布：请由主管部门其他人员发布。"


def _last(report: Report, action: str) -> ReportEvent | None:
    return report.events.filter(action=action).order_by("-at", "-pk").first()


def drafted_by(report: Report, user, *, since: ReportEvent | None) -> bool:
    """True when `user` saved, submitted or acknowledged a warning of the report after `since` (or ever)."""
    events = report.events.filter(action=Action.SUBMIT, actor=user)
    saves = ReportVersion.objects.filter(report=report, kind__in=DRAFTING, created_by=user)
    acks = Acknowledgement.objects.filter(report=report, by=user)
    if since is not None:
        events = events.filter(at__gt=since.at) | events.filter(at=since.at, pk__gt=since.pk)
        saves = saves.filter(created_at__gt=since.at)
        acks = acks.filter(at__gt=since.at)
    return events.exists() or saves.exists() or acks.exists()


def conflict(report: Report, user, action: str) -> str:
    """Why `user` may not take `action` on the report as a matter of separate duties, or ""."""
    if action == Action.APPROVE:
        if drafted_by(report, user, since=_last(report, Action.APPROVE)):
            return APPROVE_DRAFTED
    elif action == Action.PUBLISH:
        approval = _last(report, Action.APPROVE)
        if approval is not None and approval.actor_id == user.pk:
            return PUBLISH_APPROVED
        if drafted_by(report, user, since=_last(report, Action.PUBLISH)):
            return PUBLISH_DRAFTED
    return ""
