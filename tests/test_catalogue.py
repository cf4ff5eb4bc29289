"""The catalogue holds the official labels verbatim, with the structure of the 2021 format."""

import json
from pathlib import Path

import pytest

from reports.catalogue import FORMAT_2021, get_format

from .conftest import SHARED, needs_shared

LABELS = json.loads((Path(__file__).parent / "fixtures" / "labels_2021.json").read_text(encoding="utf-8"))
FMT = FORMAT_2021


def test_section_headings_are_verbatim_and_in_order():
    assert [s.heading for s in FMT.sections] == LABELS["sections"]


def test_table2_items_headers_and_rows_are_verbatim():
    assert [b.item for b in FMT.table2.blocks] == LABELS["table2_items"]
    headers = []
    for b in FMT.table2.blocks:
        headers += [h for h in b.header if h not in headers]
    assert sorted(set(headers)) == sorted(LABELS["table2_headers"])
    assert [label for b in FMT.table2.blocks for label, _ in b.rows] == LABELS["table2_rows"]


def test_table3_has_25_rows_with_verbatim_labels_in_order():
    assert [[r.code, r.label] for r in FMT.table3.rows] == LABELS["table3_rows"]


def test_table3_header_corner_and_group_labels_are_verbatim():
    assert FMT.table3.corner == LABELS["table3_corner"]
    assert [h.text for row in FMT.table3.header for h in row] == LABELS["table3_header"]
    group_cells = [lab.text for r in FMT.table3.rows for lab in r.labels if lab.rowspan > 1]
    assert group_cells == LABELS["table3_groups"]


def test_table3_spans_match_the_official_layout():
    spans = {lab.text: (lab.rowspan, lab.colspan) for r in FMT.table3.rows for lab in r.labels}
    assert spans["三、本年度办理结果"] == (22, 1)
    assert spans["（三）不予公开"] == (8, 1)
    assert spans["（四）无法提供"] == (3, 1)
    assert spans["（五）不予处理"] == (5, 1)
    assert spans["（六）其他处理"] == (3, 1)
    assert spans["（七）总计"] == (1, 2)
    assert spans["一、本年新收政府信息公开申请数量"] == (1, 3)
    # every body row has exactly 3 label columns' worth of cells, counting spans from rows above
    covered = [0] * len(FMT.table3.rows)
    for i, r in enumerate(FMT.table3.rows):
        for lab in r.labels:
            for k in range(i, i + lab.rowspan):
                covered[k] += lab.colspan
    assert covered == [3] * 25


def test_table3_has_seven_columns_with_only_total_derived():
    assert [c.code for c in FMT.table3.columns] == [
        "natural", "commercial", "research", "social", "legal", "other_org", "total"
    ]
    assert [c.code for c in FMT.table3.columns if c.derived] == ["total"]
    assert [r.code for r in FMT.table3.rows if r.derived] == ["total"]
    assert len(FMT.table3.result_rows) == 21
    assert len(FMT.table3.entered_rows) * len(FMT.table3.entered_columns) == 144


def test_table4_groups_columns_and_header_are_verbatim():
    assert [h.text for row in FMT.table4.header[:2] for h in row] == [
        "行政复议", "行政诉讼", "结果维持", "结果纠正", "其他结果", "尚未审结", "总计", "未经复议直接起诉", "复议后起诉"
    ]
    assert sorted({h.text for row in FMT.table4.header for h in row}) == sorted(LABELS["table4_header"])
    assert [g.code for g in FMT.table4.groups] == ["review", "litigation_direct", "litigation_after_review"]
    assert sum(h.colspan for h in FMT.table4.header[0]) == 15
    assert len(FMT.table4.header[2]) == 10


def test_cell_names_say_row_and_column():
    assert FMT.table3.cell_name("denied_3", "natural") == "（三）不予公开3.危及“三安全一稳定”（自然人）"
    assert FMT.table4.cell_name("litigation_after_review", "pending") == "行政诉讼（复议后起诉）尚未审结"


def test_formats_are_keyed_by_version():
    assert get_format("2021") is FMT
    with pytest.raises(KeyError):
        get_format("1999")


@needs_shared(SHARED / "spec" / "format-2021.md")
def test_every_fixture_label_appears_verbatim_in_the_format_reference():
    text = (SHARED / "spec" / "format-2021.md").read_text(encoding="utf-8")
    labels = (
        LABELS["sections"] + LABELS["table2_items"] + LABELS["table2_headers"] + LABELS["table2_rows"]
        + [LABELS["table3_corner"]] + LABELS["table3_header"] + [lab for _, lab in LABELS["table3_rows"]]
        + LABELS["table3_groups"] + LABELS["table4_header"]
    )
    missing = [lab for lab in labels if f"`{lab}`" not in text and lab not in text]
    assert missing == []
