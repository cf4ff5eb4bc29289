"""Round trips through every format (report → file → import gives the same values) and malformed files."""

import json
import zipfile
from decimal import Decimal
from io import BytesIO

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reports.exports.data import report_to_json
from reports.importing import ReadError, read_document
from reports.exports.excel import report_workbook
from reports.values import PROSE_FIELDS

from .conftest import complete_values, make_report
from .import_builders import official_docx, printed_pdf
from .properties import examples

pytestmark = pytest.mark.django_db
TABLES = ("table2", "table3", "table4")


def tables(values) -> dict:
    data = values.to_json_dict()
    return {k: data[k] for k in TABLES}


def same_prose(a: str, b: str) -> bool:
    """Prose equal up to how paragraphs are separated (one or more line breaks)."""
    return [p.strip() for p in a.split("\n") if p.strip()] == [p.strip() for p in b.split("\n") if p.strip()]


@pytest.fixture
def rich(township):
    """A report with numbers in every column, a decimal fee and a blank cell, to catch any shift."""
    values = complete_values()
    for i, row in enumerate(values.format.table3.entered_rows):
        for j, col in enumerate(values.format.table3.entered_columns):
            values.table3[row.code][col.code] = (i * 7 + j) % 5
    values.table3["carry_forward"]["legal"] = None
    for g, group in enumerate(values.table4):
        for c, col in enumerate(values.table4[group]):
            values.table4[group][col] = g + c
    values.table2.update(regulations_issued=0, normative_issued=3, normative_repealed=1, normative_in_force=27,
                         licensing=1203, penalty=15, enforcement=2)
    values.table2["fees_10k_yuan"] = Decimal("9116.30")
    values.prose["problems"] = "一是问题甲。\n二是问题乙。"
    return make_report(township, 2023, values)


def test_report_to_published_html_to_import_gives_the_same_values(client, rich, drafter):
    client.force_login(drafter)
    page = client.get(f"/reports/{rich.pk}/document/").content
    result = read_document("page.html", page)
    original = rich.values()
    assert tables(result.values) == tables(original)
    assert result.values.table2["fees_10k_yuan"] == original.table2["fees_10k_yuan"]
    assert result.values.printed_totals == {}
    for name in PROSE_FIELDS:
        assert same_prose(result.values.prose[name], original.prose[name]), name
    assert (result.org_name, result.year) == ("西村乡人民政府", 2023)
    assert result.sources["table3.new.natural"].startswith("第")


def test_html_is_read_by_labels_and_structure_not_by_our_attributes(client, report, drafter):
    client.force_login(drafter)
    page = client.get(f"/reports/{report.pk}/document/").content.decode()
    # A published page elsewhere has none of our classes or data- attributes, and its own site chrome.
    import re

    bare = re.sub(r'\s(?:class|data-[a-z-]+)="[^"]*"', "", page)
    bare = bare.replace("<body>", "<body><div id=menu><p>首页</p><p>一、总体情况</p></div>", 1)
    result = read_document("published.htm", bare.encode("gb18030").replace(
        b'<meta charset="utf-8">', b'<meta charset="gbk">'))
    assert tables(result.values) == tables(report.values())


def test_docx_in_the_official_layout_with_merged_cells_is_read(rich):
    original = rich.values()
    result = read_document("report.docx", official_docx(original))
    assert result.kind == "docx"
    assert tables(result.values) == tables(original)
    assert result.values.table2["fees_10k_yuan"] == Decimal("9116.30")
    for name in PROSE_FIELDS:
        if name != "preface":
            assert same_prose(result.values.prose[name], original.prose[name]), name
    assert result.sources["table3.granted.natural"].startswith("第5个表格")
    assert not [n for n in result.notes if n.kind in ("lost_label", "typo", "missing")]


def test_docx_label_variants_and_blank_cells_are_reported():
    values = complete_values()
    values.table4["review"]["other"] = None
    data = official_docx(values, label_override={"本年废止件数": "本年度止件数", "（一）予以公开": "(一) 予以公开"})
    result = read_document("variant.docx", data)
    assert result.values.table4["review"]["other"] is None
    assert result.values.table2["regulations_repealed"] == values.table2["regulations_repealed"]
    text = "\n".join(n.message for n in result.notes)
    assert "本年度止件数" in text and "已统一标点和空格（共 " in text


def test_pdf_text_layer_of_the_printed_document_is_read(rich):
    result = read_document("report.pdf", printed_pdf(rich, draft=False))
    original = rich.values()
    assert result.kind == "pdf"
    t3 = tables(result.values)["table3"]
    # One blank cell: the text layer keeps no empty cells, so that row is placed by where its numbers are
    # printed, and the preview says so.
    assert {k: v for k, v in t3.items() if k != "carry_forward"} == \
        {k: v for k, v in tables(original)["table3"].items() if k != "carry_forward"}
    assert t3["carry_forward"] == tables(original)["table3"]["carry_forward"]
    assert tables(result.values)["table4"] == tables(original)["table4"]
    assert tables(result.values)["table2"] == tables(original)["table2"]
    assert any("第一个数在页面上的位置" in n.message or "缺的按空白处理" in n.message for n in result.notes)


def test_pdf_with_a_blank_review_group_places_the_numbers_under_their_columns(report):
    result = read_document("report.pdf", printed_pdf(report, draft=False))
    assert tables(result.values) == tables(report.values())  # the five blank 行政复议 cells stay blank


def test_report_to_xlsx_to_report_gives_the_same_values_and_prose(rich):
    result = read_document("r.xlsx", report_workbook(rich))
    original = rich.values()
    assert tables(result.values) == tables(original)
    assert str(result.values.table2["fees_10k_yuan"]) == "9116.30"  # the decimals as entered
    assert result.values.prose == original.prose
    assert result.values.printed_totals == {}  # formulas are sums, not printed numbers
    assert result.sources["table3.new.natural"] == "三、申请情况!D5"


def test_report_to_json_to_report_is_exact(rich):
    data = json.dumps(report_to_json(rich), ensure_ascii=False).encode("utf-8")
    result = read_document("r.json", data)
    assert result.kind == "json"
    original = rich.values()
    assert tables(result.values) == tables(original)
    assert result.values.prose == original.prose
    assert result.values.table2["fees_10k_yuan"] == original.table2["fees_10k_yuan"] and str(result.values.table2["fees_10k_yuan"]) == "9116.30"


# ------------------------------------------------------------------------------------ malformed files


def _junk_docx() -> bytes:
    out = BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("word/document.xml", b"\x00\x01 not xml at all <<<")
        z.writestr("junk.bin", bytes(range(256)) * 10)
    return out.getvalue()


def _xlsx_with_text_in_a_count_cell(report) -> bytes:
    import openpyxl

    wb = openpyxl.load_workbook(BytesIO(report_workbook(report)))
    wb["三、申请情况"]["D7"] = "两件"
    out = BytesIO()
    wb.save(out)
    return out.getvalue()


@pytest.mark.parametrize("name, make, message", [
    ("empty.docx", lambda r: b"", "文件是空的"),
    ("junk.docx", lambda r: _junk_docx(), "无法打开这个 Word 文件"),
    ("random.docx", lambda r: b"PK\x03\x04" + b"\x00garbage" * 50, "无法打开这个 Word 文件"),
    ("page.html", lambda r: "<html><body><h1>通知</h1><p>没有表格。</p></body></html>".encode(), "网页中没有表格"),
    ("broken.pdf", lambda r: b"%PDF-1.4\n garbage \n%%EOF", "PDF"),
    ("broken.xlsx", lambda r: b"PK\x05\x06" + b"\0" * 18, "Excel"),
    ("big.txt", lambda r: b"0\t" * (26 * 1024 * 1024), "文件太大"),
])
def test_malformed_files_get_a_clear_chinese_message(report, name, make, message):
    with pytest.raises(ReadError, match=message):
        read_document(name, make(report))


def test_a_spreadsheet_with_text_in_a_count_cell_cannot_be_imported(report):
    result = read_document("filled.xlsx", _xlsx_with_text_in_a_count_cell(report))
    assert not result.ok
    [error] = result.errors
    assert "三、申请情况!D7" in error.message and "“两件”不是数字" in error.message
    assert "（一）予以公开（自然人）" in error.message


def test_a_report_inside_a_pages_layout_table_is_still_found(client, report, drafter):
    client.force_login(drafter)
    page = client.get(f"/reports/{report.pk}/document/").content.decode()
    body = page[page.index("<article"):page.index("</article>") + len("</article>")]
    wrapped = (f"<html><body><table width=1000><tr><td>栏目导航</td><td>{body}</td></tr></table>"
               "</body></html>")
    result = read_document("old-site.html", wrapped.encode())
    assert tables(result.values) == tables(report.values())
    assert result.values.prose["problems"] == report.values().prose["problems"]


@examples(40)
@given(prefix=st.sampled_from([b"PK\x03\x04", b"%PDF-1.4\n", b"<html><table><tr><td>", b"\xd0\xcf\x11\xe0", b"{"]),
       body=st.binary(max_size=400))
def test_no_file_makes_a_reader_fail_with_anything_but_a_clear_message(prefix, body):
    try:
        result = read_document("fuzz.bin", prefix + body)
    except ReadError as exc:
        assert str(exc)
    else:
        assert result.values is not None


@examples(15)
@given(cut=st.integers(min_value=1, max_value=400), flip=st.integers(min_value=0, max_value=255))
def test_damaged_word_and_excel_files_are_refused_clearly(report, cut, flip):
    for data in (official_docx_cached(), report_workbook(report)):
        damaged = bytearray(data[: len(data) * cut // 401])
        if damaged:
            damaged[len(damaged) // 2] ^= flip
        try:
            read_document("damaged.docx", bytes(damaged))
        except ReadError as exc:
            assert str(exc)


_DOCX: list[bytes] = []


def official_docx_cached() -> bytes:
    if not _DOCX:
        _DOCX.append(official_docx(complete_values()))
    return _DOCX[0]
