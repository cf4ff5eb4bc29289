"""The page of a background task (reports.tasks): 排队中 / 第 n 份，共 m 份 / 完成 / 失败及原因, and 重试;
the file a task made (the consolidated .xlsx), for the user who started it."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from .. import tasks
from ..models import BackgroundJob, JobFile, Organisation
from ..models.jobs import KEPT_DAYS
from .downloads import XLSX, file_response

REFRESH_SECONDS = 2
FILE_TYPES = {BackgroundJob.Kind.COUNTY_XLSX: XLSX}


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
    # A file the job made is offered to its starter only (a superuser may read the page, not take the file).
    own_file = job.kind in FILE_TYPES and job.status == job.Status.DONE and job.user_id == request.user.pk
    return render(request, "reports/job_status.html", {"job": job, "refresh": refresh,
                                                        "next_url": job.result.get("url", ""),
                                                        "own_file": own_file, "kept_days": KEPT_DAYS})


@login_required
@require_GET
def job_file(request, job_id: int):
    """The file a finished job made, for the user who started it (and who still supervises the organisation);
    404 for anyone else, as for a job that does not exist."""
    job = BackgroundJob.objects.filter(pk=job_id, user=request.user, kind__in=list(FILE_TYPES),
                                       status=BackgroundJob.Status.DONE).first()
    stored = JobFile.objects.filter(job=job).first() if job else None
    root = Organisation.objects.filter(pk=job.params.get("root")).first() if job else None
    if stored is None or root is None or not tasks.supervises(request.user, root):
        raise Http404("没有找到这个文件。")
    return file_response(request, bytes(stored.content), FILE_TYPES[job.kind], stored.name)


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
