"""Benchmark: `refresh_tallies` after a rules release, in one process and on every core.

    .venv/bin/python bench/bench_refresh.py [--size 2000] [--repeat 2] [--pg-url postgres://…/gk_refresh_bench]

On PostgreSQL (a throw-away test_* database; SQLite when PostgreSQL does not answer), a county of `--size`
organisations, each with this year's and last year's report, every report its own real-length prose
(bench_county.generate). Every count is made stale, as a rules release does, and `manage.py refresh_tallies`
counts them all: with `--jobs 1` (the baseline, the command as it was) and with one worker process a core
(reports.parallel), alternately, `--repeat` times each. Prints reports/s of each (reading the reports, the
rules, storing the counts) and the ratio, and checks that both stored the same counts.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from io import StringIO
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_county  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=2000, help="organisations (two reports each)")
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--pg-url", default=os.environ.get("BENCH_PG_URL",
                                                           "postgres://postgres@127.0.0.1:5432/gk_refresh_bench"))
    args = parser.parse_args()
    url = args.pg_url if bench_county.postgres_answers(args.pg_url) else \
        f"sqlite:///{bench_county.ROOT / 'bench-refresh.sqlite3'}"
    bench_county.setup_django(url)
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import setup_test_environment

    from reports.models import Report
    from reports.parallel import default_jobs

    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        start = time.perf_counter()
        bench_county.generate(args.size, 2023)
        n = Report.objects.count()
        print(f"{connection.vendor}: {args.size} organisations, {n} reports with their own prose, generated in "
              f"{time.perf_counter() - start:.0f} s; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
        jobs = default_jobs()
        times: dict[int, list[float]] = {1: [], jobs: []}
        counts: dict[int, list] = {}
        for _ in range(args.repeat):
            for j in (1, jobs) if jobs > 1 else (1,):
                Report.objects.update(tally_stamp="an-older-release")
                start = time.perf_counter()
                call_command("refresh_tallies", jobs=j, stdout=StringIO())
                times[j].append(time.perf_counter() - start)
                counts[j] = list(Report.objects.order_by("pk").values_list("tally_errors", "tally_warnings",
                                                                             "tally_open"))
        assert all(c == counts[1] for c in counts.values()), "the counts differ between one process and several"
        base = statistics.median(times[1])
        print(f"baseline  refresh_tallies --jobs 1: {n / base:8,.0f} reports/s  ({base:.1f} s; runs "
              f"{', '.join(f'{t:.1f}' for t in times[1])} s)")
        if jobs > 1:
            par = statistics.median(times[jobs])
            print(f"cores     refresh_tallies --jobs {jobs}: {n / par:8,.0f} reports/s  ({par:.1f} s; runs "
                  f"{', '.join(f'{t:.1f}' for t in times[jobs])} s) = {base / par:.2f}× the baseline; same counts")
        print(f"load average {os.getloadavg()[0]:.1f} at the end")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
