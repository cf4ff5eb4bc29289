"""Benchmark: the county dashboard, consolidated tables and .xlsx for 1,000 to 20,000 organisations.

    .venv/bin/python bench/bench_county.py [--sizes 1000 10000 20000] [--stale 2000] [--sqlite]
                                           [--pg-url postgres://…/gk_county_bench] [--keep] [--repeat 5]

Runs on PostgreSQL (a throw-away test_* database; SQLite with --sqlite, or when PostgreSQL does not
answer), in its own process. Data is generated with bulk_create: every organisation has this year's and
last year's report with all sections, 表三 rows and its own real-length prose (bench/prose_gen.py).
Each report's finding counts (reports.tallies) are stored when it changes; here `--stale` reports
(default 2,000, or all if fewer) have theirs stale, as after many edits or a change of the rules, and the
rest are stored as current at generation (their counts copied from counted ones: the page's cost does not
depend on the numbers). Prints, with time, cost per organisation and query count:
  the dashboard's first view (which counts and stores the stale tallies; the time to count every report
  is scaled from it), its second view, the consolidated tables page's first view (which stores each counted
  report's row, reports.county_sums: as after a deploy), its second view and the .xlsx, and the same two
  summed live from the tables as before county_sums (its fallback path), measured in the same run;
and, as the baseline measured in the same run on a sample and scaled, the old path: each report read one
by one with last year's, the rules run per request, the tables summed in Python.
Goal (issue 15): dashboard, tables and .xlsx each under 1 s at 20,000 organisations on PostgreSQL.
"""

from __future__ import annotations

import argparse
import datetime
import os
import random
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
SAMPLE = 200
GOAL_S = 1.0


def setup_django(url: str) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gkportal.settings")
    os.environ.setdefault("DJANGO_DEBUG", "1")
    import django

    django.setup()


def generate(size: int, year: int, seed: int = 8, prose: bool = True):
    """A county with `size` organisations below it, each with reports for `year` and `year - 1`, each
    report its own real-length prose (last year's partly copied into this year's) unless `prose` is False."""
    import prose_gen
    from reports.catalogue import get_format
    from reports.models import (ApplicationRow, ApplicationSection, Organisation, OtherMattersSection,
                                OverviewSection, ProactiveCell, ProactiveSection, ProblemsSection, Report,
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
    texts: dict[tuple[int, int], dict[str, str]] = {}
    for o in orgs:
        if prose:
            this = prose_gen.prose(rng, o.name, o.short_name, year)
            texts[o.pk, year], texts[o.pk, year - 1] = this, prose_gen.last_year(rng, this, o.name, o.short_name, year)
        else:
            texts[o.pk, year] = texts[o.pk, year - 1] = dict.fromkeys(PROSE_PARTS, "")
    reports = Report.objects.bulk_create(
        [Report(organisation=o, year=y, status=Status.PUBLISHED if y < year else rng.choice(states),
                preface=texts[o.pk, y]["preface"])
         for o in orgs for y in (year - 1, year)],
        batch_size=2000,
    )
    count = lambda: rng.choice((0, 0, 0, 1, 2, 5, rng.randint(0, 300)))  # noqa: E731
    text = {r.pk: texts[r.organisation_id, r.year] for r in reports}
    OverviewSection.objects.bulk_create(
        (OverviewSection(report=r, **{k.removeprefix("overview_"): v for k, v in text[r.pk].items()
                                      if k.startswith("overview_")}) for r in reports), batch_size=2000)
    ProblemsSection.objects.bulk_create((ProblemsSection(report=r, text=text[r.pk]["problems"]) for r in reports),
                                        batch_size=2000)
    OtherMattersSection.objects.bulk_create(
        (OtherMattersSection(report=r, text=text[r.pk]["other_matters"]) for r in reports), batch_size=2000)
    proactive = ProactiveSection.objects.bulk_create((ProactiveSection(report=r) for r in reports), batch_size=2000)
    ProactiveCell.objects.bulk_create(
        (ProactiveCell(section=s, key=c.field, **({"amount": Decimal(rng.randint(0, 9999)) / 10, "places": 1}
                                                  if c.kind == "amount" else {"number": count()}))
         for s in proactive for c in fmt.table2.cells),
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


PROSE_PARTS = ("preface", "overview_proactive", "overview_on_request", "overview_management", "overview_platform",
               "overview_oversight", "problems", "other_matters")


def stale_and_current(root, year: int, stale: int) -> int:
    """Leave `stale` of this year's reports with stale tallies; count a few and store their counts as current
    for the rest (the page's cost does not depend on the numbers). Returns how many are stale."""
    from reports import tallies
    from reports.models import Report

    reports = Report.objects.filter(organisation__parent=root, year=year).order_by("pk")
    Report.objects.filter(pk__in=reports).update(tally_stamp="")
    ids = list(reports.values_list("pk", flat=True))
    rest = ids[stale:]
    if rest:
        counted = list(Report.objects.filter(pk__in=rest[:50]))
        tallies.refresh(counted)
        for i, r in enumerate(counted):
            Report.objects.filter(pk__in=rest[50 + i::len(counted)]).update(
                tally_errors=r.tally_errors, tally_warnings=r.tally_warnings, tally_open=r.tally_open,
                tally_stamp=r.tally_stamp)
    return min(stale, len(ids))


def timed(fn, *args):
    """(result, wall seconds, this process's CPU seconds, queries): CPU time is what a busy machine distorts least.

    Queries are counted by an execute wrapper, not DEBUG's query log: the log renders every query's parameters
    into its text, which a production server (DEBUG off) never pays for."""
    from django.db import connection

    queries = []

    def counted(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    start, cpu = time.perf_counter(), time.process_time()
    with connection.execute_wrapper(counted):
        result = fn(*args)
    return result, time.perf_counter() - start, time.process_time() - cpu, len(queries)


def old_path(root, year: int, sample: int) -> None:
    """The old path on `sample` reports: each read one by one with last year's, the rules run per request,
    the counted ones summed in Python (consolidate)."""
    from reports.county import COUNTED_STATES, consolidate
    from reports.findings import context_for
    from reports.models import Report
    from reports.rules import check

    counted = []
    for report in Report.objects.filter(organisation__parent=root, year=year).select_related("organisation")[:sample]:
        values = report.values()
        previous = Report.objects.filter(organisation=report.organisation, year=year - 1).first()
        check(values, context_for(report.organisation, year, previous, previous.values() if previous else None))
        if report.status in COUNTED_STATES:
            counted.append(values)
    consolidate(counted)


def page(client, url: str):
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response


def live(client, url: str):
    """The page with the counted reports summed from their tables, as before reports.county_sums (its fallback)."""
    from reports import county_sums

    stored_sums = county_sums.stored_sums
    county_sums.stored_sums = lambda ids, version: None
    try:
        return page(client, url)
    finally:
        county_sums.stored_sums = stored_sums


def live_trend(root):
    """The trend summed from the tables over the reports' join, as before reports.county_sums."""
    from reports.county import _trend_of, reports_below

    return _trend_of(reports_below(root))


def run_backend(url: str, sizes: list[int], stale: int, keep: bool = False, repeat: int = 1) -> None:
    setup_django(url)
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment

    from reports.county import county_trend, dashboard_rows
    from reports.models import Membership, Organisation, ReportSums

    setup_test_environment()
    settings.DEBUG = False  # as in production (queries are counted by `timed`)
    settings.ALLOWED_HOSTS = ["testserver"]
    settings.SECURE_SSL_REDIRECT = False
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.STORAGES = settings.STORAGES | {
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
    vendor = connection.vendor
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False, keepdb=keep)
    try:
        year, today = 2023, datetime.date(2024, 2, 3)
        print(f"\n== {vendor} (load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs) ==")
        print(f"{'organisations':>13} {'step':<34} {'wall s':>8} {'cpu s':>8} {'ms/org':>7} {'queries':>8}")
        for size in sizes:
            start = time.perf_counter()
            root = Organisation.objects.filter(name=f"基准县{size}").first() if keep else None
            root = root or generate(size, year)
            n_stale = stale_and_current(root, year, stale)
            if vendor == "postgresql":
                with connection.cursor() as cursor:  # as autovacuum would after a bulk load: fresh planner statistics
                    cursor.execute("ANALYZE")
            load = os.getloadavg()[0]
            print(f"{size:>13} {'generate (bulk_create, prose)':<34} {time.perf_counter() - start:8.2f}"
                  f"   ({n_stale} stale tallies; load average {load:.1f})")
            user = (get_user_model().objects.filter(username=f"officer{size}").first()
                    or get_user_model().objects.create_user(f"officer{size}", password="bench-password-1"))
            Membership.objects.get_or_create(user=user, organisation=root, role=Membership.Role.SUPERVISOR)
            client = Client()
            client.force_login(user)
            dashboard = f"/county/{root.pk}/{year}/"
            tables, xlsx = f"/county/{root.pk}/{year}/tables/", f"/county/{root.pk}/{year}/tables.xlsx"
            # As after a deploy: no counted report's row stored yet (reports.county_sums), the first view stores them.
            n_rows = ReportSums.objects.filter(report__organisation__parent=root).count()
            ReportSums.objects.filter(report__organisation__parent=root).delete()  # both years
            steps = [
                (f"dashboard, first view ({n_stale} stale)", page, (client, dashboard)),
                ("dashboard, second view", page, (client, dashboard)),
                ("tables page, first view (rows stored)", page, (client, tables)),
                ("consolidated tables page", page, (client, tables)),
                ("consolidated tables .xlsx", page, (client, xlsx)),
                ("  before: tables page, summed live", live, (client, tables)),
                ("  before: tables .xlsx, summed live", live, (client, xlsx)),
                ("dashboard_rows() alone", dashboard_rows, (root, year, today)),
                ("county_trend(), first (rows stored)", county_trend, (root,)),
                ("county_trend() alone", county_trend, (root,)),
                ("  before: county_trend(), live", live_trend, (root,)),
                ("trends page", page, (client, f"/county/{root.pk}/trends/")),
            ]
            # The first views once; the others `repeat` times, alternating (stored rows, then summed live, then
            # again), each figure the median of its runs: on a shared machine one run says little.
            runs: dict[str, list[tuple[float, float, int]]] = {}
            for round_ in range(repeat):
                for name, fn, args in steps:
                    if round_ == 0 or "first" not in name:
                        runs.setdefault(name, []).append(timed(fn, *args)[1:])
            measured = {}
            for name, fn, args in steps:
                wall, cpu, queries = sorted(runs[name])[len(runs[name]) // 2]
                measured[name] = wall
                verdict = ("" if "first" in name or "alone" in name or "before" in name else "  OK" if wall < GOAL_S
                           else "  > 1 s by the clock (this process's CPU < 1 s; the rest is the database)"
                           if cpu < GOAL_S else "  > 1 s")
                print(f"{size:>13} {name:<34} {wall:8.2f} {cpu:8.2f} {wall / size * 1000:7.3f} {queries:>8}{verdict}")
            print(f"{size:>13} {'  (rows stored before this run)':<34} {n_rows:>8}")
            first, second = measured[steps[0][0]], measured["dashboard, second view"]
            if n_stale:
                per_stale = (first - second) / n_stale
                print(f"{size:>13} {'  counting tallies (est., all stale)':<34} {per_stale * size + second:8.2f} "
                      f"{'':>8} {per_stale * 1000:7.3f}   (first view minus second, per stale report, scaled)")
            sample = min(SAMPLE, size)
            _, wall, cpu, queries = timed(old_path, root, year, sample)
            scale = size / sample
            old = wall * scale
            print(f"{size:>13} {'baseline: old path (est.)':<34} {old:8.2f} {cpu * scale:8.2f} "
                  f"{wall / sample * 1000:7.3f} {int(queries * scale):>8}  (rules per request, Python sums; "
                  f"{sample} reports, scaled)")
            print(f"{size:>13} {'  ratio old path / second view':<34} {old / second:8.1f}×"
                  f"   / tables page {old / measured['consolidated tables page']:.1f}×")
            print(f"{size:>13} {'  ratio summed live / stored rows':<34} "
                  f"{measured['  before: tables page, summed live'] / measured['consolidated tables page']:8.1f}×"
                  f"   / .xlsx {measured['  before: tables .xlsx, summed live'] / measured['consolidated tables .xlsx']:.1f}×")
    finally:
        if not keep:
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
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000],
                        help="organisations (default 1000; 10000 and 20000 take many minutes on 2 cores)")
    parser.add_argument("--stale", type=int, default=2000, help="reports whose tallies are stale at the first view")
    parser.add_argument("--sqlite", action="store_true", help="also on SQLite")
    parser.add_argument("--pg-url", default=os.environ.get("BENCH_PG_URL",
                                                           "postgres://postgres@127.0.0.1:5432/gk_county_bench"))
    parser.add_argument("--keep", action="store_true",
                        help="keep the test database and reuse the counties already in it (generation is slow)")
    parser.add_argument("--repeat", type=int, default=1,
                        help="run each page but the first views this many times, alternating; print the medians")
    parser.add_argument("--backend", help=argparse.SUPPRESS)  # the child process: one database URL
    args = parser.parse_args()
    if args.backend:
        run_backend(args.backend, args.sizes, args.stale, args.keep, args.repeat)
        return
    sizes = [str(s) for s in args.sizes]
    backends = []
    if postgres_answers(args.pg_url):
        backends.append(args.pg_url)
    else:
        print(f"PostgreSQL does not answer at {args.pg_url}: SQLite only.")
    if args.sqlite or not backends:
        backends.insert(0, f"sqlite:///{ROOT / 'bench-county.sqlite3'}")
    for url in backends:
        subprocess.run([sys.executable, __file__, "--backend", url, "--sizes", *sizes, "--stale", str(args.stale),
                        "--repeat", str(args.repeat), *(["--keep"] if args.keep else [])],
                       check=True)


if __name__ == "__main__":
    main()
