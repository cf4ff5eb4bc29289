"""The PDF: the official text, embedded fonts, A4 pages numbered 「— N —」, 表三 whole, offline, watermark."""

from __future__ import annotations

import re

import pytest

from reports.catalogue import get_format
from reports.exports.document import StaticFilesFetcher, html_to_pdf_pages, render_html, render_pdf

from .rendering_support import (
    HOSTILE_PIECES,
    font_names,
    listening_socket,
    page_texts,
    pdf_reader,
    squeeze,
    unembedded_fonts,
)

pytestmark = pytest.mark.django_db

FMT = get_format()
A4 = (595.28, 841.89)  # points
# The demo PDFs, rendered by the first test that asks and reused by the rest (rendering takes a second).
_RENDERED: dict[str, object] = {}


@pytest.fixture
def demo(report):
    """The demo report's draft and published PDFs, rendered once for the module and reused."""
    if not _RENDERED:
        _RENDERED.update(title=report.title, draft=render_pdf(report, draft=True),
                         final=render_pdf(report, draft=False))
    return _RENDERED


def test_the_pdf_text_holds_the_title_the_six_headings_and_the_table3_labels(demo):
    text = squeeze("".join(page_texts(demo["final"])))
    assert squeeze(demo["title"]) in text
    positions = [text.index(section.heading) for section in FMT.sections]
    assert positions == sorted(positions)
    for part in FMT.overview_parts:
        assert part.heading in text
    for label in {label.text for row in FMT.table3.rows for label in row.labels}:
        assert squeeze(label) in text, label
    for label in [FMT.table3.corner, "申请人情况", "法人或其他组织", *[c.label for c in FMT.table3.columns]]:
        assert squeeze(label) in text, label
    assert "西村乡人民政府" in text.split(FMT.sections[-1].heading)[1]  # the 落款 after section 六


def test_every_font_in_the_pdf_is_embedded_and_cjk(demo):
    for pdf in (demo["draft"], demo["final"]):
        assert unembedded_fonts(pdf) == []
        names = font_names(pdf)
        assert any("CJK" in name or "AR-PL" in name for name in names), names


def test_every_page_is_a4(demo):
    for page in pdf_reader(demo["final"]).pages:
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        assert (round(width, 1), round(height, 1)) == (round(A4[0], 1), round(A4[1], 1))


def test_pages_are_numbered_with_dashes_one_to_the_last(demo):
    texts = page_texts(demo["final"])
    # The demo report: section 一 (pages 1–2), 表二 (page 2), 表三 alone (page 3), 表四 to the 落款 (page 4).
    assert len(texts) == 4
    assert FMT.section("proactive").heading in texts[1] and FMT.section("problems").heading in texts[3]
    for number, text in enumerate(texts, start=1):
        found = re.findall(r"—\s*(\d+)\s*—", text)
        assert found == [str(number)], (number, found)


def test_table3_stays_whole_on_one_page_with_its_heading(demo):
    texts = [squeeze(t) for t in page_texts(demo["final"])]
    heading = FMT.section("applications").heading
    pages = [i for i, t in enumerate(texts) if heading in t]
    assert len(pages) == 1
    page = texts[pages[0]]
    for row in FMT.table3.rows:
        assert squeeze(row.label) in page, row.label
    assert squeeze(FMT.table3.corner) in page


def test_no_heading_is_left_alone_at_the_foot_of_a_page(demo):
    headings = [s.heading for s in FMT.sections] + [p.heading for p in FMT.overview_parts]
    for text in page_texts(demo["final"]):
        lines = [line.strip() for line in text.splitlines() if line.strip() and not re.fullmatch(r"—\s*\d+\s*—", line.strip())]
        assert lines[-1] not in headings, lines[-1]


def test_a_draft_carries_the_watermark_on_every_page_and_the_published_pdf_never(demo):
    assert all("草稿" in text for text in page_texts(demo["draft"]))
    assert not any("草稿" in text for text in page_texts(demo["final"]))


def test_hostile_prose_prints_as_text_and_nothing_is_fetched(report):
    with listening_socket() as (port, connections):
        values = report.values()
        values.prose["problems"] = (
            f'<img src="http://127.0.0.1:9/x"> <link href="file:///etc/passwd"> <script>alert(1)</script>'
            f' <img src="http://127.0.0.1:{port}/y"> <link rel="stylesheet" href="http://127.0.0.1:{port}/z.css">'
        )
        from reports.services import save_values

        save_values(report, values)
        fetcher = StaticFilesFetcher()
        pdf, _ = html_to_pdf_pages(render_html(report, draft=True), fetcher=fetcher)
        assert connections() == 0
    assert fetcher.served == [] and fetcher.refused == []
    text = squeeze("".join(page_texts(pdf)))
    for piece in HOSTILE_PIECES:
        assert squeeze(piece) in text, piece


def test_the_fetcher_refuses_what_a_template_might_reference(report):
    """Defence in depth: were a template to reference outside URLs, the renderer still fetches nothing."""
    with listening_socket() as (port, connections):
        html = render_html(report, draft=True).replace(
            "</head>",
            f'<link rel="stylesheet" href="http://127.0.0.1:{port}/a.css">'
            '<link rel="stylesheet" href="file:///etc/passwd"></head>',
        ).replace("</article>", f'<img src="http://127.0.0.1:{port}/b.png"><img src="/static/reports/print.css"></article>')
        fetcher = StaticFilesFetcher()
        html_to_pdf_pages(html, fetcher=fetcher)
        assert connections() == 0
    assert set(fetcher.refused) == {f"http://127.0.0.1:{port}/a.css", "file:///etc/passwd",
                                    f"http://127.0.0.1:{port}/b.png"}
    assert fetcher.served == [StaticFilesFetcher.static_prefix() + "reports/print.css"]


def test_long_numbers_are_never_broken_inside_their_cells(township):
    """A county's sums run to five or six digits; in 表三's and 表四's narrow columns they stay whole."""
    from reports.services import create_report, save_values

    from .conftest import complete_values

    values = complete_values()
    values.table3["new"].update(natural=35546, commercial=12345, research=99999)
    values.table3["granted"].update(natural=35546, commercial=12345, research=99999)
    values.table3["carry_forward"]["natural"] = 2  # the demo's own 结转 stays balanced
    values.table3["new"]["natural"] += 2
    for group in values.table4:
        values.table4[group].update(maintained=12345, corrected=54321, other=99999, pending=88888)
    report = create_report(township, 2024)
    save_values(report, values)
    lines = [line.split() for text in page_texts(render_pdf(report, draft=False)) for line in text.splitlines()]
    numbers = {token for line in lines for token in line if token.isdigit()}
    assert {"35548", "12345", "99999", "54321", "88888", "255553"} <= numbers
    assert "3554" not in numbers and "1234" not in numbers  # no number split over two lines


def test_the_pdf_is_tagged_with_its_language_and_title(demo):
    for pdf in (demo["draft"], demo["final"]):
        reader = pdf_reader(pdf)
        root = reader.trailer["/Root"]
        assert root["/Lang"] == "zh-Hans"
        assert bool(root["/MarkInfo"]["/Marked"]) and "/StructTreeRoot" in root  # a structure tree
        assert reader.metadata.title.startswith(demo["title"])


def test_django_starts_without_weasyprint_and_a_web_process_loads_it_with_the_renderers_names():
    """A process that never renders (manage.py, a test's subprocess, the worker's start) does not pay for importing
    WeasyPrint (~0.65 s); a web process (the WSGI application) loads it as it starts, and the module's renderer
    names are WeasyPrint's. (Every PDF test renders through html_to_pdf_pages, which loads it itself.)"""
    import os
    import subprocess
    import sys
    from pathlib import Path

    probe = """
import sys, django
django.setup()
print('weasyprint' in sys.modules)
import gkportal.wsgi
from reports.exports import document
print('weasyprint' in sys.modules, type(document.StaticFilesFetcher()).__mro__[1].__module__, document.HTML.__module__)
"""
    env = {k: v for k, v in os.environ.items() if not k.startswith("DATABASE_URL")} | {
        "DJANGO_SETTINGS_MODULE": "gkportal.settings", "DJANGO_DEBUG": "1"}
    root = Path(__file__).resolve().parent.parent
    out = subprocess.run([sys.executable, "-c", probe], cwd=root, env=env, capture_output=True, text=True, timeout=120)
    assert out.stdout.split("\n")[:2] == ["False", "True weasyprint.urls weasyprint"], out.stdout + out.stderr
