"""The page of a background task (reports.tasks): 排队中 / 第 n 份，共 m 份 / 完成 / 失败及原因, and 重试."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from .. import tasks
from ..models import BackgroundJob

REFRESH_SECONDS = 2


class BackgroundJobCrashed(Exception):
    """A task run in-process raised something unexpected: its request fails as it would have without a queue."""


def get_job_for_user(user, job_id: int, kind: str | None = None) -> BackgroundJob:
    """The job, if `user` started it (or is a superuser); 404 otherwise, so no one learns of others' work."""
    jobs = BackgroundJob.objects.select_related("report")
    if not user.is_superuser:
        jobs = jobs.filter(user=user)
    if kind:
        jobs = jobs.filter(kind=kind)
    try:
        return jobs.get(pk=job_id)
    except BackgroundJob.DoesNotExist:
        raise Http404("没有找到这项后台任务。") from None


@login_required
def job_status(request, job_id: int):
    job = get_job_for_user(request.user, job_id)
    # Without JavaScript the page refreshes itself until the work is over (or looks abandoned).
    refresh = REFRESH_SECONDS if not job.finished and not job.stalled else None
    return render(request, "reports/job_status.html", {"job": job, "refresh": refresh,
                                                        "next_url": job.result.get("url", "")})


@login_required
@require_POST
def job_retry(request, job_id: int):
    job = get_job_for_user(request.user, job_id)
    try:
        job = tasks.retry(job)
    except tasks.JobRefused as exc:
        messages.error(request, str(exc))
        return redirect("job_status", job_id=job.pk)
    if getattr(job, "crashed", False):
        raise BackgroundJobCrashed(job.error)
    messages.info(request, "已重新开始。")
    return redirect("job_status", job_id=job.pk)
