"""Long work done by a task (reports.tasks): what it is, who asked, and how far it has got."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone

from .report import Report


KEPT_DAYS = 30  # jobs (and the files they made) are deleted this many days after they ended, by default


def purgeable(days: int, now: datetime.datetime) -> models.QuerySet:
    """Jobs that ended more than `days` days ago, and jobs that have shown no progress for as long: deleted by
    `purge_jobs` and after each job that ends well (reports.tasks.run_job)."""
    Status = BackgroundJob.Status
    cutoff = now - datetime.timedelta(days=days)
    ended = models.Q(status__in=[Status.DONE, Status.FAILED]) & (
        models.Q(finished_at__lt=cutoff) | models.Q(finished_at__isnull=True, updated_at__lt=cutoff))
    abandoned = models.Q(status__in=[Status.QUEUED, Status.RUNNING], updated_at__lt=cutoff)
    return BackgroundJob.objects.filter(ended | abandoned)


class BackgroundJob(models.Model):
    """One piece of long work and its progress, readable by the page whoever runs it (worker or request).

    The task library's own result lives in the broker and expires; this row is what the user's page polls,
    what a retry re-enqueues from (`params`), and where the outcome is kept (`result`)."""

    class Kind(models.TextChoices):
        PUBLISH = "publish", "公开发布"
        BULK_IMPORT = "bulk_import", "批量导入（读取文档）"
        REMINDERS = "reminders", "截止日期提醒"
        COUNTY_XLSX = "county_xlsx", "汇总表导出"

    class Status(models.TextChoices):
        QUEUED = "queued", "排队中"
        RUNNING = "running", "进行中"
        DONE = "done", "完成"
        FAILED = "failed", "失败"

    kind = models.CharField("任务", max_length=20, choices=Kind.choices)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="发起人", null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="+")
    report = models.ForeignKey(Report, verbose_name="报告", null=True, blank=True, on_delete=models.CASCADE,
                               related_name="background_jobs")
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.QUEUED)
    done = models.PositiveIntegerField("已完成", default=0)
    total = models.PositiveIntegerField("共计", default=0)
    step = models.CharField("当前步骤", max_length=200, blank=True)
    error = models.TextField("失败原因", blank=True)
    params = models.JSONField("参数", default=dict, blank=True)
    result = models.JSONField("结果", default=dict, blank=True)
    task_id = models.CharField("任务编号", max_length=64, blank=True)
    attempts = models.PositiveSmallIntegerField("尝试次数", default=0)
    created_at = models.DateTimeField("创建时间", default=timezone.now)
    updated_at = models.DateTimeField("最后进展", default=timezone.now)
    finished_at = models.DateTimeField("结束时间", null=True, blank=True)

    class Meta:
        verbose_name = "后台任务"
        verbose_name_plural = verbose_name
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}（{self.get_status_display()}）"

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)

    @property
    def stalled(self) -> bool:
        """Queued or running with no progress for GKPORTAL_TASK_STALE_SECONDS: its worker is taken for dead."""
        limit = datetime.timedelta(seconds=getattr(settings, "GKPORTAL_TASK_STALE_SECONDS", 300))
        return not self.finished and timezone.now() - self.updated_at > limit

    @property
    def retryable(self) -> bool:
        return self.status == self.Status.FAILED or self.stalled


class JobFile(models.Model):
    """A job's file, kept in the database where a worker and the web process, two processes, both reach it:
    a bulk import's uploaded documents (read by the worker), or the consolidated .xlsx a 汇总表导出 made
    (downloaded by its starter). Deleted with its job (purge_jobs)."""

    job = models.ForeignKey(BackgroundJob, on_delete=models.CASCADE, related_name="files")
    position = models.PositiveIntegerField()
    name = models.CharField(max_length=500)
    content = models.BinaryField()

    class Meta:
        ordering = ["position"]
