"""How fast the rules check reports: 10,000 generated reports, each with its own prose and last year's report.

Run: .venv/bin/python bench/bench_rules.py [--reports N] [--seed S]
No database: Django is set up only so that the rules can read the organisation kinds.

Each report has its own real-length prose (bench/prose_gen.py: sentence templates recombined with the
report's own names and numbers, 2,400–3,700 characters) and last year's report (its own prose, part of it
copied from this year's) in the rules' context. Printed against, in the same run: building the values
(what every use of a report pays anyway), and the old setup where every report had the same demo prose,
which let the text caches answer for all but the first report (issue 15: that flattered the figure);
and the live check after a keystroke (the same reports checked again with one character added), where
last year's text is cached. The goal is judged on the first check of each report, caches cold, on the whole
machine: the same reports checked by one process a core at once, as `refresh_tallies`' worker processes check
their chunks (the one path that checks reports by the thousand); one process's figure is printed beside it.
Targets: one report well under 10 ms (issue 4); 2,000 reports/s on this machine (issue 15).
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from pathlib import Path

sys.path[:0] = [str(Path(__file__).resolve().parent.parent), str(Path(__file__).resolve().parent)]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gkportal.settings")
os.environ.setdefault("DJANGO_DEBUG", "1")

import django  # noqa: E402

django.setup()

from reports.rules import Context, check  # noqa: E402
from rules_gen import build, generate  # noqa: E402

TARGET_MS = 10.0
TARGET_PER_S = 2_000


def run(reports: list) -> tuple[float, float, int, float]:
    """(seconds building the values, seconds checking, findings, CPU seconds checking) over the reports."""
    start = time.perf_counter()
    built = [(build(data), build(prev), ctx) for data, prev, ctx in reports]
    baseline = time.perf_counter() - start
    start, cpu = time.perf_counter(), time.process_time()
    findings = 0
    for values, previous, ctx in built:
        findings += len(check(values, Context(**{**ctx.__dict__, "previous": previous})))
    return baseline, time.perf_counter() - start, findings, time.process_time() - cpu


def run_typing(reports: list) -> tuple[float, float]:
    """(wall, CPU seconds) of the live check after a keystroke: each report checked once (not timed), one
    character added to one field, checked again (timed). What the text caches give a clerk who is typing:
    last year's comparison text and the unchanged fields' statements are not read again."""
    built = [(build(data), build(prev), ctx) for data, prev, ctx in reports]
    wall = cpu = 0.0
    for i, (values, previous, ctx) in enumerate(built):
        context = Context(**{**ctx.__dict__, "previous": previous})
        check(values, context)
        field = ("overview_proactive", "problems", "overview_management")[i % 3]
        values.prose[field] += "。"
        start, cpu_start = time.perf_counter(), time.process_time()
        check(values, context)
        wall += time.perf_counter() - start
        cpu += time.process_time() - cpu_start
    return wall, cpu


def _check_share(seed: int, indices: list[int], barrier, results) -> None:
    """One worker of run_machine: build its share of the reports (not timed), wait for the others, check them."""
    built = [generate(random.Random(f"{seed}-{i}")) for i in indices]
    items = [(build(data), Context(**{**ctx.__dict__, "previous": build(prev)})) for data, prev, ctx in built]
    barrier.wait()
    start = time.perf_counter()
    findings = sum(len(check(values, context)) for values, context in items)
    results.put((time.perf_counter() - start, findings))


def run_machine(n: int, seed: int) -> tuple[int, float, int]:
    """(processes, wall seconds, findings) of checking the same n reports on every core: one process a core
    (started fresh, as refresh_tallies' workers are), each checking every jobs-th report, all starting together.
    What the rules give a bulk recount on this machine; each process builds its reports itself, so nothing but
    the rules is timed."""
    import multiprocessing

    from reports.parallel import default_jobs

    jobs = default_jobs()
    if jobs < 2:
        return jobs, 0.0, 0
    context = multiprocessing.get_context("spawn")
    barrier, results = context.Barrier(jobs), context.Queue()
    workers = [context.Process(target=_check_share, args=(seed, list(range(j, n, jobs)), barrier, results))
               for j in range(jobs)]
    for w in workers:
        w.start()
    done = [results.get() for _ in workers]
    for w in workers:
        w.join()
    return jobs, max(wall for wall, _ in done), sum(f for _, f in done)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=2023)
    parser.add_argument("--profile", action="store_true", help="print where the checking time goes")
    args = parser.parse_args()
    n = args.reports
    print(f"generating {n} reports with their own prose, and {n} with the same prose (seed {args.seed}) …")
    own = [generate(random.Random(f"{args.seed}-{i}")) for i in range(n)]
    same = [generate(random.Random(f"{args.seed}-{i}"), same_prose=True) for i in range(n)]
    chars = sum(sum(len(t) for t in data["prose"].values()) for data, _, _ in own) / n
    print(f"prose per report: {chars:,.0f} characters on average (own); "
          f"{sum(len(t) for t in same[0][0]['prose'].values()):,} (same, first report)")
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")

    same_build, same_check, same_findings, same_cpu = run(same)
    own_build, own_check, own_findings, own_cpu = run(own)
    typing_check, typing_cpu = run_typing(own)
    jobs, machine_check, machine_findings = run_machine(n, args.seed)
    n_rules = len(__import__("reports.rules").rules.RULES)
    print(f"baseline  build ReportValues (this year + last year): {n / own_build:10.0f} reports/s  "
          f"{own_build / n * 1000:7.3f} ms/report")
    print(f"old setup check() {n_rules} rules, every report the same prose: {n / same_check:10.0f} reports/s  "
          f"{same_check / n * 1000:7.3f} ms/report  findings {same_findings / n:.1f}/report")
    print(f"rules     check() {n_rules} rules, each report its own prose:  {n / own_check:10.0f} reports/s  "
          f"{own_check / n * 1000:7.3f} ms/report  findings {own_findings / n:.1f}/report")
    print(f"by CPU    same prose {n / same_cpu:10.0f} reports/s;  own prose {n / own_cpu:10.0f} reports/s "
          f"(CPU time: what a shared machine distorts least)")
    print(f"typing    re-check after one keystroke, own prose:    {n / typing_check:10.0f} reports/s  "
          f"{typing_check / n * 1000:7.3f} ms/report  (CPU {n / typing_cpu:.0f}/s; last year's text cached)")
    print(f"ratio     own prose / same prose: {own_check / same_check:.2f}× slower;  "
          f"checking / building: {own_check / own_build:.1f}×")
    per_report = own_check / n * 1000
    verdict = "OK" if per_report < TARGET_MS else "TOO SLOW"
    print(f"target    < {TARGET_MS:.0f} ms per report: {verdict} ({per_report / TARGET_MS:.1%} of the budget)")
    print(f"one proc  each its own prose, first check: {n / own_check:,.0f}/s wall, {n / own_cpu:,.0f}/s CPU = "
          f"{n / own_cpu / TARGET_PER_S:.0%} of {TARGET_PER_S:,} in one process (the goal is the machine's, below)")
    if jobs > 1:
        assert machine_findings == own_findings, (machine_findings, own_findings)
        verdict = "OK" if n / machine_check >= TARGET_PER_S else "BELOW"
        print(f"target    ≥ {TARGET_PER_S:,} reports/s on this machine, each its own prose, first check: the same "
              f"reports in {jobs} processes at once (one a core, as refresh_tallies' workers): "
              f"{n / machine_check:,.0f} reports/s wall = {n / machine_check / (n / own_check):.2f}× one process: "
              f"{verdict}")
    else:
        verdict = "OK" if n / own_check >= TARGET_PER_S else "BELOW"
        print(f"target    ≥ {TARGET_PER_S:,} reports/s on this machine (one core): {verdict}")
    print(f"load average {os.getloadavg()[0]:.1f} at the end")
    if args.profile:
        profile(own[: min(n, 2000)])


def profile(reports: list) -> None:
    """The rule functions by their own time over these reports, and the top functions by cumulative time."""
    import cProfile
    import pstats

    from reports.rules import RULES

    built = [(build(data), build(prev), ctx) for data, prev, ctx in reports]
    per_rule: dict[str, float] = {}
    for values, previous, ctx in built:
        context = Context(**{**ctx.__dict__, "previous": previous})
        for fn in RULES:
            start = time.perf_counter()
            fn(values, context)
            per_rule[fn.__name__] = per_rule.get(fn.__name__, 0.0) + time.perf_counter() - start
    total = sum(per_rule.values())
    print(f"\nwhere the time goes ({len(built)} reports, each rule alone):")
    for name, seconds in sorted(per_rule.items(), key=lambda kv: -kv[1])[:12]:
        print(f"  {name:<20} {seconds / len(built) * 1000:7.3f} ms/report  {seconds / total:6.1%}")
    pr = cProfile.Profile()
    pr.enable()
    for values, previous, ctx in built:
        check(values, Context(**{**ctx.__dict__, "previous": previous}))
    pr.disable()
    pstats.Stats(pr).sort_stats("tottime").print_stats(15)


if __name__ == "__main__":
    main()
