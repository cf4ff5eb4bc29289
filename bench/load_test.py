"""Load test: N concurrent clerks doing the clerk's loop against gunicorn on PostgreSQL.

    .venv/bin/python bench/load_test.py [--clients 8] [--loops 25] [--workers 3]

Each client logs in as its own township's drafter and repeats: open the 表三 editor, check the form
(the live check while typing), save it (autosave). Before and after, the same clients hit /healthz
(a trivial view: one SELECT 1) for a baseline measured in the same run. All traffic goes to
127.0.0.1; every loop is bounded in count and the whole run in time. Needs PostgreSQL on
127.0.0.1:5432 (user postgres); it creates and drops its own database gk_load.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import os
import re
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG_ADMIN = "host=127.0.0.1 port=5432 user=postgres dbname=postgres"
DB_NAME = "gk_capacity_load"
PASSWORD = "Load-test-2026"
TIME_CAP = 240.0  # seconds for the whole run, whatever the arguments


def env_for_server() -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=f"postgres://postgres@127.0.0.1:5432/{DB_NAME}",
        DJANGO_SETTINGS_MODULE="gkportal.settings",
        DJANGO_SECRET_KEY="load-test-only-secret-key-not-for-production-0123456789-abcdefghij",
        DJANGO_DEBUG="0",
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DJANGO_STATIC_MANIFEST="0",
        DJANGO_SECURE_SSL_REDIRECT="0",
        DJANGO_SECURE_COOKIES="0",
        DJANGO_SECURE_HSTS_SECONDS="0",
        DJANGO_LOG_LEVEL="WARNING",
        # WhiteNoise's note that collectstatic has not run: the load test serves no static files.
        PYTHONWARNINGS="ignore:No directory at",
    )
    return env


def pg_answers() -> bool:
    try:
        import psycopg

        psycopg.connect(PG_ADMIN, connect_timeout=3).close()
        return True
    except Exception:
        return False


def recreate_database() -> None:
    import psycopg

    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {DB_NAME}")


def drop_database() -> None:
    import psycopg

    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")


def prepare(clients: int) -> list[tuple[str, int]]:
    """Migrate, then one township, drafter and filled 2023 report per client: [(username, report id)]."""
    env = env_for_server()
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    script = f"""
import json
from django.contrib.auth import get_user_model
from reports.models import Membership, Organisation
from reports.services import create_report, save_values
from reports.demo.prose import PROSE
from tests.conftest import complete_values
county = Organisation.objects.create(name="压测县人民政府", kind="county_gov")
out = []
for i in range({clients}):
    org = Organisation.objects.create(name=f"压测第{{i}}乡人民政府", short_name=f"压测{{i}}", kind="township_gov", parent=county)
    user = get_user_model().objects.create_user(f"clerk{{i}}", password={PASSWORD!r})
    Membership.objects.create(user=user, organisation=org, role="drafter")
    report = create_report(org, 2023)
    save_values(report, complete_values())
    out.append([user.username, report.pk])
print(json.dumps(out))
"""
    result = subprocess.run([sys.executable, "manage.py", "shell", "-c", script], cwd=ROOT, env=env, check=True,
                            capture_output=True, text=True)
    import json

    return [tuple(x) for x in json.loads(result.stdout.strip().splitlines()[-1])]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Clerk:
    """One person's browser: cookies, CSRF token, and timings by kind of request."""

    def __init__(self, base: str, username: str, report_id: int) -> None:
        self.base, self.username, self.report_id = base, username, report_id
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        self.times: dict[str, list[float]] = {}
        self.errors = 0

    def _csrf(self) -> str:
        return next(c.value for c in self.jar if c.name == "csrftoken")

    def request(self, kind: str, path: str, data: dict | None = None) -> str:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        req = urllib.request.Request(self.base + path, data=body)
        if data is not None:
            req.add_header("X-CSRFToken", self._csrf())
            req.add_header("Referer", self.base + path)
        start = time.perf_counter()
        try:
            with self.opener.open(req, timeout=30) as response:
                text = response.read().decode()
        except urllib.error.HTTPError as exc:
            self.errors += 1
            text = exc.read().decode(errors="replace")
        self.times.setdefault(kind, []).append(time.perf_counter() - start)
        return text

    def login(self) -> None:
        self.request("login", "/accounts/login/")
        self.request("login", "/accounts/login/", {"username": self.username, "password": PASSWORD,
                                                  "csrfmiddlewaretoken": self._csrf()})

    def healthz(self, n: int, deadline: float) -> None:
        for _ in range(n):
            if time.monotonic() > deadline:
                return
            self.request("healthz", "/healthz")

    def clerks_loop(self, n: int, deadline: float, cells: list[str]) -> None:
        for i in range(n):
            if time.monotonic() > deadline:
                return
            page = self.request("open", f"/reports/{self.report_id}/edit/applications/")
            revision = re.search(r'name="revision" id="revision" value="(\d+)"', page).group(1)
            form = {key: "0" for key in cells}
            form.update({"table3.new.natural": str(4 + i % 3), "table3.granted.natural": str(2 + i % 3)})
            self.request("check", f"/reports/{self.report_id}/edit/applications/check/", form)
            self.request("save", f"/reports/{self.report_id}/edit/applications/save/", form | {"revision": revision})


def run_all(clerks: list[Clerk], target, *args) -> float:
    threads = [threading.Thread(target=getattr(c, target), args=args) for c in clerks]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return time.perf_counter() - start


def summary(clerks: list[Clerk], kind: str) -> tuple[int, float, float]:
    samples = sorted(t for c in clerks for t in c.times.get(kind, []))
    if not samples:
        return 0, float("nan"), float("nan")
    p95 = samples[min(len(samples) - 1, int(0.95 * len(samples)))]
    return len(samples), statistics.median(samples) * 1000, p95 * 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--loops", type=int, default=25)
    parser.add_argument("--workers", type=int, default=3)
    args = parser.parse_args()
    if not pg_answers():
        print("PostgreSQL does not answer on 127.0.0.1:5432: the load test needs it; skipped.")
        return 0
    recreate_database()
    server = None
    try:
        users = prepare(args.clients)
        port = free_port()
        server = subprocess.Popen(
            [str(ROOT / ".venv/bin/gunicorn"), "gkportal.wsgi", "--workers", str(args.workers),
             "--bind", f"127.0.0.1:{port}", "--log-level", "warning"],
            cwd=ROOT, env=env_for_server(),
        )
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/healthz", timeout=2).read()
                break
            except Exception:
                time.sleep(0.1)
        from_catalogue = subprocess.run(
            [sys.executable, "-c", "from reports.catalogue import get_format as g; t=g().table3; "
             "print(' '.join(f'table3.{r.code}.{c.code}' for r in t.entered_rows for c in t.entered_columns))"],
            cwd=ROOT, capture_output=True, text=True, check=True)
        cells = from_catalogue.stdout.split()
        deadline = time.monotonic() + TIME_CAP
        clerks = [Clerk(base, u, r) for u, r in users]
        run_all(clerks, "login")
        per_client = args.loops * 3
        base_time = run_all(clerks, "healthz", per_client, deadline)
        loop_time = run_all(clerks, "clerks_loop", args.loops, deadline, cells)
        errors = sum(c.errors for c in clerks)

        print(f"load test: {args.clients} concurrent clients, gunicorn --workers {args.workers}, "
              f"PostgreSQL, {os.cpu_count()} cores")
        n_base, base_p50, base_p95 = summary(clerks, "healthz")
        print(f"  baseline /healthz          {n_base:5d} requests  {n_base / base_time:7.1f} req/s  "
              f"p50 {base_p50:7.1f} ms  p95 {base_p95:7.1f} ms")
        loops = summary(clerks, "save")[0]
        print(f"  clerk's loop (open, check, save): {loops} loops in {loop_time:.1f} s = {loops / loop_time:.1f} loops/s, "
              f"{3 * loops / loop_time:.1f} req/s")
        for kind, label in (("open", "open the 表三 editor"), ("check", "check (live)"), ("save", "save (autosave)")):
            n, p50, p95 = summary(clerks, kind)
            print(f"  {label:<26} {n:5d} requests  p50 {p50:7.1f} ms ({p50 / base_p50:5.1f}× baseline)  "
                  f"p95 {p95:7.1f} ms ({p95 / base_p95:5.1f}× baseline)")
        print(f"  errors (HTTP status >= 400): {errors}")
        return 1 if errors else 0
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=20)
        drop_database()


if __name__ == "__main__":
    sys.exit(main())
