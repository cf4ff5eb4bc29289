"""Published downloads against the static server on the same bytes, through one gunicorn on PostgreSQL.

    .venv/bin/python bench/bench_downloads.py [--requests 300] [--clients 4] [--workers 3]

Publishes the demo report (西村乡 2023), then copies its frozen PDF and HTML into a STATIC_ROOT that
WhiteNoise serves (/static/bench/same.pdf|html): the baseline is the same bytes served as a static file by
the same server. Measured, alternating the two so both see the same machine load:
  1. latency, one client: p50 and p95 of GET /gongkai/<org>/2023/report.pdf (and v1.html) against the
     static file;
  2. throughput, `clients` concurrent clients: requests per second, each kind in turn, three rounds;
  3. a repeat visit: GET with If-None-Match (304) against WhiteNoise's 304.
All traffic is on 127.0.0.1; counts are bounded and the run is capped in time. Needs PostgreSQL on
127.0.0.1:5432 (user postgres); creates and drops its own database (gk_capacity_downloads).
Goal (issue 15): a published PDF/HTML at most 2× the static server.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

import load_test  # noqa: E402  (its database and server helpers)

load_test.DB_NAME = os.environ.get("GKPORTAL_BENCH_DB", "gk_capacity_downloads")
TIME_CAP = 180.0
GOAL = 2.0

PUBLISH = """
import io, json
from django.core.management import call_command
from reports.models import Report
from reports.publishing import freeze_publication
call_command("load_demo", stdout=io.StringIO())
report = Report.objects.select_related("organisation").get(organisation__name="西村乡人民政府", year=2023)
Report.objects.filter(pk=report.pk).update(status=Report.Status.PUBLISHED)
report.refresh_from_db()
p = freeze_publication(report, by=None)
print(json.dumps([report.organisation_id, report.year, p.pdf_sha256, p.html_sha256]))
"""


def get(url: str, etag: str | None = None) -> tuple[float, int, int]:
    req = urllib.request.Request(url)
    if etag:
        req.add_header("If-None-Match", etag)
    start = time.perf_counter()
    try:
        with urllib.request.urlopen(req, timeout=30) as response:
            body, status = response.read(), response.status
    except urllib.error.HTTPError as exc:
        body, status = exc.read(), exc.code
    return time.perf_counter() - start, status, len(body)


def pct(samples: list[float], q: float) -> float:
    s = sorted(samples)
    return s[min(len(s) - 1, int(q * len(s)))] * 1000


def throughput(url: str, clients: int, per_client: int, deadline: float) -> float:
    def worker() -> None:
        for _ in range(per_client):
            if time.monotonic() > deadline:
                return
            get(url)

    threads = [threading.Thread(target=worker) for _ in range(clients)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return clients * per_client / (time.perf_counter() - start)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=300, help="requests per kind for the latency (default 300)")
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--workers", type=int, default=3)
    args = parser.parse_args()
    if not load_test.pg_answers():
        print("PostgreSQL does not answer on 127.0.0.1:5432: this benchmark needs it; skipped.")
        return 0
    load_test.recreate_database()
    work = Path(tempfile.mkdtemp(prefix="gk-capacity-downloads-"))
    server = None
    try:
        env = load_test.env_for_server() | {"DJANGO_MEDIA_ROOT": str(work / "media"),
                                            "DJANGO_STATIC_ROOT": str(work / "static")}
        subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
        out = subprocess.run([sys.executable, "manage.py", "shell", "-c", PUBLISH], cwd=ROOT, env=env, check=True,
                             capture_output=True, text=True).stdout
        org, year, pdf_sha, html_sha = json.loads(out.strip().splitlines()[-1])
        static = work / "static" / "bench"
        static.mkdir(parents=True)
        media = work / "media" / "published"
        shutil.copy(media / pdf_sha[:2] / f"{pdf_sha}.pdf", static / "same.pdf")
        shutil.copy(media / html_sha[:2] / f"{html_sha}.html", static / "same.html")
        port = load_test.free_port()
        server = subprocess.Popen(
            [str(ROOT / ".venv/bin/gunicorn"), "gkportal.wsgi", "--workers", str(args.workers),
             "--bind", f"127.0.0.1:{port}", "--log-level", "warning"], cwd=ROOT, env=env)
        base = f"http://127.0.0.1:{port}"
        for _ in range(150):
            try:
                urllib.request.urlopen(base + "/healthz", timeout=2).read()
                break
            except Exception:
                time.sleep(0.1)
        deadline = time.monotonic() + TIME_CAP
        pairs = [
            ("PDF", f"{base}/gongkai/{org}/{year}/report.pdf", f"{base}/static/bench/same.pdf"),
            ("HTML", f"{base}/gongkai/{org}/{year}/v1.html", f"{base}/static/bench/same.html"),
        ]
        size = (static / "same.pdf").stat().st_size, (static / "same.html").stat().st_size
        print(f"downloads: gunicorn --workers {args.workers}, PostgreSQL, {os.cpu_count()} cores, "
              f"load average {os.getloadavg()[0]:.1f}; PDF {size[0]:,} bytes, HTML {size[1]:,} bytes")
        for _, ours, theirs in pairs:  # warm both (and check they answer the same bytes)
            for _ in range(5):
                a, b = get(ours), get(theirs)
            assert a[1] == b[1] == 200 and a[2] == b[2], (ours, a, b)
        print("1. latency, one client, alternating (ms)")
        worst = 0.0
        for label, ours, theirs in pairs:
            t_ours, t_static = [], []
            for _ in range(args.requests):
                if time.monotonic() > deadline:
                    break
                t_ours.append(get(ours)[0])
                t_static.append(get(theirs)[0])
            r50 = pct(t_ours, 0.5) / pct(t_static, 0.5)
            r95 = pct(t_ours, 0.95) / pct(t_static, 0.95)
            worst = max(worst, r50)
            print(f"   {label:<4} published p50 {pct(t_ours, 0.5):6.2f}  p95 {pct(t_ours, 0.95):6.2f}   "
                  f"static p50 {pct(t_static, 0.5):6.2f}  p95 {pct(t_static, 0.95):6.2f}   "
                  f"ratio p50 {r50:.2f}×  p95 {r95:.2f}×  ({len(t_ours)} each)")
        print(f"2. throughput, {args.clients} concurrent clients, req/s (three rounds, alternating; median)")
        per_client = max(10, args.requests // args.clients)
        for label, ours, theirs in pairs:
            r_ours, r_static = [], []
            for _ in range(3):
                r_ours.append(throughput(ours, args.clients, per_client, deadline))
                r_static.append(throughput(theirs, args.clients, per_client, deadline))
            m_ours, m_static = statistics.median(r_ours), statistics.median(r_static)
            worst = max(worst, m_static / m_ours)
            print(f"   {label:<4} published {m_ours:7.1f}   static {m_static:7.1f}   "
                  f"static / published {m_static / m_ours:.2f}×")
        print("3. repeat visit with If-None-Match (304), one client, p50 ms")
        label, ours, theirs = pairs[0]
        etag_static = urllib.request.urlopen(theirs).headers["ETag"]
        t_ours, t_static = [], []
        for _ in range(min(100, args.requests)):
            a, b = get(ours, f'"{pdf_sha}"'), get(theirs, etag_static)
            assert a[1] == 304 and b[1] == 304, (a, b)
            t_ours.append(a[0])
            t_static.append(b[0])
        print(f"   PDF  published {pct(t_ours, 0.5):6.2f}   static {pct(t_static, 0.5):6.2f}   "
              f"ratio {pct(t_ours, 0.5) / pct(t_static, 0.5):.2f}×")
        print(f"goal: at most {GOAL:.0f}× the static server: {'OK' if worst <= GOAL else 'NOT MET'} "
              f"(worst ratio {worst:.2f}×)")
        return 0
    finally:
        load_test.clear_task_queue(load_test.env_for_server())  # what its requests asked of a worker
        if server is not None:
            server.terminate()
            server.wait(timeout=20)
        load_test.drop_database()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
