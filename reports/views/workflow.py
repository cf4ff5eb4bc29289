"""Workflow pages: transitions, section comments, versions, and what waits for me."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from .. import tasks
from ..duties import conflict
from ..findings import report_findings
from ..models import BackgroundJob, Notification, Report, SectionComment
from ..permissions import can, get_report_for_action
from ..versions import default_pair, diff_versions
from ..workflow import (
    TRANSITION_FUNCTIONS,
    VERBS,
    WorkflowError,
    add_comment,
    check_transition,
    open_comments_of,
    publication_stamp,
    resolve_comment,
    submission_blockers,
    waiting_for,
    was_published,
)
from ..workflow_forms import BUTTONS, SectionCommentForm, TransitionForm, VersionPairForm
from .editing import section_statuses
from .jobs import BackgroundJobCrashed

DONE = {
    "submit": "已提交审核，审核人会收到通知。",
    "return": "已退回，填报人会收到通知。",
    "approve": "已审核通过，报告已锁定；主管部门会收到通知。",
    "publish": "已公开发布。",
    "reopen": "报告已重新打开，填报人可以修改后重新提交。",
}


def _publish_summary(report: Report) -> dict:
    """What the confirmation shows before publishing: the title, the organisation, the year, each section,
    and the version the confirmation is for."""
    values = report.values()
    version = report.versions.order_by("-number").first()
    return {"statuses": section_statuses(report, values, report_findings(report, values)), "version": version}


def _publish_in_background(report: Report, user, data: dict) -> BackgroundJob | None:
    """Publish by a task: refused at once if it would be refused now; None when it has already been done
    (the in-process backend), the job when a worker will do it. A refusal inside the task is a WorkflowError."""
    check_transition(report, "publish", by=user, **data)
    job = tasks.start(tasks.create_publish_job(report, by=user, comment=data.get("comment", ""),
                                               correction_note=data.get("correction_note", ""),
                                               confirmed=data.get("confirmed", "")))
    if job.crashed:
        raise BackgroundJobCrashed(job.error)
    if job.status == BackgroundJob.Status.FAILED:
        raise WorkflowError(job.error, "publication_failed")
    return None if job.status == BackgroundJob.Status.DONE else job


def _wrong_state(request, report, action: str):
    messages.error(request, f"这份报告当前为“{report.get_status_display()}”，您不能{VERBS[action]}。")
    return redirect("report_detail", report.pk)


@login_required
def transition(request, report_id: int, action: str):
    report, roles = get_report_for_action(request.user, report_id, action)
    if not can(request.user, action, report, roles):
        return _wrong_state(request, report, action)
    correction = action == "publish" and was_published(report)
    open_comments = open_comments_of(report) if action == "submit" else []
    form = TransitionForm(action, request.POST if request.method == "POST" else None, correction=correction,
                          open_comments=len(open_comments),
                          stamp=publication_stamp(report) if action == "publish" else "")
    findings = submission_blockers(report) if action == "submit" else []
    duty = conflict(report, request.user, action)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            form.cleaned_data.pop("confirm_open_comments", None)
            try:
                if action == "publish":
                    job = _publish_in_background(report, request.user, form.cleaned_data)
                    if job is not None:  # a worker does it: its page shows how far it has got
                        return redirect("job_status", job_id=job.pk)
                else:
                    TRANSITION_FUNCTIONS[action](report, by=request.user, **form.cleaned_data)
            except WorkflowError as exc:
                if exc.code == "forbidden":
                    raise PermissionDenied(exc.message) from None
                if exc.code == "wrong_state":
                    return _wrong_state(request, report, action)
                if exc.code == "separate_duties":
                    duty = exc.message
                else:
                    form.add_error(None, exc.message)
                findings = exc.findings or findings
                if action == "publish":  # it may have changed between the check above and the lock
                    report.refresh_from_db()
                    form.stamp = publication_stamp(report)
            else:
                messages.success(request, DONE[action])
                return redirect("report_detail", report.pk)
        form.show_current_stamp()
    headings = {s.code: s.heading for s in report.format.sections}
    context = {"report": report, "action": action, "form": form, "button": BUTTONS[action],
               "correction": correction, "findings": findings, "duty": duty,
               "open_comments": [(headings.get(c.section, ""), c) for c in open_comments],
               "publish": _publish_summary(report) if action == "publish" else None}
    return render(request, "reports/transition.html", context, status=status)


@login_required
@require_POST
def comment_add(request, report_id: int):
    report, _ = get_report_for_action(request.user, report_id, "comment")
    form = SectionCommentForm(request.POST)
    if form.is_valid():
        try:
            add_comment(report, by=request.user, **form.cleaned_data)
        except WorkflowError as exc:
            if exc.code == "forbidden":
                raise PermissionDenied(exc.message) from None
            form.add_error(None, exc.message)
        else:
            messages.success(request, "意见已记录，填报人会在该部分旁看到。")
            return redirect(_back(request, report, form.cleaned_data["section"]))
    # Refused: show the comment again, so that what was typed is not lost.
    context = {"report": report, "form": form, "button": "提出意见", "action": "comment", "findings": []}
    return render(request, "reports/transition.html", context, status=400)


@login_required
@require_POST
def comment_resolve(request, report_id: int, comment_id: int):
    report, _ = get_report_for_action(request.user, report_id, "resolve_comment")
    try:
        comment = report.section_comments.get(pk=comment_id)
    except SectionComment.DoesNotExist:
        raise Http404("没有找到这条意见。") from None
    try:
        resolve_comment(comment, by=request.user)
    except WorkflowError as exc:
        raise PermissionDenied(exc.message) from None
    messages.success(request, "已标为已处理。")
    return redirect(_back(request, report, comment.section))


def _back(request, report, section: str) -> str:
    """Back where the comment was made or resolved: the section's editor, or the report's page."""
    if request.POST.get("from") == "editor":
        return reverse("section_edit", args=[report.pk, section]) + f"#comments-{section}"
    return reverse("report_detail", args=[report.pk]) + f"#comments-{section}"


@login_required
def versions(request, report_id: int):
    report, _ = get_report_for_action(request.user, report_id, "view_history")
    all_versions = list(report.versions.select_related("created_by", "event").order_by("-number"))
    old, new = default_pair(report)
    chosen = "old" in request.GET or "new" in request.GET
    form = VersionPairForm(all_versions, request.GET if chosen else None)
    status = 200
    if chosen:
        if form.is_valid():
            by_number = {v.number: v for v in all_versions}
            old, new = by_number[form.cleaned_data["old"]], by_number[form.cleaned_data["new"]]
        else:
            status = 400
    elif old is not None:
        form = VersionPairForm(all_versions, initial={"old": old.number, "new": new.number})
    diff = diff_versions(old, new) if old is not None and old.pk != new.pk else None
    context = {"report": report, "form": form, "versions": all_versions, "old": old, "new": new, "diff": diff,
               "events": report.events.select_related("actor")}
    return render(request, "reports/versions.html", context, status=status)


@login_required
def inbox(request):
    notifications = list(Notification.objects.filter(recipient=request.user).select_related("report")[:50])
    context = {"waiting": waiting_for(request.user), "notifications": notifications,
               "unread": Notification.unread_count(request.user)}
    return render(request, "reports/inbox.html", context)


@login_required
@require_POST
def notifications_read(request):
    Notification.objects.filter(recipient=request.user, read_at__isnull=True).update(read_at=timezone.now())
    messages.success(request, "通知已全部标为已读。")
    return redirect("inbox")
