"""Latency of the 表三 editor's live check, autosave and page, next to a trivial view, measured in one run.

    .venv/bin/python bench/bench_check.py                  # test client on SQLite, then gunicorn on PostgreSQL
    .venv/bin/python bench/bench_check.py -n 100 --no-gunicorn
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/gk_bench .venv/bin/python bench/bench_check.py

Two phases, each interleaving the four requests (trivial, check, save, open) so that all see the same machine:

1. Django's test client, in this process, through the full middleware stack (sessions, authentication,
   CSRF, messages), on the database of the settings (SQLite in memory unless DATABASE_URL is set); the
   baseline is a view that answers "ok". The SQL queries of each request are counted here.
2. gunicorn (the same command as production, on loopback) on PostgreSQL, a database of its own; the
   baseline is /healthz (one SELECT 1). Skipped when PostgreSQL does not answer on 127.0.0.1:5432.

The same logged-in drafter posts the same URL-encoded body the editor sends (a full 表三 form); every save
changes one cell, so each keeps a version, as a clerk's autosave does. Last year's report exists too, as
the cross-year rules read it. Goal (issue 15): check p95 ≤ 3× and save p95 ≤ 5× the trivial view.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

# GKPORTAL_ROOT: measure another checkout with this script (e.g. main, for the figures before a change).
ROOT = Path(os.environ.get("GKPORTAL_ROOT") or Path(__file__).resolve().parent.parent)
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))
for key, value in {
    "DJANGO_SETTINGS_MODULE": "gkportal.settings",
    "DJANGO_SECRET_KEY": "bench-only-secret-key-not-for-production-0123456789-abcdefghijklmnop",
    "DJANGO_DEBUG": "0",
    "DJANGO_STATIC_MANIFEST": "0",
    "DJANGO_SECURE_SSL_REDIRECT": "0",
    "DJANGO_SECURE_COOKIES": "0",
    "DJANGO_LOG_LEVEL": "WARNING",
}.items():
    os.environ.setdefault(key, value)

import warnings  # noqa: E402

import django  # noqa: E402

# WhiteNoise warns that collectstatic has not run; the benchmark serves no static files.
warnings.filterwarnings("ignore", "No directory at", UserWarning)
django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.http import HttpResponse  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment, teardown_test_environment  # noqa: E402
from django.urls import include, path  # noqa: E402

FORM_ENCODED = "application/x-www-form-urlencoded"
KINDS = ("trivial", "check", "save", "open")
GOALS = {"check": 3.0, "save": 5.0}  # p95 ratio to the trivial view (issue 15 point 1)
PG_DB = os.environ.get("BENCH_CHECK_DB", "gk_bench_check")  # its own name for each concurrent run
PASSWORD = "Bench-check-2026"
REVISION = re.compile(r'name="revision" id="revision" value="(\d+)"')

# The seed, as code both phases run (the gunicorn phase in `manage.py shell`): this year's and last year's
# report of one township, filled; one drafter. Prints the report id and the form the editor would post.
SEED = """
import json
from django.contrib.auth import get_user_model
from reports.forms import ApplicationsForm
from reports.models import Membership, Organisation
from reports.services import create_report, save_values
from tests.conftest import demo_values
county = Organisation.objects.create(name="修武县人民政府", kind=Organisation.Kind.COUNTY_GOV)
org = Organisation.objects.create(name="西村乡人民政府", short_name="西村乡",
                                  kind=Organisation.Kind.TOWNSHIP_GOV, parent=county)
report = create_report(org, 2023)
save_values(report, demo_values())
save_values(create_report(org, 2022), demo_values())
user = get_user_model().objects.create_user("drafter", password=%r)
Membership.objects.create(user=user, organisation=org, role=Membership.Role.DRAFTER)
form = ApplicationsForm.texts(report.values(), report)
print(json.dumps({"report": report.pk, "form": form}))
""" % PASSWORD


def trivial(request):
    return HttpResponse("ok")


urlpatterns = [path("bench/trivial/", trivial), path("", include("gkportal.urls"))]


def percentile(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


class Session:
    """What the editor does, over some transport: `send(kind, method, url, body) -> (status, text)`."""

    def __init__(self, send, report_id: int, form: dict[str, str], trivial_url: str) -> None:
        self.send, self.form = send, dict(form)
        self.urls = {
            "trivial": trivial_url,
            "open": f"/reports/{report_id}/edit/applications/",
            "check": f"/reports/{report_id}/edit/applications/check/",
            "save": f"/reports/{report_id}/edit/applications/save/",
        }
        self.revision = ""
        self.seq = 0
        self.samples: dict[str, list[float]] = {k: [] for k in KINDS}

    def do(self, kind: str) -> float:
        self.seq += 1
        body = None
        if kind == "check":
            body = {**self.form, "seq": str(self.seq)}
        elif kind == "save":
            # One cell changed per save, as a clerk types: a real write, a version each time.
            self.form["table3.new.natural"] = str(100 + self.seq % 7)
            body = {**self.form, "revision": self.revision}
        start = time.perf_counter()
        status, text = self.send("POST" if body is not None else "GET", self.urls[kind],
                                 urlencode(body) if body is not None else None)
        elapsed = (time.perf_counter() - start) * 1000
        if status != 200:
            raise SystemExit(f"{kind} {self.urls[kind]} answered {status}: {text[:300]}")
        if kind == "open":
            self.revision = REVISION.search(text).group(1)
        elif kind == "save":
            self.revision = str(json.loads(text)["revision"])
        return elapsed

    def run(self, n: int, warmup: int) -> None:
        self.do("open")
        for i in range(warmup + n):
            for kind in KINDS:
                elapsed = self.do(kind)
                if i >= warmup:
                    self.samples[kind].append(elapsed)


def report_table(title: str, samples: dict[str, list[float]], queries: dict[str, int] | None = None) -> dict:
    base = samples["trivial"]
    print(title)
    print(f"{'':<22} {'median':>8} {'p95':>8} {'mean':>8} {'max':>8}   (ms)   {'p50 ×':>6} {'p95 ×':>6}"
          + ("  queries" if queries else ""))
    ratios = {}
    for kind in KINDS:
        s = samples[kind]
        r50 = statistics.median(s) / statistics.median(base)
        r95 = percentile(s, 95) / percentile(base, 95)
        ratios[kind] = r95
        print(f"{kind:<22} {statistics.median(s):8.2f} {percentile(s, 95):8.2f} {statistics.fmean(s):8.2f} "
              f"{max(s):8.2f}        {r50:6.1f} {r95:6.1f}" + (f"  {queries[kind]:7d}" if queries else ""))
    for kind, goal in GOALS.items():
        verdict = ("met" if ratios[kind] <= goal else "NOT met") if queries is None else \
            "judged through gunicorn (phase 2), as issue 15 asks; this phase counts the queries"
        print(f"  {kind}: p95 {ratios[kind]:.1f}× the trivial view; goal ≤ {goal:.0f}×: {verdict}")
    return ratios


def in_process(n: int, warmup: int) -> None:
    """Phase 1: Django's test client, with the SQL queries of each request counted."""
    settings.ROOT_URLCONF = __name__
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        from django.contrib.auth import get_user_model

        scope: dict = {}
        out: list[str] = []
        exec(SEED.replace("print(", "out.append("), {"out": out, **scope})
        seeded = json.loads(out[0])
        client = Client()
        client.force_login(get_user_model().objects.get(username="drafter"))

        def send(method: str, url: str, body: str | None) -> tuple[int, str]:
            if body is None:
                response = client.get(url)
            else:  # URL-encoded, as the editor's fetch(URLSearchParams) sends it
                response = client.post(url, body, content_type=FORM_ENCODED)
            return response.status_code, response.content.decode()

        session = Session(send, seeded["report"], seeded["form"], "/bench/trivial/")
        session.run(n, warmup)
        queries = {}
        for kind in KINDS:
            with CaptureQueriesContext(connection) as captured:
                session.do(kind)
            queries[kind] = len(captured.captured_queries)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        teardown_test_environment()
    report_table(f"phase 1: Django test client, {connection.vendor}, {n} requests of each kind, interleaved "
                 f"(full 表三 form, {len(seeded['form'])} cells)", session.samples, queries)


def through_gunicorn(n: int, warmup: int, workers: int) -> None:
    """Phase 2: gunicorn on PostgreSQL over loopback; baseline /healthz."""
    from load_test import env_for_server, free_port, pg_answers, task_worker, wait_for

    if not pg_answers():
        print("phase 2 skipped: PostgreSQL does not answer on 127.0.0.1:5432.")
        return
    import psycopg

    admin = "host=127.0.0.1 port=5432 user=postgres dbname=postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {PG_DB} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {PG_DB}")
    env = env_for_server(PG_DB)
    server = None
    try:
        subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
        seeded = subprocess.run([sys.executable, "manage.py", "shell", "-c", SEED], cwd=ROOT, env=env, check=True,
                                capture_output=True, text=True)
        seeded = json.loads(seeded.stdout.strip().splitlines()[-1])
        port = free_port()
        server = subprocess.Popen(
            [str(ROOT / ".venv/bin/gunicorn"), "gkportal.wsgi", "--workers", str(workers),
             "--bind", f"127.0.0.1:{port}", "--log-level", "warning"], cwd=ROOT, env=env)
        wait_for(f"http://127.0.0.1:{port}")
        cookies: dict[str, str] = {}

        def send(method: str, url: str, body: str | None) -> tuple[int, str]:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())}
            if body is not None:
                headers.update({"Content-Type": FORM_ENCODED, "X-CSRFToken": cookies.get("csrftoken", ""),
                                "Referer": f"http://127.0.0.1:{port}{url}"})
            conn.request(method, url, body=body, headers=headers)
            response = conn.getresponse()
            text = response.read().decode(errors="replace")
            for header in response.headers.get_all("Set-Cookie") or []:
                name, _, rest = header.partition("=")
                cookies[name.strip()] = rest.split(";", 1)[0]
            conn.close()
            return response.status, text

        send("GET", "/accounts/login/", None)
        status, _ = send("POST", "/accounts/login/", urlencode(
            {"username": "drafter", "password": PASSWORD, "csrfmiddlewaretoken": cookies["csrftoken"]}))
        if status != 302:
            raise SystemExit(f"login answered {status}")
        session = Session(send, seeded["report"], seeded["form"], "/healthz")
        with task_worker(env):  # as production runs: it stores the findings counts after each save
            session.run(n, warmup)
            cpu = workers_cpu_per_request(session, server.pid, n)
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=20)
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {PG_DB} WITH (FORCE)")
    from load_test import redis_note

    print(f"phase 2: {redis_note()}")
    report_table(f"phase 2: gunicorn --workers {workers} on PostgreSQL, loopback, one client, {n} requests of "
                 "each kind, interleaved; baseline /healthz", session.samples)
    print("gunicorn workers' CPU per request (user + system, /proc; each kind's requests in a row, after the "
          "timed run): " + ", ".join(f"{kind} {ms:.2f} ms" for kind, ms in cpu.items()))


def _cpu_seconds(master: int) -> float:
    """User + system CPU of the gunicorn master's children (its workers), from /proc."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == master:  # ppid
            total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / tick


def workers_cpu_per_request(session: "Session", master: int, n: int) -> dict[str, float]:
    """The server's CPU per request of each kind: the fair figure on a shared machine (wall time is not)."""
    out = {}
    for kind in KINDS:
        before = _cpu_seconds(master)
        for _ in range(n):
            session.do(kind)
        out[kind] = (_cpu_seconds(master) - before) * 1000 / n
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", "--requests", type=int, default=300, help="timed requests of each kind")
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers in phase 2")
    parser.add_argument("--no-gunicorn", action="store_true", help="phase 1 only")
    parser.add_argument("--no-client", action="store_true", help="phase 2 only")
    args = parser.parse_args()
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    if not args.no_client:
        in_process(args.requests, args.warmup)
    if not args.no_gunicorn:
        through_gunicorn(args.requests, args.warmup, args.workers)


if __name__ == "__main__":
    main()
