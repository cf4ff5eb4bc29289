"""The document's HTML: every label and number in its cell, semantic tables, escaped prose, offline fetching."""

from __future__ import annotations

import pytest

from reports.catalogue import get_format
from reports.models import Report
from reports.exports.document import (
    CJK_FONTS_MISSING,
    MissingFontsError,
    StaticFilesFetcher,
    cjk_font_families,
    document_article,
    render_html,
    render_pdf,
)
from reports.services import save_values

from .conftest import demo_values
from .rendering_support import HOSTILE, HOSTILE_PIECES, parse, table_grid

pytestmark = pytest.mark.django_db

FMT = get_format()
T3, T4 = FMT.table3, FMT.table4
RESULTS = "三、本年度办理结果"


def expected_t3_labels(code: str) -> list[str]:
    """The three label slots of a 表三 row, worked out from the format's structure (§5.2), not from spans."""
    row = T3.row(code)
    if not (row.result or row.derived):
        return [row.label] * 3
    if row.group:
        return [RESULTS, row.group, row.label]
    return [RESULTS, row.label, row.label]


def _tables(html: str):
    doc = parse(html)
    return {name: doc.xpath(f"//table[contains(@class, '{name}')]")[0] for name in ("t2", "t3", "t4")}


def _cell(value) -> str:
    return "" if value is None else str(value)


def test_table3_holds_every_label_and_number_in_its_cell(report):
    values = report.values()
    grid = table_grid(_tables(render_html(report, draft=True))["t3"])
    assert len(grid) == 3 + len(T3.rows) and len(grid[0]) == 3 + len(T3.columns)
    # The three header rows: corner over the label columns, then 申请人情况 and its columns.
    assert grid[0][:3] == [T3.corner] * 3
    assert grid[0][3:] == ["申请人情况"] * 7
    assert grid[1][3:] == ["自然人"] + ["法人或其他组织"] * 5 + ["总计"]
    assert grid[2][3:] == [c.label for c in T3.columns]
    for line, row in zip(grid[3:], T3.rows):
        assert line[:3] == expected_t3_labels(row.code), row.code
        assert line[3:] == [_cell(values.t3(row.code, c.code)) for c in T3.columns], row.code
    # The demo's numbers, as the seed document printed them.
    assert grid[3][3:] == ["4", "0", "0", "0", "0", "0", "4"]
    assert [line[9] for line in grid[3:] if line[1] == "（七）总计"] == ["2"]
    assert grid[-1][:3] == ["四、结转下年度继续办理"] * 3 and grid[-1][9] == "2"


def test_table2_and_table4_hold_every_label_and_number(report):
    values = report.values()
    tables = _tables(render_html(report, draft=True))
    grid2 = table_grid(tables["t2"])
    expected = []
    for block in FMT.table2.blocks:
        expected.append([block.item] * 4)
        if len(block.header) == 4:
            expected.append(list(block.header))
        else:
            expected.append([block.header[0]] + [block.header[1]] * 3)
        for label, fields in block.rows:
            cells = [_cell(values.table2[f]) for f in fields]
            expected.append([label] + (cells if len(cells) == 3 else cells * 3))
    assert grid2 == expected
    grid4 = table_grid(tables["t4"])
    assert grid4[0] == ["行政复议"] * 5 + ["行政诉讼"] * 10
    assert grid4[1] == [c.label for c in T4.columns] + ["未经复议直接起诉"] * 5 + ["复议后起诉"] * 5
    assert grid4[2] == [c.label for c in T4.columns] * 3
    assert grid4[3] == [_cell(values.t4(g.code, c.code)) for g in T4.groups for c in T4.columns]
    # The seed left the five 行政复议 cells empty: blank stays blank, never 0.
    assert grid4[3][:5] == [""] * 5 and grid4[3][5:] == ["0"] * 10


def test_document_has_title_preface_six_headings_and_signature(report):
    doc = parse(render_html(report, draft=True))
    assert doc.xpath("//h1")[0].text_content() == report.title == "西村乡人民政府2023年政府信息公开工作年度报告"
    assert [h.text_content() for h in doc.xpath("//h2")] == [s.heading for s in FMT.sections]
    assert [h.text_content() for h in doc.xpath("//h3")] == [p.heading for p in FMT.overview_parts]
    assert doc.xpath("//*[contains(@class,'doc-preface')]/p")[0].text_content().startswith("根据《中华人民共和国")
    assert doc.xpath("//*[@class='doc-signature-org']")[0].text_content() == "西村乡人民政府"


def test_tables_are_semantic_for_screen_readers(report):
    doc = parse(render_html(report, draft=True))
    for table in doc.xpath("//table"):
        assert table.xpath("./caption")[0].text_content().strip()
        headers = table.xpath(".//th")
        assert headers and all(th.get("scope") in {"col", "row", "rowgroup"} for th in headers)
    t3 = doc.xpath("//table[contains(@class,'t3')]")[0]
    assert len(t3.xpath("./thead/tr")) == 3
    assert [th.text_content() for th in t3.xpath("./tbody/tr/th[@scope='row']")][:3] == [
        "一、本年新收政府信息公开申请数量", "二、上年结转政府信息公开申请数量", RESULTS]


def test_prose_with_markup_is_escaped_text_in_the_html(report):
    values = report.values()
    values.prose["problems"] = HOSTILE
    values.prose["overview_platform"] = HOSTILE
    save_values(report, values)
    html = render_html(report, draft=True)
    doc = parse(html)
    assert doc.xpath("//img | //link | //script | //iframe") == []
    assert doc.xpath("//*[@src or @href]") == []
    text = doc.text_content()
    for piece in HOSTILE_PIECES:
        assert piece in text
    assert "&lt;img src=&quot;http://127.0.0.1:9/x&quot;&gt;" in html


def test_a_draft_carries_the_watermark_and_a_published_document_never(report):
    draft = parse(render_html(report, draft=True))
    final_html = render_html(report, draft=False)
    final = parse(final_html)
    assert [w.text_content() for w in draft.xpath("//*[contains(@class,'doc-watermark')]")] == ["草稿"]
    assert final.xpath("//*[contains(@class,'doc-watermark')]") == []
    assert "草稿" not in final_html


def test_empty_prose_shows_the_format_placeholder_only_in_a_draft(township):
    from .conftest import make_report

    report = make_report(township, 2024, demo_values())
    assert "（文字描述，收取信息处理费情况在此处报告。）" in parse(render_html(report, draft=True)).text_content()
    assert "（文字描述" not in parse(render_html(report, draft=False)).text_content()


def test_the_signature_date_is_the_publication_day_when_none_was_set(report):
    from django.utils import timezone

    today = timezone.localdate()
    final = parse(render_html(report, draft=False))
    assert final.xpath("//*[@class='doc-signature-date']")[0].text_content() == \
        f"{today.year}年{today.month}月{today.day}日"
    report.signature_date = today.replace(year=2024, month=1, day=20)
    assert "2024年1月20日" in render_html(report, draft=True)


def test_the_html_is_self_contained(report):
    html = render_html(report, draft=False)
    doc = parse(html)
    assert doc.xpath("//link | //script | //img") == []
    assert "@page" in html and "font-family" in html
    assert document_article(html).startswith("<article")


def test_the_fetcher_serves_our_static_files_and_refuses_everything_else():
    fetcher = StaticFilesFetcher()
    prefix = StaticFilesFetcher.static_prefix()
    response = fetcher.fetch(prefix + "reports/print.css")
    assert b"@page" in response.read() and response.content_type == "text/css"
    for url in (
        "http://127.0.0.1:9/x",
        "file:///etc/passwd",
        "https://example.org/static/reports/print.css",
        prefix + "../../../../etc/passwd",
        prefix + "reports/%2e%2e/%2e%2e/settings.py",
        prefix + "reports/nope.css",
        "data:text/css,body{}",
        "ftp://127.0.0.1/x",
    ):
        with pytest.raises(ValueError):
            fetcher.fetch(url)
    assert len(fetcher.refused) == 8 and fetcher.served == [prefix + "reports/print.css"]


def test_rendering_a_pdf_without_a_cjk_font_fails_naming_the_package(report, tmp_path, monkeypatch):
    empty = tmp_path / "fonts.conf"
    empty.write_text('<?xml version="1.0"?><fontconfig></fontconfig>', encoding="utf-8")
    monkeypatch.setenv("FONTCONFIG_FILE", str(empty))
    cjk_font_families.cache_clear()
    try:
        with pytest.raises(MissingFontsError) as caught:
            render_pdf(report, draft=True)
    finally:
        cjk_font_families.cache_clear()
    message = str(caught.value)
    assert message == CJK_FONTS_MISSING
    assert "fonts-noto-cjk" in message and "中文字体" in message and "no CJK font" in message


def test_the_draft_preview_and_its_pdf_are_for_people_who_may_see_the_report(client, report, drafter, outsider):
    url = f"/reports/{report.pk}/document/"
    assert client.get(url).status_code == 404
    client.force_login(outsider)
    assert client.get(url).status_code == 404
    assert client.get(f"/reports/{report.pk}/document.pdf").status_code == 404
    client.force_login(drafter)
    page = client.get(url).content.decode()
    assert "草稿" in page and 'class="doc-watermark"' in page
    assert f'href="/reports/{report.pk}/document.pdf"' in page
    pdf = client.get(f"/reports/{report.pk}/document.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf" and pdf.content[:5] == b"%PDF-"
    assert "%E8%8D%89%E7%A8%BF" in pdf["Content-Disposition"]  # （草稿） in the file name
    docx = client.get(f"/reports/{report.pk}/document.docx")
    assert docx.status_code == 200 and docx.content[:2] == b"PK"


def test_the_draft_pdf_view_explains_missing_fonts_instead_of_failing(client, report, drafter, monkeypatch):
    monkeypatch.setattr("reports.exports.document.cjk_font_families", lambda: ())
    client.force_login(drafter)
    response = client.get(f"/reports/{report.pk}/document.pdf")
    assert response.status_code == 503
    assert "fonts-noto-cjk" in response.content.decode()


def test_a_published_report_previews_without_watermark(client, report, drafter):
    Report.objects.filter(pk=report.pk).update(status=Report.Status.PUBLISHED)
    client.force_login(drafter)
    page = client.get(f"/reports/{report.pk}/document/").content.decode()
    assert 'class="doc-watermark"' not in page
