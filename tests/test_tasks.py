"""Long work as tasks, in-process (no broker configured, as in `make run` and these tests): publication, bulk
import, reminders; the job page (排队中 / 第 n 份，共 m 份 / 完成 / 失败及原因) and its 重试.
The same work done by a real worker on Redis: tests/test_tasks_worker.py."""

from __future__ import annotations

import datetime
import json
from io import StringIO

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from reports import tasks
from reports.models import BackgroundJob, Publication, Report

from .conftest import Role, demo_values, make_user
from .county_support import on  # noqa: F401  (a fixture)
from .hostile_support import snapshot
from .workflow_support import complete_report, confirmation, set_status

pytestmark = pytest.mark.django_db
S = Report.Status
Job = BackgroundJob


def boom(*args, **kwargs):
    raise RuntimeError("the renderer crashed")


@pytest.fixture
def approved(township) -> Report:
    return set_status(complete_report(township), S.APPROVED)


def test_publishing_runs_as_a_task_and_leaves_one_version_one_event_and_a_done_job(client, approved,
                                                                                   county_officer):
    client.force_login(county_officer)
    response = client.post(reverse("report_publish", args=[approved.pk]), confirmation(approved))
    assert response.status_code == 302 and response["Location"] == reverse("report_detail", args=[approved.pk])
    job = Job.objects.get(report=approved)
    assert (job.kind, job.status, job.user, job.done, job.total, job.attempts) == (
        Job.Kind.PUBLISH, Job.Status.DONE, county_officer, 3, 3, 1)
    approved.refresh_from_db()
    assert approved.status == S.PUBLISHED
    assert approved.events.filter(action="publish").count() == 1
    assert approved.versions.filter(kind="publish").count() == 1
    assert Publication.objects.get(report=approved).pdf.startswith(b"%PDF")


def test_a_failed_publication_says_why_changes_nothing_and_is_retried_from_its_page(
        client, approved, county_officer, monkeypatch):
    client.force_login(county_officer)
    monkeypatch.setattr("reports.publishing.html_to_pdf_pages", boom)
    before = snapshot()
    response = client.post(reverse("report_publish", args=[approved.pk]), confirmation(approved))
    assert response.status_code == 400 and "发布失败" in response.content.decode()
    assert snapshot() == before
    job = Job.objects.get(report=approved)
    assert job.status == Job.Status.FAILED and "发布失败" in job.error
    page = client.get(reverse("job_status", args=[job.pk])).content.decode()
    assert "失败：发布失败" in page and "重试" in page and 'http-equiv="refresh"' not in page

    monkeypatch.undo()
    response = client.post(reverse("job_retry", args=[job.pk]))
    assert response.status_code == 302
    job.refresh_from_db()
    assert (job.status, job.attempts, job.error) == (Job.Status.DONE, 2, "")
    assert Report.objects.get(pk=approved.pk).status == S.PUBLISHED
    assert "完成" in client.get(reverse("job_status", args=[job.pk])).content.decode()


def test_a_retry_after_the_publication_went_through_publishes_nothing_twice(client, approved, county_officer):
    client.force_login(county_officer)
    client.post(reverse("report_publish", args=[approved.pk]), confirmation(approved))
    job = Job.objects.get(report=approved)
    # As if its worker had died after the commit but before recording the outcome.
    Job.objects.filter(pk=job.pk).update(status=Job.Status.RUNNING,
                                         updated_at=timezone.now() - datetime.timedelta(hours=1))
    client.post(reverse("job_retry", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED and "已公开发布" in job.error
    assert Publication.objects.filter(report=approved).count() == 1
    assert approved.events.filter(action="publish").count() == 1


@pytest.mark.parametrize("status, done, total, kind, shown", [
    (Job.Status.QUEUED, 0, 0, Job.Kind.BULK_IMPORT, "排队中"),
    (Job.Status.RUNNING, 3, 7, Job.Kind.BULK_IMPORT, "第 3 份，共 7 份：读取文档"),
    (Job.Status.RUNNING, 2, 3, Job.Kind.PUBLISH, "第 2 步，共 3 步：读取文档"),
])
def test_the_job_page_shows_progress_and_refreshes_itself_until_done(client, county_officer, status, done, total,
                                                                     kind, shown):
    job = Job.objects.create(kind=kind, user=county_officer, status=status, done=done, total=total, step="读取文档")
    client.force_login(county_officer)
    page = client.get(reverse("job_status", args=[job.pk])).content.decode()
    assert shown in page and '<meta http-equiv="refresh" content="2">' in page
    assert "重试" not in page


def test_a_job_without_progress_for_too_long_is_offered_a_retry(client, county_officer, settings):
    job = Job.objects.create(kind=Job.Kind.BULK_IMPORT, user=county_officer, status=Job.Status.RUNNING,
                             updated_at=timezone.now() - datetime.timedelta(seconds=settings.GKPORTAL_TASK_STALE_SECONDS + 5))
    client.force_login(county_officer)
    page = client.get(reverse("job_status", args=[job.pk])).content.decode()
    assert "后台处理可能已中断" in page and "重试" in page and "http-equiv" not in page


def test_a_job_that_is_still_moving_cannot_be_retried(client, county_officer):
    job = Job.objects.create(kind=Job.Kind.BULK_IMPORT, user=county_officer, status=Job.Status.RUNNING)
    client.force_login(county_officer)
    client.post(reverse("job_retry", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == Job.Status.RUNNING and job.attempts == 0


def test_no_one_else_sees_or_retries_a_job(client, county_officer, outsider):
    job = Job.objects.create(kind=Job.Kind.BULK_IMPORT, user=county_officer, status=Job.Status.FAILED, error="x")
    client.force_login(outsider)
    assert client.get(reverse("job_status", args=[job.pk])).status_code == 404
    assert client.post(reverse("job_retry", args=[job.pk])).status_code == 404
    assert client.get(reverse("bulk_import_job", args=[job.pk])).status_code == 404


def _report_json(org: str, year: int, natural: int) -> bytes:
    values = demo_values()
    values.table3["new"]["natural"] = natural
    return json.dumps({"org": org, "year": year, **values.to_json_dict()}, ensure_ascii=False).encode()


def test_a_bulk_import_is_read_by_a_task_that_counts_the_documents(client, county_officer, township, sibling,
                                                                   monkeypatch):
    seen = []
    real = tasks.progress
    monkeypatch.setattr(tasks, "progress", lambda job, n, m, step: (seen.append((n, m, step)), real(job, n, m, step)))
    client.force_login(county_officer)
    files = [SimpleUploadedFile("a.json", _report_json("西村乡人民政府", 2023, 5)),
             SimpleUploadedFile("b.json", _report_json("郇封镇人民政府", 2023, 7))]
    page = client.post(reverse("bulk_import"), {"file": files}).content.decode()
    assert seen == [(1, 2, "读取文档"), (2, 2, "读取文档")]
    assert page.count('class="import-preview') == 2 and "批量导入预览（2 份文档）" in page
    job = Job.objects.get(kind=Job.Kind.BULK_IMPORT)
    assert job.status == Job.Status.DONE and not job.files.exists()  # the documents were read and let go
    again = client.get(reverse("bulk_import_job", args=[job.pk])).content.decode()
    assert again.count('class="import-preview') == 2 and 'name="token-1"' in again


def test_reminders_can_be_handed_to_a_task(county, township, on):
    make_user("xicun", township, Role.DRAFTER, email="xicun@example.gov.cn")
    on(datetime.date(2024, 1, 24))
    out = StringIO()
    call_command("send_reminders", "--days", "7", "--background", stdout=out)
    job = Job.objects.get(kind=Job.Kind.REMINDERS)
    assert f"后台任务 #{job.pk}" in out.getvalue()
    # The other organisation due that day has no drafter with an address.
    assert (job.status, job.result, job.done, job.total) == (Job.Status.DONE, {"sent": 1, "unsent": 1}, 2, 2)
    assert [m.to for m in mail.outbox] == [["xicun@example.gov.cn"]]
