"""Table cells run together (text copied from a web page): split by what the format guarantees, or refused."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reports.catalogue import get_format
from reports.importing.runs import RunError, readings, resolve_table3, resolve_table4, table3_runs, table4_run

from .conftest import EXAMPLES, example_json, needs_shared
from .properties import examples

FMT = get_format("2021")
PINGTAN = EXAMPLES.parent.parent / "corpus" / "pingtan_2021_page.txt"
T3_ROWS = [r.code for r in FMT.table3.rows]
RESULTS = [c for c in T3_ROWS if c not in ("new", "carried_over", "total", "carry_forward")]


def test_a_row_has_only_the_readings_without_leading_zeros_whose_total_is_the_sum():
    assert readings("640020470") == [(64, 0, 0, 2, 0, 4, 70)]
    assert readings("0000000") == [(0,) * 7]
    assert sorted(readings("270020130")) == [(2, 7, 0, 0, 20, 1, 30), (27, 0, 0, 2, 0, 1, 30)]
    assert readings("0100002") == []  # no split adds up
    assert readings("00100010") == []  # only through 010, and 010 is no count
    assert readings("12a4") == [] and readings("1" * 100) == []


@needs_shared(PINGTAN)
@needs_shared(EXAMPLES)
def test_the_pingtan_page_reads_exactly_its_example_numbers():
    text = PINGTAN.read_text(encoding="utf-8")
    expected = example_json("pingtan_2021.json")
    runs = table3_runs(text, FMT)
    assert runs["new"] == "640020470" and runs["partial"] == "5000005"  # 「500000 5」: the page's space dropped
    assert {code: list(v) for code, v in resolve_table3(runs, FMT).items()} == expected["table3"]
    t4 = resolve_table4(table4_run(text, FMT), FMT)
    columns = [c.code for c in FMT.table4.columns]
    got = {g: dict(zip(columns, t4[i * 5:(i + 1) * 5]))
           for i, g in enumerate(("review", "litigation_direct", "litigation_after_review"))}
    assert got == expected["table4"]


def test_two_readings_that_both_balance_are_refused_with_the_rows_named():
    # 予以公开 27+…=30 or 2+7+…+20+1=30; with 其他处理 taking up the difference either way, both tables hold.
    runs = {c: "0000000" for c in T3_ROWS}
    runs |= {"new": "270020130", "total": "270020130", "granted": "270020130"}
    with pytest.raises(RunError) as refused:
        resolve_table3(runs, FMT)
    message = str(refused.value)
    assert "“（一）予以公开”可读作 （2、7、0、0、20、1、30） 或 （27、0、0、2、0、1、30）" in message
    assert "“一、本年新收政府信息公开申请数量”" in message and "没有导入" in message


def test_a_run_with_no_reading_names_its_row():
    runs = {c: "0000000" for c in T3_ROWS} | {"denied_3": "1000002"}
    with pytest.raises(RunError, match="“3.危及“三安全一稳定””一行的数字连在一起（1000002）"):
        resolve_table3(runs, FMT)


def test_the_column_identity_picks_the_one_reading_that_balances():
    runs = {c: "0000000" for c in T3_ROWS}
    # 予以公开 alone is ambiguous; 一+二 = （七）+四 column by column leaves one reading.
    runs |= {"new": "640020470", "granted": "270020130", "unable_1": "370000340", "total": "640020470"}
    got = resolve_table3(runs, FMT)
    assert got["granted"] == (27, 0, 0, 2, 0, 1, 30) and got["unable_1"] == (37, 0, 0, 0, 0, 3, 40)


# ---------------------------------------------------------------- never split wrong

counts = st.integers(min_value=0, max_value=150)


@st.composite
def tables(draw) -> dict[str, tuple[int, ...]]:
    """A valid 表三: six columns a row, 总计 their sum, （七） the sum of the results, 一+二 = （七）+四."""
    def row(six):
        return (*six, sum(six))

    rows = {c: row([draw(st.sampled_from([0, 0, 0, draw(counts)])) for _ in range(6)]) for c in RESULTS}
    total = tuple(sum(rows[c][i] for c in RESULTS) for i in range(7))
    carried = row([draw(st.integers(0, min(5, total[i]))) for i in range(6)])
    carry_forward = row([draw(st.integers(0, 5)) for _ in range(6)])
    new = tuple(total[i] + carry_forward[i] - carried[i] for i in range(7))
    return rows | {"new": new, "carried_over": carried, "total": total, "carry_forward": carry_forward}


@examples(60)
@given(tables())
def test_a_run_together_table_is_split_to_the_truth_or_refused_never_wrong(table):
    runs = {code: "".join(str(n) for n in values) for code, values in table.items()}
    try:
        got = resolve_table3(runs, FMT)
    except RunError as refused:
        assert "没有导入" in str(refused)
        return
    assert got == table


@examples(60)
@given(st.lists(st.tuples(*[counts] * 4), min_size=3, max_size=3))
def test_a_run_together_table4_is_split_to_the_truth_or_refused_never_wrong(groups):
    truth = tuple(n for g in groups for n in (*g, sum(g)))
    try:
        got = resolve_table4("".join(str(n) for n in truth), FMT)
    except RunError:
        return
    assert got == truth


stock = st.one_of(st.just(0), st.integers(0, 30), st.integers(0, 3000))


@examples(80)
@given(before=stock, issued=stock, repealed=stock)
def test_a_run_together_table2_row_with_last_years_in_force_is_split_to_the_truth_or_left_open(before, issued,
                                                                                               repealed):
    """现行有效 = 上年现行有效 + 制发 − 废止: the one reading that keeps it is the truth, or nothing is taken."""
    from reports.importing.choices import settle
    from reports.importing.result import ImportResult, OpenRow
    from reports.importing.runs import t2_readings
    from reports.values import ReportValues

    repealed = min(repealed, before + issued)
    truth = (issued, repealed, before + issued - repealed)
    run = "".join(str(n) for n in truth)
    fields = ("normative_issued", "normative_repealed", "normative_in_force")
    found = t2_readings(run, 3)
    assert truth in found
    result = ImportResult("text", "r.txt", ReportValues(format_version="2021"))
    result.open_rows.append(OpenRow("表二", "行政规范性文件", fields, ("本年制发", "本年废止", "现行有效"),
                                    f"行政规范性文件{run}", "第1行", tuple(found)))
    previous = ReportValues(format_version="2021")
    previous.table2["normative_in_force"] = before
    settle(result, previous)
    got = tuple(result.values.table2[f] for f in fields)
    if result.open_rows:  # refused: nothing taken, the truth among the readings offered
        assert got == (None, None, None) and truth in result.open_rows[0].readings and not result.ok
    else:
        assert got == truth and result.ok


# ---------------------------------------------------------------- the whole page through the text reader


@needs_shared(PINGTAN)
@examples(12)
@given(before=stock, issued=stock, repealed=stock)
def test_the_page_with_any_normative_row_and_last_year_reads_the_truth_or_offers_it(before, issued, repealed):
    """The whole page through the text reader (in its child process), its 行政规范性文件 row any stock."""
    from reports.importing import read_document
    from reports.values import ReportValues

    repealed = min(repealed, before + issued)
    truth = (issued, repealed, before + issued - repealed)
    data = PINGTAN.read_bytes().replace("行政规范性文件693665".encode(),
                                        ("行政规范性文件" + "".join(map(str, truth))).encode())
    previous = ReportValues(format_version="2021")
    previous.table2["normative_in_force"] = before
    result = read_document(PINGTAN.name, data, previous=previous)
    got = tuple(result.values.table2[f] for f in ("normative_issued", "normative_repealed", "normative_in_force"))
    if result.open_rows:
        assert got == (None, None, None) and truth in result.open_rows[0].readings
    else:
        assert result.ok and got == truth


@needs_shared(PINGTAN)
def test_the_pingtan_page_without_last_year_is_refused_naming_the_one_row_no_total_can_settle():
    from reports.importing import read_document

    result = read_document(PINGTAN.name, PINGTAN.read_bytes())
    assert not result.ok and result.choosable and result.unread_rows == []
    (row,) = result.open_rows
    assert row.row == "行政规范性文件" and row.text == "行政规范性文件693665"
    assert (69, 3, 665) in row.readings and (6, 93, 665) in row.readings and (693, 6, 65) in row.readings
    assert all(len(r) == 3 and all(str(n) == str(int(n)) for n in r) for r in row.readings)
    message = row.message
    assert "表二“行政规范性文件”" in message and "（本年制发 69、本年废止 3、现行有效 665）" in message
    assert "（本年制发 6、本年废止 93、现行有效 665）" in message
    assert all(result.values.table2[f] is None for f in row.fields)  # nothing guessed
    assert "未导入" not in result.refusal() and "选择" in result.refusal()


@needs_shared(PINGTAN)
@needs_shared(EXAMPLES)
def test_the_pingtan_page_reads_its_tables_exactly_once_that_row_is_settled():
    from reports.importing import read_document

    data = PINGTAN.read_bytes().replace("行政规范性文件693665".encode(), "行政规范性文件000".encode())
    result = read_document(PINGTAN.name, data)
    expected = example_json("pingtan_2021.json")
    got = result.values.to_json_dict()
    assert result.ok
    assert got["table3"] == expected["table3"] and got["table4"] == expected["table4"]
    expected["table2"]["normative_documents"] = {"issued": 0, "repealed": 0, "in_force": 0}
    assert got["table2"] == expected["table2"]
    prose = result.values.prose
    assert all(prose[f"overview_{p}"] for p in ("proactive", "on_request", "management", "platform", "oversight"))
    assert prose["problems"].startswith("（一）存在的主要问题") and "信息处理费" in prose["other_matters"]
