"""Old background-task rows are cleared by `purge_jobs` (for cron); work still going on, and reports, never."""

from __future__ import annotations

import datetime
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.utils import timezone

from reports.models import BackgroundJob, JobFile, Report, ReportEvent

pytestmark = pytest.mark.django_db
Job = BackgroundJob
S = Job.Status


def job(status: str, age_days: float, *, report: Report | None = None, finished: bool = True) -> Job:
    at = timezone.now() - datetime.timedelta(days=age_days)
    return Job.objects.create(kind=Job.Kind.BULK_IMPORT, status=status, report=report, created_at=at,
                              updated_at=at, finished_at=at if finished and status in (S.DONE, S.FAILED) else None)


def purge(*args: str) -> str:
    out = StringIO()
    call_command("purge_jobs", *args, stdout=out)
    return out.getvalue()


def test_only_jobs_ended_or_abandoned_before_the_cutoff_are_deleted_with_their_files(report):
    events = ReportEvent.objects.count()
    old_done, old_failed = job(S.DONE, 31, report=report), job(S.FAILED, 40)
    old_done_no_end = job(S.DONE, 45, finished=False)  # ended before finished_at was kept: its last progress
    abandoned = job(S.RUNNING, 35)  # a worker that died a month ago
    JobFile.objects.create(job=abandoned, position=0, name="a.pdf", content=b"%PDF")
    recent_done, recent_running, old_but_moving = job(S.DONE, 2), job(S.RUNNING, 0.01), job(S.QUEUED, 29)

    assert "将删除 4 项" in purge("--dry-run")
    assert Job.objects.count() == 7  # a dry run deletes nothing

    assert "已删除 4 项" in purge()
    assert set(Job.objects.values_list("pk", flat=True)) == {recent_done.pk, recent_running.pk, old_but_moving.pk}
    assert not JobFile.objects.exists()
    assert not Job.objects.filter(pk__in=[old_done.pk, old_failed.pk, old_done_no_end.pk, abandoned.pk]).exists()
    report.refresh_from_db()  # the report the job was about, and its history, stay
    assert ReportEvent.objects.count() == events


def test_days_is_a_choice_and_at_least_one(report):
    job(S.DONE, 3)
    assert "已删除 0 项" in purge()
    assert "已删除 1 项" in purge("--days", "2")
    with pytest.raises(CommandError, match="至少为 1"):
        purge("--days", "0")


def test_the_admin_lists_jobs_read_only(client):
    failed = Job.objects.create(kind=Job.Kind.PUBLISH, status=S.FAILED, error="发布失败：字体缺失")
    client.force_login(get_user_model().objects.create_superuser("root", password="x"))
    listing = client.get("/admin/reports/backgroundjob/")
    assert listing.status_code == 200 and "失败" in listing.content.decode()
    assert "字体缺失" in client.get(f"/admin/reports/backgroundjob/{failed.pk}/change/").content.decode()
    assert client.get("/admin/reports/backgroundjob/add/").status_code == 403
    assert client.post(f"/admin/reports/backgroundjob/{failed.pk}/delete/", {"post": "yes"}).status_code == 403
    assert Job.objects.filter(pk=failed.pk).exists()


def test_a_job_that_ends_well_deletes_the_old_ones_as_the_job_pages_promise(report):
    """The done page says the file is kept about KEPT_DAYS days and then cleared: true without a cron line."""
    from reports.models.jobs import KEPT_DAYS

    old_done, old_failed = job(S.DONE, KEPT_DAYS + 1), job(S.FAILED, KEPT_DAYS + 5)
    JobFile.objects.create(job=old_done, position=0, name="汇总表.xlsx", content=b"PK")
    recent, moving = job(S.DONE, KEPT_DAYS - 1), job(S.RUNNING, 0.01)
    call_command("send_reminders", "--days", "7", "--background", stdout=StringIO())  # runs in this process
    reminders = Job.objects.get(kind=Job.Kind.REMINDERS)
    assert reminders.status == S.DONE
    assert set(Job.objects.values_list("pk", flat=True)) == {recent.pk, moving.pk, reminders.pk}
    assert not JobFile.objects.exists() and not Job.objects.filter(pk__in=[old_done.pk, old_failed.pk]).exists()
