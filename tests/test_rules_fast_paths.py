"""The table and structure rules' quick paths give exactly what the cell-by-cell code gives.

check() works out every derived 表三 cell at once (rules._derived_cells), S-CELLS skips its row-by-row reading
when no cell is blank (structure._has_blank), S-INT when every count is a plain int in range
(structure._plain_counts), and check() runs a plan of the rules made once per format (rules._plan). Each is
compared here with the way it replaced, on values with every kind of cell an import or a form can leave:
blanks, negatives, counts past the limit, floats, Decimals, booleans, text, and missing cells.
"""

from __future__ import annotations

import random
from decimal import Decimal

import pytest

from reports import rules
from reports.catalogue import get_format
from reports.rules import Context, structure
from reports.values import ReportValues

ODD = (None, 0, 1, 7, -3, 10**9, 999_999, 2.5, Decimal("3"), Decimal("1.5"), True, False, "3", "", 10**12)


def odd_values(rng: random.Random, version: str, missing: bool = False) -> ReportValues:
    """Plausible counts, then a few cells (sometimes many) set to one of ODD; with `missing`, sometimes a 表三
    cell deleted (ReportValues always has every entered cell, but the memo must not hide a broken object)."""
    values = ReportValues(format_version=version)
    zeros = rng.random() < 0.3  # a small office: mostly zeros, so that sums of 0 and of blanks are compared
    for table in (values.table3, values.table4):
        for cells in table.values():
            for col in cells:
                cells[col] = rng.choice([0, 0, 0, 1]) if zeros else rng.randint(0, 500)
    for key in values.table2:
        values.table2[key] = rng.randint(0, 500) if key != "fees_10k_yuan" else Decimal("12.5")
    values.processing_fee_count = rng.choice([None, 0, 4])
    for _ in range(rng.choice([0, 0, 1, 2, 5, 40])):
        place = rng.choice(["table2", "table3", "table4", "fee"])
        value = rng.choice(ODD)
        if place == "fee":
            values.processing_fee_count = value
        elif place == "table2":
            values.table2[rng.choice(sorted(values.table2))] = value
        else:
            table = getattr(values, place)
            row = table[rng.choice(sorted(table))]
            row[rng.choice(sorted(row))] = value
    if missing and rng.random() < 0.05:
        row = values.table3[rng.choice(sorted(values.table3))]
        del row[rng.choice(sorted(row))]
    return values


def outcome(fn, *args):
    """What a call gives, or the type of what it raises: the quick path must raise where the old one did."""
    try:
        return fn(*args)
    except Exception as exc:  # noqa: BLE001
        return type(exc)


CASES = [(version, seed) for version in ("2021", "2019") for seed in range(4)]


@pytest.mark.parametrize("version,seed", CASES)
def test_derived_cells_are_reportvalues_t3(version, seed):
    rng = random.Random(f"derived-{version}-{seed}")
    t3 = get_format(version).table3
    compared = fell_back = 0
    for _ in range(400):
        values = odd_values(rng, version, missing=True)
        memo = outcome(rules._derived_cells, values)
        fell_back += memo == {}
        view = rules.checked_values(values)
        for row in [*t3.rows, None]:
            for col in t3.columns:
                code = row.code if row else "nowhere"
                expected = outcome(values.t3, code, col.code)
                assert outcome(view.t3, code, col.code) == expected, (code, col.code)
                assert outcome(view.t3, code, col.code) == expected  # again, from the memo
                if memo and (code, col.code) in memo:
                    assert memo[code, col.code] == expected and type(memo[code, col.code]) is type(expected)
                    compared += 1
    assert compared > 5_000 and 0 < fell_back < 400  # both ways were taken


@pytest.mark.parametrize("version,seed", CASES)
def test_the_quick_tests_of_s_cells_and_s_int_decide_as_the_cell_by_cell_rules(version, seed, monkeypatch):
    rng = random.Random(f"cells-{version}-{seed}")
    cases = [odd_values(rng, version) for _ in range(400)]
    quick = [(outcome(structure.s_cells, v, Context()), outcome(structure.s_int, v, Context())) for v in cases]
    assert sum(bool(c) for c, _ in quick) > 50 and sum(not c for c, _ in quick) > 50
    assert sum(bool(i) for _, i in quick) > 50 and sum(not i for _, i in quick) > 50
    monkeypatch.setattr(structure, "_has_blank", lambda values: True)
    monkeypatch.setattr(structure, "_plain_counts", lambda values: False)
    for values, (cells, ints) in zip(cases, quick):
        assert outcome(structure.s_cells, values, Context()) == cells
        assert outcome(structure.s_int, values, Context()) == ints


def test_plain_counts_says_no_for_what_s_int_would_name():
    values = ReportValues()
    assert structure._plain_counts(values)  # all blank
    for odd in (-1, 10**12, True, 2.5, "3", Decimal("3")):
        values = ReportValues()
        values.table4["review"]["pending"] = odd
        assert not structure._plain_counts(values), odd


def test_check_runs_the_rules_of_its_format_in_order():
    """The plan made once per format is what the loop over RULES with applies() gave, also after a new rule."""
    for version in ("2021", "2019"):
        planned, order = rules._plan(version, tuple(rules.RULES))
        assert planned == tuple(fn for fn in rules.RULES if rules.applies(fn, version))
        assert order == {s.code: i for i, s in enumerate(get_format(version).sections)}
    assert len(rules._plan("2019", tuple(rules.RULES))[0]) < len(rules._plan("2021", tuple(rules.RULES))[0])

    def extra(values, context):
        return []

    rules.RULE_FORMATS[extra] = ("2019",)
    try:
        with_extra = (*rules.RULES, extra)  # a rule registered later makes another plan
        assert rules._plan("2019", with_extra)[0][-1] is extra
        assert extra not in rules._plan("2021", with_extra)[0]
        assert extra not in rules._plan("2019", tuple(rules.RULES))[0]
    finally:
        del rules.RULE_FORMATS[extra]


@pytest.mark.parametrize("version", ["2021", "2019"])
def test_blank_cells_read_straight_from_the_tables_are_those_get_reads(version):
    """ReportValues.blank_cells reads the entered cells from the tables' dictionaries (the live check asks
    twice a keystroke): the same keys, in reading order, as asking get() for each entered cell."""
    rng = random.Random(f"blank-{version}")
    seen = set()
    for _ in range(300):
        values = odd_values(rng, version)
        for key in rng.sample([c.key for c in values.format.entered_cells], rng.choice([0, 1, 5, 60])):
            values.set(key, None)
        expected = [c.key for c in values.format.entered_cells if values.get(c.key) is None]
        assert values.blank_cells() == expected
        seen.add(len(expected) > 0)
    assert seen == {True, False}


def test_the_year_patterns_written_to_start_with_a_class_match_as_before():
    import re

    old = {"_TITLE_MENTION": r"(\d{4})年度?政府信息公开工作年度报告", "_YEAR": r"(\d{4})年"}
    rng = random.Random("years")
    pieces = ["2023", "２０２３", "12345", "٢٠٢٣", "年", "年度", "政府信息公开工作年度报告", "本机关", "1", "。", "，"]
    texts = ["".join(rng.choice(pieces) for _ in range(rng.randint(0, 12))) for _ in range(5000)]
    matched = 0
    for name, pattern in old.items():
        new = getattr(structure, name)
        assert new.pattern != pattern
        for text in texts:
            got = [(m.span(), m.groups()) for m in new.finditer(text)]
            assert got == [(m.span(), m.groups()) for m in re.finditer(pattern, text)], (name, text)
            matched += len(got)
    assert matched > 1000
