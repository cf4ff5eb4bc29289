"""Real documents are read exactly, or refused naming what could not be read: never a guess saved.

The documents here are built in the shapes real reports come in (text copied out of Word with tabs, a
web page, Word, a PDF); their prose is our own. The one real document is the corpus's 淮安 PDF.
"""

from __future__ import annotations

from decimal import Decimal
from io import BytesIO, StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from reports.catalogue import get_format
from reports.importing.jsonfile import read_report_json
from reports.importing import ReadError, read_document
from reports.importing.result import iter_cells
from reports.models import Report
from reports.values import ReportValues

from .conftest import EXAMPLES, SHARED, needs_shared
from .import_builders import _n, report_text, t3_labels
from .test_import_views import snapshot, upload

CORPUS = SHARED / "corpus"
HUAIAN_PDF = CORPUS / "huaian_2024.pdf"
FMT = get_format("2021")


def example_values(name: str = "huaian_2024.json") -> ReportValues:
    """A real report's numbers (../shared/spec/examples), the base of the built documents; skip without it."""
    path = EXAMPLES / name
    if not path.exists():
        pytest.skip(f"{path} is absent (../shared is not beside the repo)")
    return read_report_json(path.read_text(encoding="utf-8"))[1]


def every_cell(values: ReportValues) -> dict:
    return {key: value for key, value, _derived in iter_cells(values)}


def t3_line(values: ReportValues, code: str, drop: int | None = None, add: str = "") -> str:
    cells = [_n(values.t3(code, c.code)) for c in FMT.table3.columns]
    if drop is not None:
        del cells[drop]
    return "\t".join([*t3_labels(code), *cells] + ([add] if add else []))


def read_text(text: str, name: str = "report.txt"):
    return read_document(name, text.encode("utf-8"))


# ------------------------------------------------------------------------------- the real PDF


@needs_shared(HUAIAN_PDF)
@needs_shared(EXAMPLES)
@pytest.mark.parametrize("pdfplumber", [True, False], ids=["pdfplumber", "pypdf-pieces"])
def test_the_huaian_pdf_reads_every_cell_exactly(pdfplumber, monkeypatch):
    if not pdfplumber:  # the pieces from pypdf, by baselines alone (no table rules)
        monkeypatch.setattr("reports.importing.pdfchars.available", lambda: False)
    result = read_document(HUAIAN_PDF.name, HUAIAN_PDF.read_bytes())
    expected = every_cell(example_values())
    got = every_cell(result.values)
    assert {k: got[k] for k in expected if got[k] != expected[k]} == {}
    assert result.values.table2["fees_10k_yuan"] == example_values().table2["fees_10k_yuan"]
    assert result.ok and result.unread_rows == []
    assert result.values.printed_totals == {}  # the printed （七）总计 agrees with its rows: nothing replaced


@needs_shared(HUAIAN_PDF)
def test_a_label_set_off_its_numbers_baseline_stays_on_their_line():
    """In the Word-made PDF each 表三 label sits 2.28 pt above its numbers; a label centred over rows does not."""
    from pypdf import PdfReader

    from reports.importing.pdf import document_lines, layout_internals, page_pieces

    pages = [page_pieces(p, layout_internals()) for p in PdfReader(str(HUAIAN_PDF)).pages]
    rows = {line.cells[0].text: line for line in document_lines(pages) if line.table}
    row = next(line for text, line in rows.items() if "4.保护第三方合法权益" in " ".join(line.texts))
    assert [c.text for c in row.cells][-7:] == ["6", "0", "0", "0", "0", "0", "6"]


@needs_shared(HUAIAN_PDF)
def test_between_the_table_rules_a_rows_label_is_told_from_a_group_label_printed_as_near():
    """At the foot of a page 「（四）无」 (over three rows) is 1.8 pt from the numbers, the row's label 2.28 pt."""
    from reports.importing.pdf import document_lines
    from reports.importing.pdfchars import pdf_pieces

    pages = pdf_pieces(HUAIAN_PDF.read_bytes(), 60)
    assert any(p.band is not None for p in pages[3])  # the Word table's rules are read
    lines = [line for line in document_lines(pages) if line.table]
    row = next(line for line in lines if "1.本机关不掌握相关政府信息" in " ".join(line.texts))
    assert [c.text for c in row.cells][-7:] == ["746", "12", "0", "0", "10", "1", "769"]


# ------------------------------------------------------------------------------- never save a guess


def test_the_built_text_report_reads_back_exactly():
    values = example_values()
    result = read_text(report_text(values))
    assert result.ok, [u.message for u in result.unread_rows]
    assert every_cell(result.values) == every_cell(values)


def test_a_table3_row_with_a_number_too_few_is_refused_naming_the_row_and_its_text():
    values = example_values()
    text = report_text(values, t3={"denied_4": t3_line(values, "denied_4", drop=2)})
    result = read_text(text)
    assert not result.ok
    (unread,) = result.unread_rows
    line = text.split("\n").index(t3_line(values, "denied_4", drop=2)) + 1
    assert unread.where == f"第{line}行" and unread.table == "表三"
    assert "4.保护第三方合法权益" in unread.text and "只读到 6 个数" in unread.reason
    assert "未导入" in result.refusal()


def test_a_table3_row_with_numbers_left_over_is_refused():
    values = example_values()
    result = read_text(report_text(values, t3={"granted": t3_line(values, "granted", add="17"),
                                                "partial": t3_line(values, "partial") + "\t5\t6"}))
    assert not result.ok
    assert any("多出" in u.reason or "对应" in u.reason for u in result.unread_rows)


def test_a_table4_line_with_a_number_too_few_is_refused():
    values = example_values()
    cells = [_n(values.t4(g.code, c.code)) for g in FMT.table4.groups for c in FMT.table4.columns]
    result = read_text(report_text(values, t4="\t".join(cells[1:])))
    assert not result.ok
    (unread,) = result.unread_rows
    assert unread.table == "表四" and "只读到 14 个数" in unread.reason


def test_a_table2_row_with_a_number_too_few_is_refused():
    values = example_values()
    result = read_text(report_text(values, t2={"规章": "规章\t1\t11"}))
    assert not result.ok
    (unread,) = result.unread_rows
    assert unread.table == "表二" and unread.row == "规章" and unread.text == "规章 1 11"


def test_a_missing_table3_row_is_refused_not_left_blank():
    values = example_values()
    for code in ("denied_4", "unable_2"):
        values.table3[code] = {c.code: 0 for c in FMT.table3.entered_columns}
    # Two rows gone: the printed total can't stand in for them.
    result = read_text(report_text(values, t3={"denied_4": "", "unable_2": ""}))
    assert not result.ok
    assert {u.row for u in result.unread_rows} == {"（三）不予公开4.保护第三方合法权益", "（四）无法提供2.没有现成信息需要另行制作"}
    assert all(u.text == "（原文中没有找到这一行）" for u in result.unread_rows)


# ------------------------------------------------------------------------------- the older single （六） row


def _single_other(values: ReportValues, numbers: list[int]) -> str:
    return report_text(values, t3={"other_1": "\t".join(["（六）其他处理", *map(str, numbers)]),
                                   "other_2": "", "other_3": ""})


def test_a_single_other_row_of_zeros_makes_its_three_sub_rows_zero():
    values = example_values()
    for code in ("other_1", "other_2", "other_3"):
        values.table3[code] = {c.code: 0 for c in FMT.table3.entered_columns}
    result = read_text(_single_other(values, [0] * 7))
    assert result.ok, [u.message for u in result.unread_rows]
    for code in ("other_1", "other_2", "other_3"):
        assert [result.values.t3(code, c.code) for c in FMT.table3.entered_columns] == [0] * 6
    assert every_cell(result.values) == every_cell(values)
    assert "三个小项都按 0 导入" in " ".join(n.message for n in result.notes)


def test_a_single_other_row_with_numbers_leaves_the_sub_rows_blank_and_says_why():
    values = example_values()
    for code in ("other_1", "other_2", "other_3"):
        values.table3[code] = {c.code: 0 for c in FMT.table3.entered_columns}
    values.table3["other_1"]["natural"] = 3  # the printed （七）总计 counts the single row's 3
    printed_total = [values.t3("total", c.code) for c in FMT.table3.columns]
    result = read_text(_single_other(values, [3, 0, 0, 0, 0, 0, 3]))
    assert result.ok
    for code in ("other_1", "other_2", "other_3"):
        assert [result.values.t3(code, c.code) for c in FMT.table3.entered_columns] == [None] * 6
    why = [n for n in result.notes if n.kind == "older_layout"]
    assert why and "无法知道它们分别属于哪个小项" in why[0].message and why[0].severity == "warning"
    # The printed 总计 is still compared with the sums, printed against computed.
    differences = {d["key"]: (d["printed"], d["derived"]) for d in result.differences()}
    assert differences["table3.total.natural"] == (printed_total[0], printed_total[0] - 3)


# ------------------------------------------------------------------------------- the 2019 trial format


def trial_text() -> str:
    """A report in the 2019 trial format's shape (its 表二 columns), numbers and prose of our own."""
    return "\n".join([
        "某某局2019年政府信息公开工作年度报告", "一、总体情况", "本局依法公开信息。", "二、主动公开政府信息情况",
        "第二十条第（一）项", "信息内容\t本年新制作数量\t本年新公开数量\t对外公开总数量", "规章\t0\t0\t0",
        "规范性文件\t2\t2\t9", "第二十条第（九）项", "信息内容\t采购项目数量\t采购总金额", "政府集中采购\t3\t12.5",
        "三、收到和处理政府信息公开申请情况", "一、本年新收政府信息公开申请数量\t4\t0\t0\t0\t0\t0\t4",
    ]) + "\n"


def _html(text: str) -> bytes:
    rows = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in line.split("\t")) + "</tr>" if "\t" in line
                   else f"</table><p>{line}</p><table>" for line in text.strip().split("\n"))
    return f"<!doctype html><html><body><table>{rows}</table></body></html>".encode()


def _docx(text: str) -> bytes:
    import docx

    d = docx.Document()
    for line in text.strip().split("\n"):
        if "\t" in line:
            cells = line.split("\t")
            d.add_table(rows=1, cols=len(cells)).rows[0].cells[0].text = cells[0]
            for cell, value in zip(d.tables[-1].rows[0].cells, cells):
                cell.text = value
        else:
            d.add_paragraph(line)
    out = BytesIO()
    d.save(out)
    return out.getvalue()


def _xlsx(text: str) -> bytes:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    for line in text.strip().split("\n"):
        ws.append(line.split("\t"))
    out = BytesIO()
    wb.save(out)
    return out.getvalue()


def _pdf(text: str) -> bytes:
    from weasyprint import HTML

    return HTML(string=_html(text).decode(), base_url="/nonexistent/").write_pdf()


@pytest.mark.parametrize("name, make", [
    ("trial.txt", lambda t: t.encode("utf-8")),
    ("trial.html", _html),
    ("trial.docx", _docx),
    ("trial.xlsx", _xlsx),
    ("trial.pdf", _pdf),
])
def test_a_2019_trial_format_document_is_read_in_that_format_in_every_file_kind(name, make):
    """Told by its 表二 labels (and said so); what it lacks (表三 but its first row) is listed, not guessed."""
    result = read_document(name, make(trial_text()))
    assert result.values.format_version == "2019"
    assert any(n.kind == "inferred" and "按2019 年试行格式" in n.message for n in result.notes)
    assert result.values.table2["normative_made"] == 2 and result.values.table2["normative_public_total"] == 9
    assert result.values.table2["procurement_amount"] == Decimal("12.5")
    unread = {u.row for u in result.unread_rows}
    if name.endswith(".pdf"):  # one row of 表三 is not a table to the PDF reader: it says it found none
        assert any(n.kind == "missing" and "三、收到和处理" in n.message for n in result.notes)
    else:
        assert unread >= {"（六）其他处理", "四、结转下年度继续办理"}
        assert result.values.table3["new"]["natural"] == 4


def test_a_trial_format_json_lacking_cells_is_refused_naming_the_first():
    with pytest.raises(ReadError, match="缺少 table2.regulations_made"):
        read_document("trial.json", b'{"format": "2019", "year": 2019, "table2": {}}')


def test_a_2021_report_that_mentions_procurement_in_its_prose_is_not_taken_for_the_trial_format():
    text = report_text(example_values()).replace("本年度没有收取信息处理费。", "本年度公开了政府集中采购项目信息。")
    assert read_text(text).ok


# ------------------------------------------------------------------------------- nothing changes


def _run(*args) -> str:
    out = StringIO()
    call_command("import_report", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_the_command_refuses_a_document_with_an_unread_row_listing_it_and_saves_nothing(township, tmp_path):
    values = example_values()
    path = tmp_path / "r.txt"
    path.write_text(report_text(values, t3={"denied_4": t3_line(values, "denied_4", drop=0)}), encoding="utf-8")
    with pytest.raises(CommandError) as caught:
        _run(str(path), "--org", "西村乡", "--year", "2024")
    message = str(caught.value)
    assert "未导入" in message and "4.保护第三方合法权益" in message and "只读到 6 个数" in message
    assert not Report.objects.exists()


@pytest.mark.django_db
def test_the_command_imports_a_2020_trial_report_and_refuses_it_for_2022(township, tmp_path):
    path = tmp_path / "trial.json"
    path.write_text((Path(__file__).parent / "fixtures" / "trial_2020.json").read_text(encoding="utf-8"),
                    encoding="utf-8")
    with pytest.raises(CommandError, match="须按2021 年格式"):
        _run(str(path), "--org", "西村乡", "--year", "2022", "--year-as-given")
    assert not Report.objects.exists()
    _run(str(path), "--org", "西村乡", "--year", "2020")
    report = Report.objects.get(year=2020)
    assert report.format_version == "2019" and report.values().table2["licensing_change"] == -2


@pytest.mark.django_db
def test_the_command_never_prints_none_for_a_total(township, tmp_path):
    values = example_values()
    printed = [_n(values.t3("total", c.code)) for c in FMT.table3.columns]
    printed[0] = ""  # a printed 总计 left blank
    path = tmp_path / "r.txt"
    path.write_text(report_text(values, t3={"total": "\t".join(["（七）总计", *printed])}), encoding="utf-8")
    out = _run(str(path), "--org", "西村乡", "--year", "2024", "--dry-run")
    assert "None" not in out
    assert f"原文 空，各项相加 {values.t3('total', 'natural')}" in out


@pytest.mark.django_db
def test_the_preview_lists_unread_rows_offers_no_confirm_and_changes_nothing(client, report, drafter):
    values = example_values()
    text = report_text(values, t3={"denied_4": t3_line(values, "denied_4", drop=0)})
    client.force_login(drafter)
    before = snapshot()
    response = upload(client, f"/reports/{report.pk}/import/", "r.txt", text.encode("utf-8"))
    page = response.content.decode()
    assert response.status_code == 400
    assert "import-unread-rows" in page and "4.保护第三方合法权益" in page and "只读到 6 个数" in page
    assert "确认导入" not in page and "/import/confirm/" not in page
    assert snapshot() == before


@pytest.mark.django_db
def test_the_browser_refuses_the_trial_format_and_changes_nothing(client, report, drafter):
    client.force_login(drafter)
    before = snapshot()
    response = upload(client, f"/reports/{report.pk}/import/", "trial.txt", trial_text().encode("utf-8"))
    assert response.status_code == 400
    assert "2019 年试行格式" in response.content.decode()
    assert snapshot() == before


@needs_shared(HUAIAN_PDF)
def test_the_huaian_overview_parts_written_out_with_qingkuang_are_found():
    result = read_document(HUAIAN_PDF.name, HUAIAN_PDF.read_bytes())
    for part in FMT.overview_parts:
        assert f"overview_{part.code}" in result.prose_found


def test_overview_sub_headings_in_their_usual_wordings_are_found():
    text = report_text(example_values()).replace(
        "本镇按时公开各类信息，办理申请，接受监督。",
        "（一）主动公开情况。本镇公开了预算。\n（二）依申请公开工作。收到申请四件。\n（三）政府信息管理情况。清理了文件。\n"
        "（四）政府信息公开平台建设情况。网站改版。\n（五）政府信息公开监督保障情况。开展了考核。")
    prose = read_text(text).values.prose
    assert prose["overview_proactive"] == "本镇公开了预算。"
    assert prose["overview_on_request"] == "收到申请四件。"
    assert prose["overview_oversight"] == "开展了考核。"


@pytest.mark.django_db
def test_in_a_bulk_upload_a_document_with_an_unread_row_is_listed_and_cannot_be_chosen(client, county_officer,
                                                                                        township):
    import zipfile

    values = example_values()
    bad = report_text(values, t3={"denied_4": t3_line(values, "denied_4", drop=0)}).replace(
        "某某镇人民政府", "西村乡人民政府")
    out = BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("年报/西村乡2024.txt", bad.encode("utf-8"))
        z.writestr("年报/试行格式.txt", trial_text().encode("utf-8"))
    client.force_login(county_officer)
    before = snapshot()
    response = upload(client, "/import/", "reports.zip", out.getvalue())
    page = response.content.decode()
    assert "import-unread-rows" in page and "4.保护第三方合法权益" in page
    assert "2019 年试行格式" in page
    assert 'name="selected"' not in page and 'name="token-0"' not in page
    assert snapshot() == before
