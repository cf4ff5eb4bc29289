"""Load test: how many clerks one gunicorn on PostgreSQL carries, at a clerk's pace.

    .venv/bin/python bench/load_test.py [--steps 2 5 10 20 40 80] [--step-seconds 30] [--workers 3]

Each clerk logs in as its own township's drafter and works at a realistic pace, with think time: opens the
表三 editor every 60 s, the live check every 2 s while typing, an autosave every 10 s (each ±20 %, first
moves spread over the first seconds). The number of clerks is ramped in steps; in every step a prober asks
/healthz (a trivial view: one SELECT 1) every 0.25 s in the same phase, as the baseline. Prints per step
p50/p95 of open, check, save and /healthz, and the largest number of clerks with p95 under 100 ms and under
200 ms for all three. The ramp stops once a p95 passes 200 ms. All traffic goes to 127.0.0.1; the run is
capped in time (default steps: at most about 4 minutes with the set-up). Needs PostgreSQL on 127.0.0.1:5432 (user
postgres); it creates and drops its own database gk_capacity_load.

Clerks' and prober's HTTP clients run on the same machine as the server: their CPU is part of the load.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import os
import random
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
TIME_CAP = 270.0  # seconds for the ramp, whatever the arguments
PACE = {"open": 60.0, "check": 2.0, "save": 10.0}  # seconds between a clerk's requests of each kind
KINDS = ("open", "check", "save")


def env_for_server(db_name: str = DB_NAME) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=f"postgres://postgres@127.0.0.1:5432/{db_name}",
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


def wait_for(base: str) -> None:
    """Until the server answers /healthz (at most 15 s)."""
    for _ in range(150):
        try:
            urllib.request.urlopen(base + "/healthz", timeout=2).read()
            return
        except Exception:
            time.sleep(0.1)


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
        self.samples: list[tuple[str, float, float]] = []  # (kind, when it ended, seconds)
        self.errors = 0

    def _csrf(self) -> str:
        return next(c.value for c in self.jar if c.name == "csrftoken")

    def login(self) -> None:
        self.request("login", "/accounts/login/")
        self.request("login", "/accounts/login/", {"username": self.username, "password": PASSWORD,
                                                  "csrfmiddlewaretoken": self._csrf()})

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
        except OSError:
            self.errors += 1
            text = ""
        end = time.perf_counter()
        self.samples.append((kind, end, end - start))
        return text

    def work(self, stop: threading.Event, cells: list[str], rng: random.Random) -> None:
        """Open, type (a check every 2 s), autosave every 10 s, open again every 60 s, until `stop`."""
        now = time.monotonic()
        due = {"open": now + rng.uniform(0, 5)}
        due["check"], due["save"] = due["open"] + rng.uniform(0.5, 2), due["open"] + rng.uniform(2, 10)
        revision, i = None, 0
        while not stop.is_set():
            kind = min(due, key=due.get)
            if stop.wait(max(0.0, due[kind] - time.monotonic())):
                return
            i += 1
            form = {key: "0" for key in cells}
            form.update({"table3.new.natural": str(4 + i % 3), "table3.granted.natural": str(2 + i % 3)})
            if kind == "open" or revision is None:
                page = self.request("open", f"/reports/{self.report_id}/edit/applications/")
                found = re.search(r'name="revision" id="revision" value="(\d+)"', page)
                revision = found.group(1) if found else None
                kind = "open"
            elif kind == "check":
                self.request("check", f"/reports/{self.report_id}/edit/applications/check/", form)
            else:
                answer = self.request("save", f"/reports/{self.report_id}/edit/applications/save/",
                                      form | {"revision": revision})
                found = re.search(r'"revision": ?(\d+)', answer)
                revision = found.group(1) if found else None
            due[kind] = time.monotonic() + PACE[kind] * rng.uniform(0.8, 1.2)


    # The back-to-back loop without think time, which bench_hostile_import.py runs beside hostile uploads.
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
    return percentiles([t for c in clerks for k, _, t in c.samples if k == kind])


class Prober(Clerk):
    """/healthz every `every` seconds, in the same phase as the clerks: the baseline."""

    def work(self, stop: threading.Event, every: float = 0.25) -> None:  # type: ignore[override]
        while not stop.wait(every):
            self.request("healthz", "/healthz")


def percentiles(samples: list[float]) -> tuple[int, float, float]:
    """(count, p50 ms, p95 ms)."""
    if not samples:
        return 0, float("nan"), float("nan")
    s = sorted(samples)
    return len(s), statistics.median(s) * 1000, s[min(len(s) - 1, int(0.95 * len(s)))] * 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, nargs="+", default=[2, 5, 10, 20, 40, 80],
                        help="clerks at each step of the ramp (default 2 5 10 20 40 80)")
    parser.add_argument("--step-seconds", type=float, default=30.0)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--seed", type=int, default=15)
    args = parser.parse_args()
    if not pg_answers():
        print("PostgreSQL does not answer on 127.0.0.1:5432: the load test needs it; skipped.")
        return 0
    recreate_database()
    server = None
    stop = threading.Event()
    threads: list[threading.Thread] = []
    try:
        users = prepare(max(args.steps))
        port = free_port()
        server = subprocess.Popen(
            [str(ROOT / ".venv/bin/gunicorn"), "gkportal.wsgi", "--workers", str(args.workers),
             "--bind", f"127.0.0.1:{port}", "--log-level", "warning"],
            cwd=ROOT, env=env_for_server(),
        )
        base = f"http://127.0.0.1:{port}"
        for _ in range(150):
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
        clerks = [Clerk(base, u, r) for u, r in users]
        for clerk in clerks:  # logins are not part of the pace
            clerk.login()
        # Warm every worker (templates compiled, connections open) before anything is counted.
        run_all(clerks[: 2 * args.workers], "clerks_loop", 2, time.monotonic() + 60, cells)
        for clerk in clerks:
            clerk.samples.clear()
            clerk.errors = 0
        prober = Prober(base, "", 0)
        rng = random.Random(args.seed)

        def start(target, *a) -> None:
            t = threading.Thread(target=target, args=(stop, *a), daemon=True)
            t.start()
            threads.append(t)

        print(f"load test: clerks at a clerk's pace (open every {PACE['open']:.0f} s, check every "
              f"{PACE['check']:.0f} s, save every {PACE['save']:.0f} s), gunicorn --workers {args.workers}, "
              f"PostgreSQL, {os.cpu_count()} cores; {args.step_seconds:.0f} s per step")
        print(f"{'clerks':>6} {'req/s':>6} {'load':>5}  " + "  ".join(f"{k + ' p50/p95 ms':>19}" for k in
                                                                   (*KINDS, "healthz")) + "  errors")
        start(prober.work)
        running, ramp_end = 0, time.monotonic() + TIME_CAP
        best = {100: 0, 200: 0}
        for n in args.steps:
            if time.monotonic() + args.step_seconds > ramp_end:
                print(f"(time cap: the ramp stops before {n} clerks)")
                break
            for clerk in clerks[running:n]:
                start(clerk.work, cells, random.Random(rng.random()))
            running = n
            begin = time.perf_counter()
            errors_before = sum(c.errors for c in clerks)
            time.sleep(args.step_seconds)
            end = time.perf_counter()
            window = [x for c in (*clerks[:n], prober) for x in c.samples if begin <= x[1] <= end]
            stats = {k: percentiles([t for kind, _, t in window if kind == k]) for k in (*KINDS, "healthz")}
            errors = sum(c.errors for c in clerks) - errors_before
            rate = sum(1 for kind, _, _ in window if kind != "healthz") / (end - begin)
            print(f"{n:>6} {rate:6.1f} {os.getloadavg()[0]:5.1f}  " + "  ".join(
                f"{stats[k][1]:8.1f} / {stats[k][2]:8.1f}" for k in (*KINDS, "healthz")) + f"  {errors}")
            worst = max(stats[k][2] for k in KINDS)
            for limit in best:
                if worst < limit and not errors:
                    best[limit] = n
            if worst >= 200:
                break
        for limit, n in best.items():
            print(f"largest number of clerks with p95 < {limit} ms for open, check and save: "
                  f"{n if n else f'fewer than {args.steps[0]}'}")
        errors = sum(c.errors for c in clerks) + prober.errors
        print(f"errors (HTTP status >= 400 or no answer): {errors}")
        return 1 if errors else 0
    finally:
        stop.set()
        for t in threads:
            t.join(timeout=35)
        if server is not None:
            server.terminate()
            server.wait(timeout=20)
        drop_database()


if __name__ == "__main__":
    sys.exit(main())
