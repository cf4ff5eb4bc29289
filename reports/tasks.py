"""Long work on the task queue: publication (render, then freeze), reading a bulk import's documents, reminders,
a large subtree's consolidated .xlsx.

The engine is django-tasks (the backport of Django 6's `django.tasks`): with GKPORTAL_REDIS_URL set its RQ
backend hands each task to `manage.py rqworker <queue>`; without it the ImmediateBackend runs the task inside
the request that enqueued it. Either way a BackgroundJob row carries what the user's page shows (排队中 /
第 n 份，共 m 份 / 完成 / 失败及原因) and what a retry needs; the library's own result expires with the broker.

A task refused for a reason the user can act on (the report changed, a font is missing) ends as 失败 with
that reason, in Chinese. Anything else is logged, recorded as 失败 and raised again, so the broker records it
too. A worker killed mid-task leaves the job 进行中 with no further progress: after
GKPORTAL_TASK_STALE_SECONDS its page offers 重试. Publication writes nothing until its one last transaction,
so a killed worker leaves the report as it was, and a retry publishes at most once (the confirmation
stamp changes with the publication).
"""

from __future__ import annotations

import datetime
import logging
from typing import Callable

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django_tasks import TaskResultStatus, task

from .county import consolidation
from .exports.county_excel import consolidated_workbook
from .exports.document import MissingFontsError
from .import_preview import bulk_item, existing_notes
from .importing.apply import import_targets
from .importing.bundle import read_uploads
from .models import BackgroundJob, JobFile, Membership, Organisation, Report
from .models.jobs import KEPT_DAYS, purgeable
from .permissions import roles_for
from .publishing import PublishingError, next_publication_number, render_publication
from .reminders import send_due_reminders
from .workflow import WorkflowError, check_transition, publish

log = logging.getLogger(__name__)

Kind = BackgroundJob.Kind
Status = BackgroundJob.Status


class JobRefused(Exception):
    """The work cannot be done as asked; the message is Chinese and says why."""


# ---------------------------------------------------------------- starting and retrying


def create_publish_job(report: Report, *, by, comment: str, correction_note: str, confirmed: str) -> BackgroundJob:
    """A publication of `report` as confirmed on the publish page, to be done by a task."""
    return BackgroundJob.objects.create(
        kind=Kind.PUBLISH, user=by, report=report,
        params={"comment": comment, "correction_note": correction_note, "confirmed": confirmed})


def create_reminders_job(*, year: int, days: int, today: datetime.date) -> BackgroundJob:
    """Deadline reminders for `year`'s reports due `days` days after `today` (send_reminders --background)."""
    return BackgroundJob.objects.create(kind=Kind.REMINDERS,
                                        params={"year": year, "days": days, "today": today.isoformat()})


def create_county_xlsx_job(user, root: Organisation, year: int) -> BackgroundJob:
    """`root`'s consolidated tables for `year` as an .xlsx, made by a task for `user` (who supervises root)."""
    return BackgroundJob.objects.create(kind=Kind.COUNTY_XLSX, user=user,
                                        params={"root": root.pk, "year": year, "name": root.display_name})


@transaction.atomic
def create_bulk_job(user, files: list[tuple[str, bytes]], *, default_year: str) -> BackgroundJob:
    """A bulk import's upload, kept in the database (a worker is another process) until its documents are read."""
    job = BackgroundJob.objects.create(kind=Kind.BULK_IMPORT, user=user, params={"year": default_year})
    JobFile.objects.bulk_create(JobFile(job=job, position=i, name=name, content=data)
                                for i, (name, data) in enumerate(files))
    return job


def start(job: BackgroundJob) -> BackgroundJob:
    """Enqueue the job's task and return the job as it stands afterwards: with
    the in-process backend the work is then already done."""
    BackgroundJob.objects.filter(pk=job.pk).update(status=Status.QUEUED, step="", error="",
                                                   updated_at=timezone.now(), finished_at=None)
    queued = run_job.using(queue_name=settings.GKPORTAL_TASK_QUEUE)
    result = queued.enqueue(job.pk)
    BackgroundJob.objects.filter(pk=job.pk).update(task_id=result.id)
    job.refresh_from_db()
    # Only an in-process run can have failed already; it raised something unexpected, which its request reports.
    job.crashed = result.status == TaskResultStatus.FAILED
    return job


def retry(job: BackgroundJob) -> BackgroundJob:
    """Start a failed, or stalled, job again from its parameters."""
    if not job.retryable:
        raise JobRefused("这项任务不能重试：它已完成，或仍在进行中。")
    return start(job)


# ---------------------------------------------------------------- the task


@task(queue_name=settings.GKPORTAL_TASK_QUEUE)
def run_job(job_id: int) -> str:
    """Do one BackgroundJob's work, recording its progress and outcome on the row."""
    job = BackgroundJob.objects.select_related("user", "report").get(pk=job_id)
    if job.status == Status.DONE:  # delivered twice: the work is done
        return job.status
    BackgroundJob.objects.filter(pk=job.pk).update(status=Status.RUNNING, attempts=job.attempts + 1,
                                                   updated_at=timezone.now(), error="")
    try:
        result = RUNNERS[job.kind](job)
    except JobRefused as exc:
        _finish(job, Status.FAILED, error=str(exc), result={"refused": True})
        return Status.FAILED
    except Exception:
        log.exception("background job %s (%s) failed", job.pk, job.kind)
        _finish(job, Status.FAILED, error="后台任务出错，没有完成；已做的改动均未保存。请重试，或联系系统管理员。")
        raise
    _finish(job, Status.DONE, result=result)
    _purge_old_jobs()
    return Status.DONE


def _purge_old_jobs() -> None:
    """Delete the jobs that ended more than KEPT_DAYS ago (what the job pages promise): one DELETE; a
    failure here is logged, never the job's."""
    try:
        purgeable(KEPT_DAYS, timezone.now()).delete()
    except Exception:  # noqa: BLE001
        log.exception("deleting old background jobs failed")


def _finish(job: BackgroundJob, status: str, *, error: str = "", result: dict | None = None) -> None:
    now = timezone.now()
    BackgroundJob.objects.filter(pk=job.pk).update(status=status, error=error, result=result or {},
                                                   updated_at=now, finished_at=now)


def progress(job: BackgroundJob, done: int, total: int, step: str) -> None:
    """Record how far the job has got; it is also the job's heartbeat."""
    BackgroundJob.objects.filter(pk=job.pk).update(done=done, total=total, step=step[:200],
                                                   updated_at=timezone.now())


# ---------------------------------------------------------------- publication


def _publish(job: BackgroundJob) -> dict:
    """Check, render outside any transaction, then publish in one: a worker killed before the end leaves the
    report exactly as it was."""
    report = Report.objects.select_related("organisation").get(pk=job.report_id)
    params = job.params
    kwargs = {"comment": params.get("comment", ""), "correction_note": params.get("correction_note", ""),
              "confirmed": params.get("confirmed", "")}
    try:
        progress(job, 1, 3, "核对报告状态和确认")
        check_transition(report, "publish", by=job.user, **kwargs)
        progress(job, 2, 3, "生成正式文本（HTML、PDF、Word、Excel）")
        number = next_publication_number(report)
        rendered = _render(report, number, kwargs["correction_note"])
        progress(job, 3, 3, "保存发布版本")
        publish(report, by=job.user, rendered=rendered, **kwargs)
    except WorkflowError as exc:
        raise JobRefused(exc.message) from exc
    except (PublishingError, MissingFontsError) as exc:  # their messages say what to do
        raise JobRefused(f"发布失败：{exc}") from exc
    return {"url": reverse("report_detail", args=[report.pk]), "number": number}


def _render(report: Report, number: int, correction_note: str) -> dict:
    try:
        return render_publication(report, number=number, correction_note=correction_note)
    except (PublishingError, MissingFontsError):
        raise
    except Exception as exc:  # as the workflow says of a failing freeze: nothing is published
        log.exception("rendering report %s for publication failed", report.pk)
        raise JobRefused("发布失败：生成公开文件时出错，报告仍为“已审核通过”。请稍后重试或联系系统管理员。") from exc


# ---------------------------------------------------------------- bulk import


def _read_bulk(job: BackgroundJob) -> dict:
    """Read every uploaded document and keep its preview, ready for the confirmation page."""
    user = job.user
    targets = import_targets(user) if user else []
    if not targets:
        raise JobRefused("您没有可以导入报告的机关。")
    files = [(f.name, bytes(f.content)) for f in job.files.all()]
    documents = read_uploads(files, progress=lambda n, m: progress(job, n, m, "读取文档"))
    existing = existing_notes(targets)
    docs = []
    for i, document in enumerate(documents):
        item = bulk_item(i, document, targets, user, job.params.get("year", ""), existing)
        docs.append({"index": i, "name": document.name, "error": document.error, "token": item.get("token", ""),
                     "open_rows": bool(item.get("open_rows")),
                     "html": render_to_string("reports/_import_bulk_doc.html", {"d": item, "targets": targets})})
    JobFile.objects.filter(job=job).delete()  # what was read is in the signed tokens now
    return {"docs": docs, "existing": existing, "url": reverse("bulk_import_job", args=[job.pk])}


# ---------------------------------------------------------------- reminders


def _reminders(job: BackgroundJob) -> dict:
    params = job.params
    sent, unsent = send_due_reminders(params["year"], params["days"], datetime.date.fromisoformat(params["today"]),
                                      on_each=lambda n, m: progress(job, n, m, "发送提醒邮件"))
    return {"sent": sent, "unsent": unsent}


# ---------------------------------------------------------------- the consolidated .xlsx


def county_xlsx_name(root: Organisation, year: int) -> str:
    return f"{root.display_name}{year}年度政府信息公开工作年度报告汇总表.xlsx"


def supervises(user, root: Organisation) -> bool:
    """Who may have `root`'s consolidated tables: the check of the county pages (views.county.county_view)."""
    return bool(user) and user.is_active and (
        user.is_superuser or Membership.Role.SUPERVISOR in roles_for(user, root))


def county_xlsx(root: Organisation, year: int, on_step: Callable[[int, int, str], None] | None = None) -> bytes:
    """The consolidated .xlsx, the same whether downloaded directly or made by a task."""
    step = on_step or (lambda done, total, text: None)
    step(1, 3, "汇总下属机关的报告")
    c = consolidation(root, year)
    step(2, 3, f"生成 Excel 文件（{len(c.reports) + len(c.left_out)} 个机关）")
    return consolidated_workbook(c)


def _county_xlsx(job: BackgroundJob) -> dict:
    """Make the workbook and keep it with the job, where the web process can serve it to the job's starter."""
    root = Organisation.objects.filter(pk=job.params.get("root")).first()
    year = job.params.get("year")
    if root is None:
        raise JobRefused("该机关已被删除，无法生成汇总表。")
    if not supervises(job.user, root):  # the role may have been withdrawn since the job was started
        raise JobRefused(f"只有{root.name}的政府信息公开工作主管部门可以下载汇总表；您的账号已没有这一角色。")
    data = county_xlsx(root, year, lambda n, m, text: progress(job, n, m, text))
    progress(job, 3, 3, "保存文件")
    name = county_xlsx_name(root, year)
    with transaction.atomic():  # a retry replaces the file
        JobFile.objects.filter(job=job).delete()
        JobFile.objects.create(job=job, position=0, name=name, content=data)
    return {"url": reverse("county_tables", args=[root.pk, year]), "name": name, "size": len(data)}


RUNNERS: dict[str, Callable[[BackgroundJob], dict]] = {
    Kind.PUBLISH: _publish,
    Kind.BULK_IMPORT: _read_bulk,
    Kind.REMINDERS: _reminders,
    Kind.COUNTY_XLSX: _county_xlsx,
}
