"""Publication by a real worker process on Redis (django-tasks' RQ backend and `manage.py rqworker`).

The worker is another process, so the test database must be one it can open: PostgreSQL (DATABASE_URL set) or
a SQLite file; on an in-memory SQLite database, and when Redis does not answer on 127.0.0.1:6379, these tests are
skipped and say why. Each run takes its own Redis database number and queue name, so parallel runs don't meet.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.db import connection
from django.test import Client, override_settings
from django.urls import reverse

from reports.models import BackgroundJob, Publication, Report

from .conftest import REDIS, redis_answers
from .hostile_support import snapshot
from .workflow_support import complete_report, confirmation, set_status

ROOT = Path(__file__).resolve().parent.parent
S = Report.Status
pytestmark = pytest.mark.django_db(transaction=True)


def _database_url() -> str:
    """A URL of the test database that another process can open, or skip."""
    db = connection.settings_dict
    if db["ENGINE"] == "django.db.backends.postgresql":
        auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
        return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    name = str(db["NAME"])
    if db["ENGINE"] == "django.db.backends.sqlite3" and name and "memory" not in name:
        return f"sqlite:///{name}"
    pytest.skip("the worker is another process: it needs the test database on PostgreSQL (set DATABASE_URL) "
                "or in a SQLite file, not SQLite in memory")


@pytest.fixture
def queue(settings):
    """A queue of this run's own, on a Redis database number of its own, for this process and the worker."""
    if not redis_answers():
        pytest.skip("Redis does not answer on 127.0.0.1:6379: no worker can be tested")
    name = f"gk-test-{uuid.uuid4().hex[:12]}"
    url = f"redis://{REDIS[0]}:{REDIS[1]}/{1 + os.getpid() % 15}"
    database_url = _database_url()
    with override_settings(GKPORTAL_TASK_QUEUE=name, RQ_QUEUES={name: {"URL": url, "DEFAULT_TIMEOUT": 300}},
                           TASKS={"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": [name]}}):
        yield {"name": name, "url": url, "database_url": database_url, "media": str(settings.MEDIA_ROOT)}
    import redis

    client = redis.Redis.from_url(url)
    for key in client.scan_iter(f"rq:*{name}*"):
        client.delete(key)


def start_worker(queue: dict, slow_pdf: float = 0) -> subprocess.Popen:
    env = os.environ | {"GKPORTAL_REDIS_URL": queue["url"], "GKPORTAL_TASK_QUEUE": queue["name"],
                        "DATABASE_URL": queue["database_url"], "DJANGO_MEDIA_ROOT": queue["media"],
                        "GKPORTAL_TEST_SLOW_PDF": str(slow_pdf), "DJANGO_SETTINGS_MODULE": "gkportal.settings"}
    return subprocess.Popen([sys.executable, "-m", "tests.worker_support", queue["name"]], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)


def _children(pid: int) -> list[int]:
    out = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            out.append(int(stat.parent.name))
    return out


def stop(worker: subprocess.Popen) -> None:
    """SIGKILL the worker and the work horse it forked (RQ puts the horse in a session of its own): no cleanup
    runs, as when a machine loses power."""
    for pid in [*_children(worker.pid), worker.pid]:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    worker.wait(timeout=10)


def wait_for(job: BackgroundJob, done, worker: subprocess.Popen, seconds: float = 60) -> BackgroundJob:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if done(job):
            return job
        if worker.poll() is not None:
            pytest.fail("the worker stopped: " + worker.stderr.read().decode(errors="replace")[-2000:])
        time.sleep(0.1)
    stop(worker)
    pytest.fail(f"the job did not get there in {seconds} s: {job.status} {job.done}/{job.total} {job.error}\n"
                + worker.stderr.read().decode(errors="replace")[-3000:])


def publish_by_page(client: Client, report: Report) -> BackgroundJob:
    response = client.post(reverse("report_publish", args=[report.pk]), {"comment": "", **confirmation(report)})
    job = BackgroundJob.objects.get(report=report, kind=BackgroundJob.Kind.PUBLISH)
    assert response.status_code == 302 and response["Location"] == reverse("job_status", args=[job.pk])
    return job


@pytest.fixture
def approved(township) -> Report:
    return set_status(complete_report(township), S.APPROVED)


def worked_to_the_end(queue: dict, job: BackgroundJob) -> BackgroundJob:
    """A fresh worker does the queued job; it is stopped once the job has ended, which must be 完成."""
    worker = start_worker(queue)
    try:
        job = wait_for(job, lambda j: j.finished, worker)
    finally:
        stop(worker)
    assert job.status == BackgroundJob.Status.DONE, job.error
    return job


def test_a_worker_publishes_what_the_page_enqueued(queue, approved, county_officer):
    client = Client()
    client.force_login(county_officer)
    job = publish_by_page(client, approved)
    page = client.get(reverse("job_status", args=[job.pk])).content.decode()
    assert "排队中" in page and 'http-equiv="refresh"' in page
    assert Report.objects.get(pk=approved.pk).status == S.APPROVED  # nothing happens in the request
    job = worked_to_the_end(queue, job)
    report = Report.objects.get(pk=approved.pk)
    assert report.status == S.PUBLISHED
    publication = Publication.objects.get(report=report)
    assert publication.pdf.startswith(b"%PDF") and publication.pdf_pages > 0
    assert report.events.filter(action="publish", actor=county_officer).count() == 1
    assert report.versions.filter(kind="publish").count() == 1
    page = client.get(reverse("job_status", args=[job.pk])).content.decode()
    assert "完成" in page and reverse("report_detail", args=[report.pk]) in page


def test_a_worker_killed_mid_publication_leaves_the_report_as_it_was_and_a_retry_publishes(
        queue, approved, county_officer, settings):
    client = Client()
    client.force_login(county_officer)
    before = snapshot()
    job = publish_by_page(client, approved)
    worker = start_worker(queue, slow_pdf=60)
    try:
        job = wait_for(job, lambda j: j.status == BackgroundJob.Status.RUNNING and j.done == 2, worker)
        time.sleep(0.5)  # inside the (slowed) PDF rendering
    finally:
        stop(worker)  # SIGKILL: no cleanup runs
    job.refresh_from_db()
    assert job.status == BackgroundJob.Status.RUNNING
    assert snapshot() == before
    assert not Publication.objects.filter(report=approved).exists()

    settings.GKPORTAL_TASK_STALE_SECONDS = 0  # as if the stale time had passed
    page = client.get(reverse("job_status", args=[job.pk])).content.decode()
    assert "后台处理可能已中断" in page and "重试" in page
    assert client.post(reverse("job_retry", args=[job.pk])).status_code == 302
    job = worked_to_the_end(queue, job)
    assert job.attempts == 2
    report = Report.objects.get(pk=approved.pk)
    assert report.status == S.PUBLISHED
    assert Publication.objects.filter(report=report).count() == 1
    assert report.events.filter(action="publish").count() == 1


def test_a_worker_makes_the_consolidated_xlsx_and_the_web_process_serves_it_to_its_starter(
        queue, county, township, sibling, county_officer, settings):
    from .conftest import complete_values, make_report
    from .test_tasks_county_xlsx import cells

    settings.GKPORTAL_COUNTY_XLSX_TASK_ABOVE = 1
    make_report(township, 2023, complete_values(), status=S.APPROVED)
    make_report(sibling, 2023, complete_values(), status=S.DRAFT)
    client = Client()
    client.force_login(county_officer)
    assert reverse("county_tables_xlsx_job", args=[county.pk, 2023]) in client.get(
        reverse("county_tables", args=[county.pk, 2023])).content.decode()
    response = client.post(reverse("county_tables_xlsx_job", args=[county.pk, 2023]))
    job = BackgroundJob.objects.get(kind=BackgroundJob.Kind.COUNTY_XLSX)
    assert response.status_code == 302 and response["Location"] == reverse("job_status", args=[job.pk])
    assert "排队中" in client.get(reverse("job_status", args=[job.pk])).content.decode()
    assert client.get(reverse("job_file", args=[job.pk])).status_code == 404  # not made yet
    job = worked_to_the_end(queue, job)
    assert (job.done, job.total) == (3, 3)
    page = client.get(reverse("job_status", args=[job.pk])).content.decode()
    assert "汇总表已生成" in page and reverse("job_file", args=[job.pk]) in page
    made = client.get(reverse("job_file", args=[job.pk]))
    direct = client.get(reverse("county_tables_xlsx", args=[county.pk, 2023]))
    assert made.status_code == 200 and made["Content-Type"] == direct["Content-Type"]
    assert made["Content-Disposition"] == direct["Content-Disposition"]
    assert cells(made.content) == cells(direct.content)  # the same workbook, made in another process
