"""Long work as tasks: how long the publish and bulk-import requests take in-process and with a worker.

    .venv/bin/python bench/bench_tasks.py [--reports 3] [--documents 20]

Runs on a throw-away SQLite file (a worker process can open it) with the demo data and prints, each next to
GET /healthz measured in the same run:
  1. POST of the publish page, the task run in-process (no broker: `make run`, and main before the tasks);
  2. the same POST with GKPORTAL_REDIS_URL's RQ backend: the request only enqueues; then the time a real
     worker (`manage.py rqworker`) takes to publish them all, end to end;
  3. POST of a bulk import of N JSON documents, read in-process, and enqueued for the worker (and its time).
Needs Redis on 127.0.0.1:6379 for 2 and 3 (skipped otherwise); uses its own queue name and Redis db 15.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
REDIS_URL = "redis://127.0.0.1:6379/15"
sys.path.insert(0, str(Path(__file__).resolve().parent))
from load_test import redis_answers  # noqa: E402


def timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reports", type=int, default=3, help="reports published each way (default 3)")
    parser.add_argument("--documents", type=int, default=20, help="documents in the bulk import (default 20)")
    args = parser.parse_args()

    workdir = tempfile.mkdtemp(prefix="gkportal-bench-")
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir}/bench.sqlite3"
    os.environ["DJANGO_MEDIA_ROOT"] = f"{workdir}/media"
    os.environ.pop("GKPORTAL_REDIS_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gkportal.settings")
    os.environ.setdefault("DJANGO_DEBUG", "1")
    os.environ.setdefault("DJANGO_LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.test import Client, override_settings

    from reports.exports.data import report_to_json
    from reports.models import BackgroundJob, Organisation, Report
    from reports.services import create_report, save_values
    from reports.workflow import publication_stamp

    settings.ALLOWED_HOSTS = ["testserver"]
    call_command("migrate", verbosity=0)
    call_command("load_demo", stdout=io.StringIO())
    demo = Report.objects.get(organisation__name="西村乡人民政府", year=2023)
    values = demo.values()
    for col in values.table4["review"]:  # the demo's five blank 行政复议 cells, which block publication
        values.table4["review"][col] = 0
    county = Organisation.objects.get(name="修武县人民政府")
    client = Client()
    client.force_login(get_user_model().objects.get(username="county"))

    def approved_reports(tag: str) -> list[Report]:
        out = []
        for i in range(args.reports):
            org = Organisation.objects.create(name=f"基准{tag}{i:02d}乡人民政府", short_name=f"基准{tag}{i:02d}",
                                              kind=Organisation.Kind.TOWNSHIP_GOV, parent=county)
            r = create_report(org, 2023)
            save_values(r, values)
            Report.objects.filter(pk=r.pk).update(status=Report.Status.APPROVED)
            out.append(Report.objects.get(pk=r.pk))
        return out

    def post_publish(r: Report) -> None:
        response = client.post(f"/reports/{r.pk}/publish/", {"comment": "", "confirmed": publication_stamp(r)})
        if response.status_code != 302:
            import re
            Path("/tmp/bench_tasks_400.html").write_bytes(response.content)
            raise SystemExit(f"publishing failed ({response.status_code}): "
                             + " ".join(re.findall(r'class="[^"]*alert[^"]*"[^>]*>(.*?)<', response.content.decode())))

    documents = [{"name": f"doc{i:03d}.json", "data": json.dumps(report_to_json(demo), ensure_ascii=False)}
                 for i in range(args.documents)]

    def post_bulk() -> int:
        files = [io.BytesIO(d["data"].encode()) for d in documents]
        for f, d in zip(files, documents):
            f.name = d["name"]
        response = client.post("/import/", {"file": files, "year": "2023"})
        assert response.status_code in (200, 302), response.status_code
        return response.status_code

    healthz = statistics.median(timed(lambda: client.get("/healthz")) for _ in range(25))
    print(f"gkportal tasks benchmark — {args.reports} publications each way, a bulk import of {args.documents} "
          f"documents; {os.cpu_count()} CPUs; baseline GET /healthz {healthz * 1000:.2f} ms (median of 25)\n")

    in_process = [timed(lambda r=r: post_publish(r)) for r in approved_reports("甲")]
    p_in = statistics.median(in_process)
    print("1. Publish request, task in-process (no broker)")
    print(f"   POST /reports/<id>/publish/ median  {p_in * 1000:9.1f} ms   {p_in / healthz:8.0f} × /healthz\n")
    bulk_in = timed(post_bulk)
    print(f"3a. Bulk import of {args.documents} documents, read in-process")
    print(f"   POST /import/                       {bulk_in * 1000:9.1f} ms   {bulk_in / healthz:8.0f} × /healthz\n")

    if not redis_answers():
        print("Redis does not answer on 127.0.0.1:6379: the worker figures are skipped.")
        return
    queue = f"gk-bench-{uuid.uuid4().hex[:8]}"
    rq = {"TASKS": {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": [queue]}},
          "RQ_QUEUES": {queue: {"URL": REDIS_URL, "DEFAULT_TIMEOUT": 600}}, "GKPORTAL_TASK_QUEUE": queue}
    with override_settings(**rq):
        reports = approved_reports("乙")
        enqueue = [timed(lambda r=r: post_publish(r)) for r in reports]
        p_q = statistics.median(enqueue)
        env = os.environ | {"GKPORTAL_REDIS_URL": REDIS_URL, "GKPORTAL_TASK_QUEUE": queue}
        start = time.perf_counter()
        worker = subprocess.Popen([sys.executable, "manage.py", "rqworker", queue, "--burst",
                                   "--job-class", "django_tasks_rq.Job"], cwd=ROOT, env=env,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        try:
            worker.wait(timeout=600)
        finally:
            if worker.poll() is None:
                os.killpg(worker.pid, signal.SIGKILL)
        p_worker = time.perf_counter() - start
        published = Report.objects.filter(pk__in=[r.pk for r in reports], status=Report.Status.PUBLISHED).count()
        print("2. Publish request with a worker (RQ on Redis): the request only enqueues")
        print(f"   POST /reports/<id>/publish/ median  {p_q * 1000:9.1f} ms   {p_q / healthz:8.0f} × /healthz"
              f"   ({p_in / p_q:.0f} × shorter than in-process)")
        print(f"   worker, start to all {published}/{len(reports)} published  {p_worker:7.2f} s "
              f"(includes the worker's start-up)\n")

        bulk_q = timed(post_bulk)
        start = time.perf_counter()
        worker = subprocess.Popen([sys.executable, "manage.py", "rqworker", queue, "--burst",
                                   "--job-class", "django_tasks_rq.Job"], cwd=ROOT, env=env,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        worker.wait(timeout=600)
        bulk_worker = time.perf_counter() - start
        job = BackgroundJob.objects.filter(kind=BackgroundJob.Kind.BULK_IMPORT).latest("pk")
        print(f"3b. Bulk import of {args.documents} documents, enqueued for the worker")
        print(f"   POST /import/                       {bulk_q * 1000:9.1f} ms   {bulk_q / healthz:8.0f} × /healthz"
              f"   ({bulk_in / bulk_q:.0f} × shorter than in-process)")
        print(f"   worker: {job.get_status_display()}, {job.done}/{job.total} read in {bulk_worker:.2f} s "
              "(includes the worker's start-up)")


if __name__ == "__main__":
    main()
