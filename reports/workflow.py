"""A report's way from draft to publication: submit, return, approve, publish, reopen.

Each transition is one transaction: it locks the report row, checks the current state and the actor's
role (reports.permissions.ACTION_STATES), writes a ReportEvent (who, when, from, to, comment), keeps a
version of the values and tells the people who must act next. Views never set `report.status`.
"""

from __future__ import annotations

import hashlib
import logging
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from . import rules
from .duties import conflict
from .findings import blocking_findings, findings_for_report
from .publishing import PublishingError
from .exports.document import MissingFontsError
from .models import Membership, Notification, Report, ReportEvent, SectionComment
from .permissions import ACTION_STATES, can, roles_for, users_with_role
from .signals import counts_stale, report_published
from .writing import record_version

log = logging.getLogger(__name__)

Action = ReportEvent.Action
Status = Report.Status
Role = Membership.Role

TARGET = {
    Action.SUBMIT: Status.SUBMITTED,
    Action.RETURN: Status.RETURNED,
    Action.APPROVE: Status.APPROVED,
    Action.PUBLISH: Status.PUBLISHED,
    Action.REOPEN: Status.DRAFT,
}

VERBS = {
    Action.SUBMIT: "提交审核",
    Action.RETURN: "退回",
    Action.APPROVE: "审核通过",
    Action.PUBLISH: "公开发布",
    Action.REOPEN: "重新打开",
}


class WorkflowError(Exception):
    """A refused transition or comment; `message` is Chinese and says why, `code` is for programs."""

    def __init__(self, message: str, code: str, findings: list[rules.Finding] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.code = code  # forbidden, wrong_state, separate_duties, blocked, comment_required, publication_failed
        self.findings = findings or []


# ---------------------------------------------------------------- the submission gate


def submission_blockers(report: Report) -> list[rules.Finding]:
    """What blocks submission: every error, and every warning its drafters have not acknowledged."""
    return blocking_findings(report)


# ---------------------------------------------------------------- the transitions


def submit(report: Report, *, by, comment: str = "") -> ReportEvent:
    """Drafter: draft or returned → submitted, refused while submission_blockers() finds anything."""
    return _transition(report, Action.SUBMIT, by=by, comment=comment)


def return_report(report: Report, *, by, comment: str) -> ReportEvent:
    """Approver: submitted → returned; county office: approved → returned. The reason is required."""
    return _transition(report, Action.RETURN, by=by, comment=comment)


def approve(report: Report, *, by, comment: str = "") -> ReportEvent:
    """Approver: submitted → approved; the report is locked from now on."""
    return _transition(report, Action.APPROVE, by=by, comment=comment)


def publish(report: Report, *, by, comment: str = "", correction_note: str = "",
            confirmed: str | None = None, rendered: dict | None = None) -> ReportEvent:
    """County office: approved → published; a report published before needs a 更正说明.

    `confirmed`, when given (the publish page always gives it), is the `publication_stamp` the person saw on
    the confirmation page: publishing is refused if the report has changed since. `rendered` is
    publishing.render_publication's for the report in that confirmed state (the publish task renders first,
    outside any transaction, so the state change, the Publication, the version and the event are written in
    one short one); it is used only with a confirmation."""
    return _transition(report, Action.PUBLISH, by=by, comment=comment, correction_note=correction_note,
                       confirmed=confirmed, rendered=rendered)


def reopen(report: Report, *, by, comment: str) -> ReportEvent:
    """Approver (approved) or county office (approved, published) → draft, for a correction; reason required."""
    return _transition(report, Action.REOPEN, by=by, comment=comment)


TRANSITION_FUNCTIONS = {
    Action.SUBMIT: submit,
    Action.RETURN: return_report,
    Action.APPROVE: approve,
    Action.PUBLISH: publish,
    Action.REOPEN: reopen,
}


STALE_CONFIRMATION = ("这份报告在您打开确认页之后有了变化（重新打开、修改、审核或机关名称变更），这次确认已失效，没有发布。"
                      "请核对本页上将要发布的内容，再点“确认发布”。")


def publication_stamp(report: Report) -> str:
    """A token of everything a publish confirmation vouches for: the report's latest version (every write
    and every transition records one), its state and last change, and the organisation's name as it prints."""
    latest = report.versions.order_by("-number").values_list("number", flat=True).first() or 0
    parts = [report.pk, latest, report.status, report.updated_at.isoformat(), report.organisation.name,
             report.signature_name]
    return hashlib.sha256("\x1f".join(map(str, parts)).encode()).hexdigest()[:24]


def was_published(report: Report) -> bool:
    """True once the report has been published: publishing it again is a correction."""
    return report.events.filter(action=Action.PUBLISH).exists()


def check_transition(report: Report, action: str, *, by, comment: str = "", correction_note: str = "",
                     confirmed: str | None = None) -> None:
    """Raise the WorkflowError the transition would raise now, without changing anything: a task that will do it
    later (publication) is enqueued only when it is allowed at the time of asking. The transition checks again."""
    _refuse(report, action, by=by, comment=(comment or "").strip(), correction_note=(correction_note or "").strip(),
            confirmed=confirmed)


def _refuse(locked: Report, action: str, *, by, comment: str, correction_note: str, confirmed: str | None) -> bool:
    """The transition's checks, in order; returns whether a publication is a correction."""
    roles = roles_for(by, locked.organisation)
    rule = ACTION_STATES[action]
    if not roles & rule.keys():
        raise WorkflowError(f"您没有权限{VERBS[action]}这份报告。", "forbidden")
    if not can(by, action, locked, roles):
        raise WorkflowError(
            f"这份报告当前为“{locked.get_status_display()}”，您不能{VERBS[action]}。请刷新页面查看最新状态。",
            "wrong_state",
        )
    duty = conflict(locked, by, action)
    if duty:
        raise WorkflowError(duty, "separate_duties")
    if action == Action.RETURN and not comment:
        raise WorkflowError("请填写退回理由，告诉填报人需要修改什么。", "comment_required")
    if action == Action.REOPEN and not comment:
        raise WorkflowError("请填写重新打开的理由（例如需要更正的内容）。", "comment_required")
    if confirmed is not None and confirmed != publication_stamp(locked):
        raise WorkflowError(STALE_CONFIRMATION, "stale_confirmation")
    is_correction = action == Action.PUBLISH and was_published(locked)
    if is_correction and not correction_note:
        raise WorkflowError("这份报告曾经发布过，再次发布须填写更正说明。", "comment_required")
    if action == Action.SUBMIT:
        blockers = submission_blockers(locked)
        if blockers:
            raise WorkflowError(
                f"还有 {len(blockers)} 个问题需要先处理，暂不能提交审核。", "blocked", findings=blockers
            )
    elif action in (Action.APPROVE, Action.PUBLISH):
        # Errors block approval and publication too (rules.md): one can appear after submission when
        # last year's report is corrected, or when the rules are updated.
        errors = [f for f in findings_for_report(locked) if f.severity == "error"]
        if errors:
            raise WorkflowError(
                f"报告中有 {len(errors)} 个错误，不能{VERBS[action]}；请退回填报人改正。", "blocked", findings=errors
            )
    return is_correction


@transaction.atomic
def _transition(report: Report, action: str, *, by, comment: str = "", correction_note: str = "",
                confirmed: str | None = None, rendered: dict | None = None) -> ReportEvent:
    locked = Report.objects.select_for_update().get(pk=report.pk)
    comment = (comment or "").strip()
    correction_note = (correction_note or "").strip()
    is_correction = _refuse(locked, action, by=by, comment=comment, correction_note=correction_note,
                            confirmed=confirmed)

    from_status = locked.status
    locked.status = TARGET[action]
    locked.save(update_fields=["status", "updated_at"])
    event = ReportEvent.objects.create(
        report=locked,
        actor=by,
        action=action,
        from_status=from_status,
        to_status=locked.status,
        # For a correction the 更正说明 leads; a further remark, if any, follows it.
        comment="\n".join(filter(None, [correction_note, comment])) if is_correction else comment,
        is_correction=is_correction,
    )
    if action == Action.PUBLISH:
        try:
            # What was rendered beforehand is used only under a confirmation checked above: the report is then
            # as it was when it was rendered.
            report_published.send(sender=Report, report=locked, by=by, correction_note=correction_note,
                                  rendered=rendered if confirmed is not None else None)
        except (PublishingError, MissingFontsError) as exc:  # their messages say what to do
            raise WorkflowError(f"发布失败：{exc}", "publication_failed") from exc
        except Exception as exc:  # the receiver stores files; whatever it raises, nothing is published
            log.exception("publishing report %s failed", locked.pk)
            raise WorkflowError("发布失败：生成公开文件时出错，报告仍为“已审核通过”。请稍后重试或联系系统管理员。",
                                "publication_failed") from exc
    record_version(locked, by=by, kind=action, event=event)
    # Next year's checks compare with this report, more strictly once it is approved here.
    counts_stale.send(sender=Report, report=locked, following_only=True)
    _notify(locked, event)
    report.status = locked.status
    return event


# ---------------------------------------------------------------- section comments


@transaction.atomic
def add_comment(report: Report, *, by, section: str, text: str, cell: str = "") -> SectionComment:
    """A reviewer's comment on one section (and one of its cells or paragraphs, if `cell` names one),
    while the report is submitted (or approved, for the county)."""
    from .forms import SECTION_FORMS

    locked = Report.objects.select_for_update().get(pk=report.pk)
    roles = roles_for(by, locked.organisation)
    if not roles & ACTION_STATES["comment"].keys():
        raise WorkflowError("只有本机关的审核人或主管部门可以提出审核意见。", "forbidden")
    if not can(by, "comment", locked, roles):
        raise WorkflowError(f"这份报告当前为“{locked.get_status_display()}”，不能提出审核意见。", "wrong_state")
    if section not in {s.code for s in locked.format.sections}:
        raise WorkflowError("请选择意见针对的部分。", "invalid")
    text = (text or "").strip()
    if not text:
        raise WorkflowError("请填写意见内容。", "comment_required")
    cell = (cell or "").strip()
    if cell and cell not in {key for key, _ in SECTION_FORMS[section].cell_fields(locked.format, locked)}:
        raise WorkflowError("意见针对的单元格不在这一部分中。", "invalid")
    return SectionComment.objects.create(report=locked, section=section, cell=cell, author=by, text=text)


@transaction.atomic
def resolve_comment(comment: SectionComment, *, by) -> SectionComment:
    """The drafter marks a comment resolved (once; resolving again changes nothing)."""
    locked = SectionComment.objects.select_for_update().select_related("report__organisation").get(pk=comment.pk)
    if not can(by, "resolve_comment", locked.report):
        raise WorkflowError("只有本机关的填报人可以把审核意见标为已处理。", "forbidden")
    if locked.resolved_at is None:
        locked.resolved_at = timezone.now()
        locked.resolved_by = by
        locked.save(update_fields=["resolved_at", "resolved_by"])
    return locked


def open_comments_of(report: Report) -> list[SectionComment]:
    """The comments not yet marked 已处理, in the order of the sections."""
    return [c for cs in comments_by_section(report).values() for c in cs if not c.is_resolved]


def comments_by_section(report: Report) -> dict[str, list[SectionComment]]:
    """The report's comments grouped by section code, oldest first."""
    out: dict[str, list[SectionComment]] = {s.code: [] for s in report.format.sections}
    for c in report.section_comments.select_related("author", "resolved_by", "report"):
        out.setdefault(c.section, []).append(c)
    return out


# ---------------------------------------------------------------- notifications


def _recipients(report: Report, action: str):
    """Who must hear of this transition: the people who act next, and the drafters of the outcome."""
    org = report.organisation
    if action == Action.SUBMIT:
        return list(users_with_role(org, Role.APPROVER))
    if action == Action.APPROVE:
        return list(users_with_role(org, Role.DRAFTER)) + [
            u for u in users_with_role(org, Role.SUPERVISOR, above=True)
        ]
    if action in (Action.RETURN, Action.REOPEN, Action.PUBLISH):
        return list(users_with_role(org, Role.DRAFTER))
    return []


def _message(report: Report, event: ReportEvent) -> str:
    who = event.actor.get_full_name() or event.actor.username
    text = f"{report.title}：{who}{event.label}，当前状态“{report.get_status_display()}”。"
    if event.comment:
        text += f"{'更正说明' if event.is_correction else '意见'}：{event.comment}"
    return text[:300]


def _notify(report: Report, event: ReportEvent) -> None:
    """In-app notifications now; emails once the transaction has committed (never for a rolled-back one)."""
    people = {u.pk: u for u in _recipients(report, event.action) if u.pk != event.actor_id}
    if not people:
        return
    message = _message(report, event)
    Notification.objects.bulk_create(
        Notification(recipient=u, report=report, event=event, message=message) for u in people.values()
    )
    addresses = [u.email for u in people.values() if u.email]
    if addresses:
        subject = f"【政府信息公开年报】{report.organisation.display_name}{report.year}年度报告{event.label}"
        link = getattr(settings, "GKPORTAL_BASE_URL", "").rstrip("/") + reverse("report_detail", args=[report.pk])
        body = f"{message}\n\n查看报告：{link}\n\n（本邮件由系统自动发送，请勿直接回复。）"
        transaction.on_commit(lambda: _send(subject, body, addresses))


def _send(subject: str, body: str, addresses: list[str]) -> None:
    # One message per person, so no one sees the others' addresses; a mail server that is down
    # must not undo a transition that has already happened.
    for address in addresses:
        try:
            send_mail(subject, body, None, [address])
        except Exception:
            log.exception("could not send the notification to %s", address)


# ---------------------------------------------------------------- the in-app list


def waiting_for(user) -> list[dict[str, Any]]:
    """Reports that wait for this person now, with what they are expected to do."""
    from django.db.models import Count, Q

    from .permissions import supervised_ids

    if not user.is_authenticated:
        return []
    mine = Membership.objects.filter(user=user)
    by_role = {
        Role.DRAFTER: (set(mine.filter(role=Role.DRAFTER).values_list("organisation_id", flat=True)),
                       (Status.DRAFT, Status.RETURNED)),
        Role.APPROVER: (set(mine.filter(role=Role.APPROVER).values_list("organisation_id", flat=True)),
                        (Status.SUBMITTED,)),
        Role.SUPERVISOR: (supervised_ids(user), (Status.APPROVED,)),
    }
    todo_text = {
        Status.DRAFT: "填写并提交审核",
        Status.RETURNED: "按审核意见修改后重新提交",
        Status.SUBMITTED: "审核：退回修改或审核通过",
        Status.APPROVED: "公开发布（或退回修改）",
    }
    where = Q(pk__in=[])
    for org_ids, states in by_role.values():
        where |= Q(organisation_id__in=org_ids, status__in=states)
    reports = (
        Report.objects.filter(where)
        .select_related("organisation")
        .annotate(open_comments=Count("section_comments", filter=Q(section_comments__resolved_at__isnull=True)))
        .order_by("year", "organisation__name")
    )
    return [{"report": r, "todo": todo_text[r.status], "open_comments": r.open_comments} for r in reports]
