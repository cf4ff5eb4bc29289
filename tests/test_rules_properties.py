"""Property-based tests of the rules: valid reports pass, a change to any one cell is caught.

A valid report here: every cell filled; per 表三 column 一 + 二 = （七）总计 + 四, the results spread over
the 21 result rows at random; 表二 stocks that follow last year's; the standard sentences of §一（二）
and §四 generated from the tables; last year's report (when there is one) leads into this one.
"""

from __future__ import annotations

from decimal import Decimal

from hypothesis import assume, given
from hypothesis import strategies as st

from reports import narrative
from reports.phrasing import on_request_sentence, review_litigation_sentence
from reports.catalogue import MAX_COUNT, get_format
from reports.demo.prose import PROSE
from reports.models import Organisation
from reports.rules import Context, check
from reports.values import ReportValues

from .properties import examples

FMT = get_format()
T3 = FMT.table3
T4 = FMT.table4
Kind = Organisation.Kind
ENTERED_T3 = [f"table3.{r.code}.{c.code}" for r in T3.entered_rows for c in T3.entered_columns]
PROPERTY_SETTINGS = examples(60)


@st.composite
def composition(draw, total: int, parts: int) -> list[int]:
    """`parts` non-negative integers adding up to `total`, any such split possible."""
    cuts = sorted(draw(st.lists(st.integers(0, total), min_size=parts - 1, max_size=parts - 1)))
    bounds = [0, *cuts, total]
    return [b - a for a, b in zip(bounds, bounds[1:])]


@st.composite
def valid_reports(draw) -> tuple[ReportValues, Context]:
    values = ReportValues()
    previous = ReportValues()
    kind = draw(st.sampled_from([k.value for k in Kind]))
    for col in T3.entered_columns:
        new, carried = draw(st.integers(0, 60)), draw(st.integers(0, 10))
        forward = draw(st.integers(0, new + carried))
        results = draw(composition(new + carried - forward, len(T3.result_rows)))
        values.table3["new"][col.code], values.table3["carried_over"][col.code] = new, carried
        values.table3["carry_forward"][col.code] = forward
        for row, n in zip(T3.result_rows, results):
            values.table3[row.code][col.code] = n
        previous.table3["carry_forward"][col.code] = carried
    makes_rules = kind in Organisation.RULEMAKING_KINDS
    for label, (issued, repealed, in_force) in FMT.table2.blocks[0].rows:
        stock = draw(st.integers(0, 500)) if makes_rules or label != "规章" else 0
        new = draw(st.integers(0, 50)) if makes_rules or label != "规章" else 0
        gone = draw(st.integers(0, stock + new))
        values.table2.update({issued: new, repealed: gone, in_force: stock + new - gone})
        previous.table2[in_force] = stock
    for key in ("licensing", "penalty", "enforcement"):
        values.table2[key] = draw(st.integers(0, 100_000))
    values.table2["fees_10k_yuan"] = Decimal(draw(st.integers(0, 99_999_999))).scaleb(-draw(st.integers(0, 6)))
    for group in T4.groups:
        for col in T4.entered_columns:
            values.table4[group.code][col.code] = draw(st.integers(0, 30))
    values.prose.update(PROSE)
    values.prose["overview_on_request"] = on_request_sentence(values).text + review_litigation_sentence(values).text
    context = Context(
        org_kind=kind,
        org_name="西村乡人民政府",
        year=2023,
        previous=previous if draw(st.booleans()) else None,
        previous_approved_here=draw(st.booleans()),
    )
    return values, context


@PROPERTY_SETTINGS
@given(valid_reports())
def test_a_valid_report_has_no_error(report):
    values, context = report
    findings = check(values, context)
    assert [f for f in findings if f.severity == "error"] == []
    # The only warnings a valid report may get are judgements on plausible numbers, never a contradiction.
    assert {f.rule for f in findings} <= {"T3-OTHER-HIGH", "S-FEE-UNIT"}


@PROPERTY_SETTINGS
@given(valid_reports(), st.sampled_from(ENTERED_T3), st.one_of(st.none(), st.integers(0, MAX_COUNT)))
def test_a_change_to_one_entered_cell_of_table3_breaks_its_column_balance(report, key, new_value):
    values, context = report
    _, row, col = key.split(".")
    if values.table3[row][col] == new_value:
        new_value = values.table3[row][col] + 1
    values.table3[row][col] = new_value
    errors = [f for f in check(values, context) if f.severity == "error"]
    if new_value is None:
        assert any(f.rule == "S-CELLS" and key in f.cells for f in errors)
    else:
        assert any(f.rule == "T3-BAL" and f.cells[0] == f"table3.new.{col}" for f in errors)


def document_cells() -> list[tuple[str, str, int]]:
    """Every printed cell of 表三 and 表四 in the JSON layout: (table, row or group, column index or code)."""
    cells = [("table3", r.code, i) for r in T3.rows for i in range(len(T3.columns))]
    return cells + [("table4", g.code, c.code) for g in T4.groups for c in T4.columns]


@PROPERTY_SETTINGS
@given(valid_reports(), st.sampled_from(document_cells()), st.one_of(st.none(), st.integers(0, MAX_COUNT)))
def test_a_change_to_one_printed_cell_of_an_imported_table_is_caught(report, where, new_value):
    """The document keeps its printed 总计: changing any one cell, entered or total, gives an error on it."""
    values, context = report
    data = values.to_json_dict()
    table, row, col = where
    node = data[table][row]
    if node[col] == new_value:
        new_value = node[col] + 1
    node[col] = new_value
    imported = ReportValues.from_json_dict(data)
    imported.prose.update(values.prose)
    column = T3.columns[col].code if table == "table3" else col
    key = f"{table}.{row}.{column}"
    errors = [f for f in check(imported, context) if f.severity == "error"]
    assert any(key in f.cells for f in errors), (key, [f.key for f in errors])


@PROPERTY_SETTINGS
@given(valid_reports(), st.integers(1, 5))
def test_a_stated_count_off_by_any_amount_is_flagged(report, delta):
    values, context = report
    sentence = on_request_sentence(values).text
    new = values.t3("new", "total")
    assume(f"申请{new}件" in sentence)  # not the all-zero wording 「本年未收到政府信息公开申请」
    values.prose["overview_on_request"] = sentence.replace(f"申请{new}件", f"申请{new + delta}件", 1)
    [finding] = [f for f in check(values, context) if f.rule == "N-NUMS"]
    assert (finding.left, finding.right) == (new + delta, new)


@PROPERTY_SETTINGS
@given(valid_reports())
def test_the_generated_sentences_read_back_as_the_tables(report):
    values, _ = report
    statements = narrative.stated_numbers(values.prose["overview_on_request"], FMT)
    kinds = [s.kind for s in statements]
    if values.t3("new", "total") or values.t3("carried_over", "total"):
        assert kinds[:3] == ["new", "carried_over", "closed"] and "carry_forward" in kinds
    groups = {kind: label for label, rows in T3.groups.items() for kind in [rows[0].code.rsplit("_", 1)[0]]}
    table = {
        "new": values.t3("new", "total"), "carried_over": values.t3("carried_over", "total"),
        "closed": values.t3("total", "total"), "carry_forward": values.t3("carry_forward", "total"),
        "granted": values.t3("granted", "total"), "partial": values.t3("partial", "total"),
        **{kind: values.t3_group(label, "total") for kind, label in groups.items()},
        "review": values.t4("review", "total"), "litigation": values.litigation_total(),
    }
    read = {s.kind: s.value for s in statements if s.kind in table and s.value is not None}
    assert read == {kind: table[kind] for kind in read}
