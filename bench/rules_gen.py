"""Generated reports for the rules: numbers, each report's own prose (prose_gen) and last year's report.

Shared by bench/bench_rules.py and tests/test_rules_regression.py (which records the findings these
reports give, so that making the rules faster cannot change one). Needs Django set up (the organisation
kinds); same seed, same report.
"""

from __future__ import annotations

import random
from decimal import Decimal

import prose_gen
from reports.catalogue import get_format
from reports.demo.prose import PROSE
from reports.models import Organisation
from reports.phrasing import on_request_sentence, review_litigation_sentence
from reports.rules import Context
from reports.values import ReportValues


def split(rng: random.Random, total: int, parts: int) -> list[int]:
    cuts = sorted(rng.randint(0, total) for _ in range(parts - 1))
    bounds = [0, *cuts, total]
    return [b - a for a, b in zip(bounds, bounds[1:])]


def generate(rng: random.Random, same_prose: bool = False, version: str = "2021") -> tuple[dict, dict, Context]:
    """One report as the exchange JSON (with prose) and last year's, both plausible, some with defects.

    With `same_prose`, the old setup: every report the demo's prose (one part repeated 1–12 times)."""
    fmt = get_format(version)
    t3 = fmt.table3
    values = ReportValues(format_version=version)
    previous = ReportValues(format_version=version)
    for col in t3.entered_columns:
        new, carried = rng.randint(0, 300), rng.randint(0, 20)
        forward = rng.randint(0, new + carried)
        for row, n in zip(t3.result_rows, split(rng, new + carried - forward, len(t3.result_rows))):
            values.table3[row.code][col.code] = n
        values.table3["new"][col.code], values.table3["carried_over"][col.code] = new, carried
        values.table3["carry_forward"][col.code] = forward
        previous.table3["carry_forward"][col.code] = carried if rng.random() > 0.05 else carried + 1
    for _, (issued, repealed, in_force) in fmt.table2.blocks[0].rows:
        stock, new = rng.randint(0, 700), rng.randint(0, 80)
        gone = rng.randint(0, stock + new)
        values.table2.update({issued: new, repealed: gone, in_force: stock + new - gone})
        previous.table2[in_force] = stock
    for key in ("licensing", "penalty", "enforcement"):
        if key in values.table2:
            values.table2[key] = rng.randint(0, 500_000)
    if "fees_10k_yuan" in values.table2:
        values.table2["fees_10k_yuan"] = Decimal(rng.randint(0, 10**9)).scaleb(-rng.randint(0, 6))
    for group in fmt.table4.groups:
        for col in fmt.table4.entered_columns:
            values.table4[group.code][col.code] = rng.randint(0, 40)
    if rng.random() < 0.1:  # a blank cell, as in real drafts
        values.table4["review"]["pending"] = None
    on_request = on_request_sentence(values).text + review_litigation_sentence(values).text
    if same_prose:
        org, short = "西村乡人民政府", "西村乡"
        values.prose.update(PROSE)
        values.prose["overview_on_request"] = on_request
        values.prose["overview_management"] = PROSE["overview_management"] * rng.randint(1, 12)
        previous.prose.update(PROSE)
        previous.prose["problems"] = "一是公开内容更新不够及时。二是培训不足，将组织专题培训。" * rng.randint(1, 3)
    else:
        place = rng.choice(prose_gen.PLACES) + str(rng.randint(1, 999))
        org, short = f"{place}乡人民政府", f"{place}乡"
        values.prose.update(prose_gen.prose(rng, org, short, 2023, on_request))
        previous.prose.update(prose_gen.last_year(rng, values.prose, org, short, 2023))
    kind = rng.choice([k.value for k in Organisation.Kind])
    context = Context(org_kind=kind, org_name=org, year=2023, previous_approved_here=rng.random() < 0.5)
    return as_json(values), as_json(previous), context


def as_json(values: ReportValues) -> dict:
    data = values.to_json_dict()
    data["prose"] = dict(values.prose)
    return data


def build(data: dict) -> ReportValues:
    """The baseline: what every use of a report pays anyway, reading its values."""
    values = ReportValues.from_json_dict(data)
    values.prose.update(data["prose"])
    return values
