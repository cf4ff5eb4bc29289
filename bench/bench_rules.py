"""How fast the rules check reports: 10,000 generated reports, against building their values alone.

Run: .venv/bin/python bench/bench_rules.py [--reports N] [--seed S]
No database: Django is set up only so that the rules can read the organisation kinds.
Target (issue 4): one report well under 10 ms.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gkportal.settings")
os.environ.setdefault("DJANGO_DEBUG", "1")

import django  # noqa: E402

django.setup()

from reports.phrasing import on_request_sentence, review_litigation_sentence  # noqa: E402
from reports.catalogue import get_format  # noqa: E402
from reports.demo.prose import PROSE  # noqa: E402
from reports.models import Organisation  # noqa: E402
from reports.rules import Context, check  # noqa: E402
from reports.values import ReportValues  # noqa: E402

FMT = get_format()
TARGET_MS = 10.0


def split(rng: random.Random, total: int, parts: int) -> list[int]:
    cuts = sorted(rng.randint(0, total) for _ in range(parts - 1))
    bounds = [0, *cuts, total]
    return [b - a for a, b in zip(bounds, bounds[1:])]


def generate(rng: random.Random) -> tuple[dict, dict, Context]:
    """One report as the exchange JSON (with prose) and last year's, both plausible, some with defects."""
    t3 = FMT.table3
    values = ReportValues()
    previous = ReportValues()
    for col in t3.entered_columns:
        new, carried = rng.randint(0, 300), rng.randint(0, 20)
        forward = rng.randint(0, new + carried)
        for row, n in zip(t3.result_rows, split(rng, new + carried - forward, len(t3.result_rows))):
            values.table3[row.code][col.code] = n
        values.table3["new"][col.code], values.table3["carried_over"][col.code] = new, carried
        values.table3["carry_forward"][col.code] = forward
        previous.table3["carry_forward"][col.code] = carried if rng.random() > 0.05 else carried + 1
    for _, (issued, repealed, in_force) in FMT.table2.blocks[0].rows:
        stock, new = rng.randint(0, 700), rng.randint(0, 80)
        gone = rng.randint(0, stock + new)
        values.table2.update({issued: new, repealed: gone, in_force: stock + new - gone})
        previous.table2[in_force] = stock
    for key in ("licensing", "penalty", "enforcement"):
        values.table2[key] = rng.randint(0, 500_000)
    values.fees_10k_yuan = Decimal(rng.randint(0, 10**9)).scaleb(-rng.randint(0, 6))
    for group in FMT.table4.groups:
        for col in FMT.table4.entered_columns:
            values.table4[group.code][col.code] = rng.randint(0, 40)
    if rng.random() < 0.1:  # a blank cell, as in real drafts
        values.table4["review"]["pending"] = None
    values.prose.update(PROSE)
    values.prose["overview_on_request"] = on_request_sentence(values).text + review_litigation_sentence(values).text
    values.prose["overview_management"] = PROSE["overview_management"] * rng.randint(1, 12)
    previous.prose.update(PROSE)
    previous.prose["problems"] = "一是公开内容更新不够及时。二是培训不足，将组织专题培训。" * rng.randint(1, 3)
    kind = rng.choice([k.value for k in Organisation.Kind])
    context = Context(org_kind=kind, org_name="西村乡人民政府", year=2023, previous_approved_here=rng.random() < 0.5)
    return _as_json(values), _as_json(previous), context


def _as_json(values: ReportValues) -> dict:
    data = values.to_json_dict()
    data["prose"] = dict(values.prose)
    return data


def build(data: dict) -> ReportValues:
    """The baseline: what every use of a report pays anyway, reading its values."""
    values = ReportValues.from_json_dict(data)
    values.prose.update(data["prose"])
    return values


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=2023)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    print(f"generating {args.reports} reports (seed {args.seed}) …")
    reports = [generate(rng) for _ in range(args.reports)]

    start = time.perf_counter()
    built = [(build(data), build(prev), ctx) for data, prev, ctx in reports]
    baseline = time.perf_counter() - start

    start = time.perf_counter()
    findings = 0
    for values, previous, ctx in built:
        findings += len(check(values, Context(**{**ctx.__dict__, "previous": previous})))
    checking = time.perf_counter() - start

    n = args.reports
    per_report = checking / n * 1000
    print(f"baseline  build ReportValues (this year + last year): {n / baseline:10.0f} reports/s  "
          f"{baseline / n * 1000:7.3f} ms/report")
    print(f"rules     check() with last year, all {len(__import__('reports.rules').rules.RULES)} rule functions:"
          f" {n / checking:10.0f} reports/s  {per_report:7.3f} ms/report")
    print(f"ratio     checking / building: {checking / baseline:.1f}×   findings: {findings} ({findings / n:.1f}/report)")
    verdict = "OK" if per_report < TARGET_MS else "TOO SLOW"
    print(f"target    < {TARGET_MS:.0f} ms per report: {verdict} ({per_report / TARGET_MS:.1%} of the budget)")


if __name__ == "__main__":
    main()
