"""The document: one context and one template for the web page, the frozen HTML and the PDF.

`render_html` gives a self-contained HTML file (its CSS inline); `render_pdf` is WeasyPrint over that
same string, with a URL fetcher that serves only our static files from disk and refuses everything
else, so neither a template nor anything a user typed can make the renderer reach the network.
"""

from __future__ import annotations

import datetime
import logging
import mimetypes
import shutil
import subprocess
import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import timezone

from ..catalogue import Column, Label, Row
from ..models import Report
from ..values import Count, ReportValues

logger = logging.getLogger(__name__)

# The origin WeasyPrint resolves relative URLs against. `.invalid` can never resolve (RFC 2606), and
# the fetcher below answers for it from disk without any network.
RENDER_ORIGIN = "https://gkportal.invalid"
DOCUMENT_MARKERS = ("<!--gkportal:document-->", "<!--/gkportal:document-->")


@dataclass(frozen=True)
class ValueCell:
    key: str  # table3.new.natural
    value: Count
    name: str  # row + column, for screen readers and messages
    derived: bool


@dataclass(frozen=True)
class Table3Line:
    row: Row
    labels: tuple[Label, ...]
    cells: tuple[ValueCell, ...]


def table3_lines(values: ReportValues) -> list[Table3Line]:
    t3 = values.format.table3
    lines = []
    for row in t3.rows:
        cells = tuple(
            ValueCell(
                f"table3.{row.code}.{col.code}",
                values.t3(row.code, col.code),
                t3.cell_name(row.code, col.code),
                row.derived or col.derived,
            )
            for col in t3.columns
        )
        lines.append(Table3Line(row, row.labels, cells))
    return lines


def table4_cells(values: ReportValues) -> list[ValueCell]:
    t4 = values.format.table4
    return [
        ValueCell(f"table4.{g.code}.{c.code}", values.t4(g.code, c.code), t4.cell_name(g.code, c.code), c.derived)
        for g in t4.groups
        for c in t4.columns
    ]


def table2_blocks(values: ReportValues) -> list[dict[str, Any]]:
    """表二's sub-tables for the templates: header cells and value cells with the catalogue's colspans."""
    t2 = values.format.table2
    blocks = []
    for block in t2.blocks:
        spans = t2.spans(block)
        rows = []
        for label, fields in block.rows:
            cells = [(ValueCell(f"table2.{key}", values.table2[key], f"{label}（{column}）", False), span)
                     for column, key, span in zip(block.header[1:], fields, spans)]
            rows.append({"label": label, "cells": cells})
        header = [(block.header[0], 1), *zip(block.header[1:], spans)]
        blocks.append({"block": block, "header": header, "rows": rows, "width": t2.width})
    return blocks


def is_draft(report: Report) -> bool:
    """Everything short of publication prints as a draft (with the 草稿 watermark)."""
    return report.status != Report.Status.PUBLISHED


def signature_date_text(report: Report, *, draft: bool, today: datetime.date | None = None) -> str:
    """The 成文日期 of the 落款: the date set on the report, else the day of publication; blank in a draft."""
    date = report.signature_date or (None if draft else today or timezone.localdate())
    if date is None:
        return "　　年　　月　　日"
    return f"{date.year}年{date.month}月{date.day}日"


def document_context(
    report: Report,
    values: ReportValues | None = None,
    *,
    draft: bool | None = None,
    correction_note: str = "",
) -> dict[str, Any]:
    """Everything the document templates need, for the page and the print outputs alike."""
    values = values or report.values()
    fmt = values.format
    draft = is_draft(report) if draft is None else draft
    return {
        "report": report,
        "fmt": fmt,
        "values": values,
        "title": report.title,
        "draft": draft,
        "sections": {s.code: s for s in fmt.sections},
        "overview_parts": [(part, values.prose[f"overview_{part.code}"]) for part in fmt.overview_parts],
        "table2": table2_blocks(values),
        "table3": table3_lines(values),
        "table3_columns": fmt.table3.columns,
        "table4": table4_cells(values),
        "signature_name": report.signed_by,
        "signature_date_text": signature_date_text(report, draft=draft),
        "correction_note": correction_note,
    }


# ---------------------------------------------------------------- HTML


def static_text(path: str) -> str:
    """A static file of ours, read from disk (to inline our CSS into a self-contained document)."""
    found = finders.find(path)
    if not found:
        raise FileNotFoundError(f"static file {path} not found")
    return Path(found).read_text(encoding="utf-8")


def render_html(report: Report, *, draft: bool, correction_note: str = "",
                values: ReportValues | None = None) -> str:
    """The document as one self-contained HTML file (no external references): what is frozen and printed."""
    context = document_context(report, values, draft=draft, correction_note=correction_note)
    context["document_css"] = static_text("reports/document.css")
    context["screen_css"] = static_text("reports/screen.css")
    context["print_css"] = static_text("reports/print.css")
    return render_to_string("reports/print.html", context)


def document_article(html: str) -> str:
    """The <article> of a rendered document, between its markers (for embedding a frozen one in a page)."""
    start, end = DOCUMENT_MARKERS
    head, sep, rest = html.partition(start)
    article, sep2, _ = rest.partition(end)
    if not (sep and sep2):
        raise ValueError("the document HTML lacks its article markers")
    return article.strip()


# ---------------------------------------------------------------- fonts

CJK_FONTS_MISSING = (
    "无法生成 PDF：服务器上没有安装中文字体，汉字会印成方框。"
    "请安装 Debian 软件包 fonts-noto-cjk（以 root 运行：apt-get install fonts-noto-cjk），然后重试。"
    " / Cannot render the PDF: no CJK font is installed, so Chinese text would print as boxes."
    " Install the Debian package fonts-noto-cjk (apt-get install fonts-noto-cjk) and try again."
)


class MissingFontsError(RuntimeError):
    """No CJK font is installed: the PDF would show boxes instead of characters."""


@lru_cache(maxsize=1)
def cjk_font_families() -> tuple[str, ...]:
    """The font families fontconfig offers for Chinese (`fc-list :lang=zh family`)."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return ()
    try:
        out = subprocess.run([fc_list, ":lang=zh", "family"], capture_output=True, text=True, timeout=60).stdout
    except (OSError, subprocess.SubprocessError):
        return ()
    return tuple(sorted({name.strip() for line in out.splitlines() for name in line.split(",") if name.strip()}))


def require_cjk_fonts() -> None:
    if not cjk_font_families():
        raise MissingFontsError(CJK_FONTS_MISSING)


# ---------------------------------------------------------------- PDF

class FetchRefused(ValueError):
    """A URL the renderer may not fetch: anything that is not one of our static files."""


# WeasyPrint is imported on the first render, not with the module: its import takes ~0.65 s of CPU
# (its C bindings' declarations), and every process imports this module when Django starts (the
# publication receiver), though most never render: a manage.py command, a test's subprocess, a worker.
# `HTML` and `StaticFilesFetcher` are this module's attributes as before (PEP 562 `__getattr__` below).
_weasyprint_lock = threading.Lock()


def _load_weasyprint() -> None:
    global HTML, StaticFilesFetcher
    with _weasyprint_lock:
        if "StaticFilesFetcher" in globals():
            return
        from weasyprint import HTML
        # WeasyPrint ≥ 68: a fetcher is a URLFetcher subclass (the function API before it is deprecated).
        from weasyprint.urls import URLFetcher, URLFetcherResponse

        class StaticFilesFetcher(URLFetcher):
            """Serves the project's static files from disk; refuses every other URL, and never opens a socket."""

            def __init__(self) -> None:
                super().__init__(timeout=1, allowed_protocols=(), allow_redirects=False)
                self.served: list[str] = []
                self.refused: list[str] = []

            @staticmethod
            def static_prefix() -> str:
                return RENDER_ORIGIN + "/" + settings.STATIC_URL.strip("/") + "/"

            def static_path(self, url: str) -> Path | None:
                """The file on disk for one of our static URLs, or None."""
                prefix = self.static_prefix()
                if not url.startswith(prefix):
                    return None
                parts = urlsplit(url)
                if parts.query or parts.fragment or parts.username or parts.password:
                    return None
                relative = unquote(url[len(prefix):])
                pieces = relative.split("/")
                if not relative or "\\" in relative or "\x00" in relative or any(p in ("", ".", "..") for p in pieces):
                    return None
                found = finders.find(relative)
                return Path(found) if found else None

            def fetch(self, url: str, headers: dict | None = None) -> URLFetcherResponse:
                path = self.static_path(url)
                if path is None or not path.is_file():
                    self.refused.append(url)
                    logger.warning("refused to fetch %s while rendering a document", url)
                    raise FetchRefused(f"gkportal renders without network and serves only its static files: {url}")
                self.served.append(url)
                content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
                return URLFetcherResponse(url, body=path.read_bytes(), headers={"Content-Type": content_type})


def __getattr__(name: str) -> Any:
    if name in ("HTML", "StaticFilesFetcher"):
        _load_weasyprint()
        return globals()[name]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def html_to_pdf_pages(html: str, *, fetcher: StaticFilesFetcher | None = None) -> tuple[bytes, int]:
    """WeasyPrint over a rendered document, offline: the PDF and its page count.

    Fails with a clear message (MissingFontsError) when no CJK font is installed.
    """
    require_cjk_fonts()
    _load_weasyprint()
    document = HTML(string=html, base_url=RENDER_ORIGIN + "/", url_fetcher=fetcher or StaticFilesFetcher()).render()
    # Tagged (a structure tree for screen readers and reflow), its language from <html lang>: GB/T 37668.
    return document.write_pdf(pdf_tags=True), len(document.pages)


def html_to_pdf(html: str, *, fetcher: StaticFilesFetcher | None = None) -> bytes:
    return html_to_pdf_pages(html, fetcher=fetcher)[0]


def render_pdf(report: Report, *, draft: bool, correction_note: str = "") -> bytes:
    """The print-ready PDF: A4, embedded fonts, page numbers; a draft carries the 草稿 watermark."""
    return html_to_pdf(render_html(report, draft=draft, correction_note=correction_note))


__all__ = [
    "Column",
    "MissingFontsError",
    "StaticFilesFetcher",
    "document_article",
    "document_context",
    "html_to_pdf",
    "html_to_pdf_pages",
    "is_draft",
    "render_html",
    "render_pdf",
    "table2_blocks",
    "table3_lines",
    "table4_cells",
]
