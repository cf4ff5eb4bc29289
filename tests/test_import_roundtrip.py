"""Round trips through the real exporters on main: the report page, the frozen publication and the public
page (HTML), the Word export and the printed PDF each import back to the report they were made from."""

from __future__ import annotations

import datetime
import re

import pytest
from django.utils import timezone

from reports.exports.word import render_docx
from reports.importing.jsonfile import read_report_json
from reports.importing import read_document
from reports.models import Report
from reports.publishing import freeze_publication
from reports.exports.document import render_html
from reports.values import PROSE_FIELDS

from .conftest import EXAMPLES, make_report, needs_shared
from .import_builders import large_values, printed_pdf

pytestmark = pytest.mark.django_db
TABLES = ("table2", "table3", "table4")


def tables(values) -> dict:
    data = values.to_json_dict()
    return {k: data[k] for k in TABLES}


def paragraphs(text: str) -> list[str]:
    """Prose as the other tests compare it: its paragraphs (one per line), surrounding space removed."""
    return [p.strip() for p in text.split("\n") if p.strip()]


def assert_same_report(result, report, *, prose: bool = True) -> None:
    original = report.values()
    assert tables(result.values) == tables(original)
    assert result.values.table2["fees_10k_yuan"] == original.table2["fees_10k_yuan"]
    assert result.values.printed_totals == {}  # every printed 总计 read equals its sum
    assert (result.org_name, result.year) == (report.organisation.name, report.year)
    if prose:
        for name in PROSE_FIELDS:
            assert paragraphs(result.values.prose[name]) == paragraphs(original.prose[name]), name


def assert_signature_is_not_prose(result, report, date: datetime.date | None) -> None:
    """The 落款 (organisation, date) is read as the signature and is in no prose field."""
    assert result.signature_name == report.organisation.name
    assert result.signature_date == date
    for name in PROSE_FIELDS:
        text = result.values.prose[name]
        assert "年　　月" not in text and "年  月" not in text, name
    assert not result.values.prose["other_matters"].endswith(report.organisation.name)


def publish(report: Report, approver):
    """The approved report, published and frozen (what the workflow's publish() does)."""
    Report.objects.filter(pk=report.pk).update(status=Report.Status.PUBLISHED)
    report.status = Report.Status.PUBLISHED
    return freeze_publication(report, by=approver)


@pytest.fixture
def large(township) -> Report:
    return make_report(township, 2024, large_values())


# ---------------------------------------------------------------------------------------- HTML


def test_the_draft_preview_html_imports_back_to_the_same_report(report):
    result = read_document("preview.html", render_html(report, draft=True).encode())
    assert_same_report(result, report)
    assert_signature_is_not_prose(result, report, None)  # a draft's 成文日期 is left blank: 「　　年　　月　　日」
    assert result.values.prose["other_matters"] == report.values().prose["other_matters"]


def test_the_frozen_publication_html_imports_back_to_the_same_report(large, approver):
    publication = publish(large, approver)
    result = read_document("frozen.html", publication.html.encode())
    assert_same_report(result, large)
    assert_signature_is_not_prose(result, large, timezone.localdate())


def test_the_public_page_imports_back_to_the_same_report(client, report, approver):
    publish(report, approver)
    page = client.get(f"/gongkai/{report.organisation_id}/{report.year}/")
    assert page.status_code == 200
    result = read_document("gongkai.html", page.content)
    assert_same_report(result, report)
    assert_signature_is_not_prose(result, report, timezone.localdate())


def test_a_signed_date_is_read_as_the_signature_date(report):
    report.signature_date = datetime.date(2024, 1, 18)
    report.save()
    result = read_document("signed.html", render_html(report, draft=True).encode())
    assert_signature_is_not_prose(result, report, datetime.date(2024, 1, 18))


@pytest.mark.parametrize("printed, date", [
    ("　　年　　月　　日", None),
    ("____年__月__日", None),
    ("2024年　月　日", None),
    ("二〇二四年一月二十日", datetime.date(2024, 1, 20)),
    ("2024 年 1 月 20 日", datetime.date(2024, 1, 20)),
])
def test_every_way_of_writing_the_signature_date_is_the_signature(report, printed, date):
    page = render_html(report, draft=True).replace("　　年　　月　　日", printed)
    result = read_document("signed.html", page.encode())
    assert_signature_is_not_prose(result, report, date)
    assert result.values.prose["other_matters"] == report.values().prose["other_matters"]


def test_a_date_inside_the_text_of_section_six_stays_in_the_text(report):
    values = report.values()
    values.prose["other_matters"] = "本单位未收取信息处理费。\n2023年12月31日\n以上情况特此说明。"
    report = make_report(report.organisation, 2022, values)
    result = read_document("p.html", render_html(report, draft=True).encode())
    assert paragraphs(result.values.prose["other_matters"]) == paragraphs(values.prose["other_matters"])
    assert result.signature_name == report.organisation.name


def test_the_templates_placeholder_in_an_unwritten_draft_is_not_read_as_text(township):
    values = large_values()
    values.prose["problems"] = ""
    report = make_report(township, 2024, values)
    page = render_html(report, draft=True)
    placeholder = next(s.placeholder for s in values.format.sections if s.code == "problems")
    assert placeholder in page
    result = read_document("draft.html", page.encode())
    assert result.values.prose["problems"] == ""
    assert any("占位文字" in n.message for n in result.notes)
    assert tables(result.values) == tables(report.values())


# ---------------------------------------------------------------------------------------- Word


@pytest.mark.parametrize("draft", [False, True])
def test_the_word_export_imports_back_to_the_same_report(report, large, draft):
    for r in (report, large):
        result = read_document("export.docx", render_docx(r, draft=draft))
        assert result.kind == "docx"
        assert_same_report(result, r)
        assert_signature_is_not_prose(result, r, None if draft else timezone.localdate())
        assert not any("草稿" in result.values.prose[name] for name in PROSE_FIELDS)


# ---------------------------------------------------------------------------------------- the printed PDF


def test_the_printed_pdf_of_the_demo_report_imports_back_to_the_same_numbers(report):
    result = read_document("report.pdf", printed_pdf(report, draft=False))
    assert result.kind == "pdf"
    assert_same_report(result, report)  # the five blank 行政复议 cells stay blank
    assert result.sources["table4.litigation_direct.maintained"].startswith("第")
    assert_signature_is_not_prose(result, report, timezone.localdate())


def test_the_printed_pdf_with_large_numbers_in_every_column_imports_back_to_the_same_numbers(large):
    result = read_document("report.pdf", printed_pdf(large, draft=False))
    assert_same_report(result, large)
    assert not [n for n in result.notes if n.severity != "info"], [n.message for n in result.notes]


def test_a_draft_pdf_watermark_is_neither_a_number_nor_text(report):
    result = read_document("draft.pdf", printed_pdf(report, draft=True))
    assert_same_report(result, report)
    assert not any("草稿" in result.values.prose[name] for name in PROSE_FIELDS)
    assert_signature_is_not_prose(result, report, None)


def test_blank_cells_in_each_table_of_the_printed_pdf_stay_blank_under_their_columns(township):
    values = large_values()
    values.table2["regulations_repealed"] = None
    values.table3["granted"]["research"] = None
    values.table3["denied_4"]["natural"] = None
    values.table3["carry_forward"]["other_org"] = None
    values.table4["litigation_direct"]["other"] = None
    report = make_report(township, 2024, values)
    result = read_document("blanks.pdf", printed_pdf(report, draft=False))
    assert tables(result.values) == tables(report.values())
    placed = [n for n in result.notes if "按每个数在页面上的位置对应到列" in n.message]
    assert len(placed) == 5  # a row of 表二, three of 表三 and the row of 表四, each named for the clerk to check


@needs_shared(EXAMPLES)
def test_the_printed_pdf_of_the_huaian_example_imports_back_to_the_same_numbers(township):
    values = read_report_json((EXAMPLES / "huaian_2024.json").read_text(encoding="utf-8"))[1]
    report = make_report(township, 2024, values)
    result = read_document("huaian.pdf", printed_pdf(report, draft=False))
    assert_same_report(result, report, prose=False)


def test_prose_that_runs_over_a_page_break_is_one_paragraph(township):
    values = large_values()
    long = "".join(f"第{i}句说明本年度政府信息公开工作的有关情况和下一步的改进措施。" for i in range(1, 40))
    values.prose["problems"] = long + "\n二是另一个问题。"
    report = make_report(township, 2024, values)
    result = read_document("long.pdf", printed_pdf(report, draft=False))
    assert paragraphs(result.values.prose["problems"]) == [long, "二是另一个问题。"]
    assert tables(result.values) == tables(report.values())


def test_without_pypdfs_layout_internals_the_pdf_is_still_read_from_its_layout_text(large, monkeypatch):
    monkeypatch.setattr("reports.importing.pdfchars.available", lambda: False)  # no pdfplumber
    monkeypatch.setattr("reports.importing.pdf.layout_internals", lambda: None)  # a later pypdf moved them
    result = read_document("report.pdf", printed_pdf(large, draft=False))
    assert tables(result.values)["table3"] == tables(large.values())["table3"]
    assert re.search(r"第\d+页", result.sources["table3.new.natural"])
