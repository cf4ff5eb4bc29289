"""Benchmark: the county dashboard and consolidated tables for 1,000 and 10,000 organisations.

    .venv/bin/python bench/bench_county.py [--sizes 1000 10000] [--pg-url postgres://…/gk_county_bench]

Runs on SQLite (in memory) and, when it answers, on PostgreSQL (a throw-away test_* database),
each in its own process. Data is generated with bulk_create: every organisation has this year's and
last year's report with all sections and 表三 rows. Prints the time and query count of each step and,
as a baseline measured in the same run, the cost of reading and checking the reports one by one
(measured on a sample, scaled up) — the way a naive page would.
"""

from __future__ import annotations

import argparse
import datetime
import os
import random
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = 200


def setup_django(url: str) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gkportal.settings")
    os.environ.setdefault("DJANGO_DEBUG", "1")
    import django

    django.setup()


def generate(size: int, year: int, seed: int = 8):
    """A county with `size` organisations below it, each with reports for `year` and `year - 1`."""
    from reports.catalogue import get_format
    from reports.models import (ApplicationRow, ApplicationSection, Organisation, OtherMattersSection,
                                OverviewSection, ProactiveSection, ProblemsSection, Report,
                                ReviewLitigationSection)

    rng = random.Random(seed)
    fmt = get_format()
    Kind, Status = Organisation.Kind, Report.Status
    county = Organisation.objects.create(name=f"基准县{size}", short_name=f"基准县{size}", kind=Kind.COUNTY_GOV)
    orgs = Organisation.objects.bulk_create(
        Organisation(name=f"基准县{size}第{i}号机关", short_name=f"{i}号", parent=county,
                     kind=Kind.TOWNSHIP_GOV if i % 3 else Kind.COUNTY_DEPT)
        for i in range(size)
    )
    states = [Status.DRAFT, Status.SUBMITTED, Status.RETURNED, Status.APPROVED, Status.APPROVED, Status.PUBLISHED]
    reports = Report.objects.bulk_create(
        [Report(organisation=o, year=y, status=Status.PUBLISHED if y < year else rng.choice(states))
         for o in orgs for y in (year - 1, year)],
        batch_size=2000,
    )
    count = lambda: rng.choice((0, 0, 0, 1, 2, 5, rng.randint(0, 300)))  # noqa: E731
    for model in (OverviewSection, ProblemsSection, OtherMattersSection):
        model.objects.bulk_create((model(report=r) for r in reports), batch_size=2000)
    ProactiveSection.objects.bulk_create(
        (ProactiveSection(report=r, **{k: count() for k in fmt.table2.count_fields}) for r in reports),
        batch_size=2000,
    )
    ReviewLitigationSection.objects.bulk_create(
        (ReviewLitigationSection(report=r, **{fmt.table4.field(g.code, c.code): count()
                                              for g in fmt.table4.groups for c in fmt.table4.entered_columns})
         for r in reports),
        batch_size=2000,
    )
    sections = ApplicationSection.objects.bulk_create((ApplicationSection(report=r) for r in reports),
                                                      batch_size=2000)
    columns = [c.code for c in fmt.table3.entered_columns]
    ApplicationRow.objects.bulk_create(
        (ApplicationRow(section=s, row=row.code, **{c: count() for c in columns})
         for s in sections for row in fmt.table3.entered_rows),
        batch_size=2000,
    )
    return county


def timed(fn, *args):
    """(result, wall seconds, this process's CPU seconds, queries): CPU time is what a busy machine distorts least."""
    from django.db import connection, reset_queries

    reset_queries()
    start, cpu = time.perf_counter(), time.process_time()
    result = fn(*args)
    return result, time.perf_counter() - start, time.process_time() - cpu, len(connection.queries)


def naive_per_report(root, year: int, sample: int) -> float:
    """Seconds to read and check `sample` reports one by one (section by section), as a naive page would."""
    from reports.models import Report
    from reports.rules import Context, check

    start = time.perf_counter()
    for report in Report.objects.filter(organisation__parent=root, year=year).select_related("organisation")[:sample]:
        check(report.values(), Context(org_kind=report.organisation.kind, org_name=report.organisation.name,
                                       year=year))
    return time.perf_counter() - start


def page(client, url: str):
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response


def run_backend(url: str, sizes: list[int]) -> None:
    setup_django(url)
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment

    from reports.county import consolidation, county_trend, dashboard_rows
    from reports.models import Membership

    setup_test_environment()
    settings.DEBUG = True  # count the queries
    settings.ALLOWED_HOSTS = ["testserver"]
    settings.SECURE_SSL_REDIRECT = False
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.STORAGES = settings.STORAGES | {
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
    vendor = connection.vendor
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        year, today = 2023, datetime.date(2024, 2, 3)
        print(f"\n== {vendor} (load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs) ==")
        print(f"{'organisations':>13} {'step':<28} {'wall s':>8} {'cpu s':>8} {'queries':>8}")
        for size in sizes:
            start = time.perf_counter()
            root = generate(size, year)
            print(f"{size:>13} {'generate (bulk_create)':<28} {time.perf_counter() - start:8.2f}")
            user = get_user_model().objects.create_user(f"officer{size}", password="bench-password-1")
            Membership.objects.create(user=user, organisation=root, role=Membership.Role.SUPERVISOR)
            client = Client()
            client.force_login(user)
            steps = [
                ("dashboard_rows()", dashboard_rows, (root, year, today)),
                ("consolidation()", consolidation, (root, year)),
                ("county_trend()", county_trend, (root,)),
                ("GET dashboard page", page, (client, f"/county/{root.pk}/{year}/")),
                ("GET consolidated tables", page, (client, f"/county/{root.pk}/{year}/tables/")),
                ("GET tables .xlsx", page, (client, f"/county/{root.pk}/{year}/tables.xlsx")),
            ]
            dashboard = None
            for name, fn, args in steps:
                _, wall, cpu, queries = timed(fn, *args)
                dashboard = dashboard or (wall, cpu)
                print(f"{size:>13} {name:<28} {wall:8.2f} {cpu:8.2f} {queries:>8}")
            _, wall, cpu, queries = timed(naive_per_report, root, year, SAMPLE)
            scale = size / SAMPLE
            print(f"{size:>13} {'baseline: one by one (est.)':<28} {wall * scale:8.2f} {cpu * scale:8.2f} "
                  f"{int(queries * scale):>8}  (measured on {SAMPLE} reports, scaled; dashboard_rows() is "
                  f"{wall * scale / dashboard[0]:.1f}× faster by the clock, {cpu * scale / dashboard[1]:.1f}× by CPU)")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def postgres_answers(url: str) -> bool:
    import psycopg

    try:
        psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", connect_timeout=3).close()
    except Exception:
        return False
    return True


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--pg-url", default=os.environ.get("BENCH_PG_URL",
                                                           "postgres://postgres@127.0.0.1:5432/gk_county_bench"))
    parser.add_argument("--backend", help=argparse.SUPPRESS)  # the child process: one database URL
    args = parser.parse_args()
    if args.backend:
        run_backend(args.backend, args.sizes)
        return
    sizes = [str(s) for s in args.sizes]
    backends = [f"sqlite:///{ROOT / 'bench-county.sqlite3'}"]
    if postgres_answers(args.pg_url):
        backends.append(args.pg_url)
    else:
        print(f"PostgreSQL does not answer at {args.pg_url}: SQLite only.")
    for url in backends:
        subprocess.run([sys.executable, __file__, "--backend", url, "--sizes", *sizes], check=True)


if __name__ == "__main__":
    main()
