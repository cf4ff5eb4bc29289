"""Helpers for the rendering and public-page tests: HTML tables as grids, PDF facts, hostile prose."""

from __future__ import annotations

import io
import socket
from contextlib import contextmanager

from lxml import html as lxml_html

HOSTILE = (
    'Attacker text <img src="http://127.0.0.1:9/x"> and <link href="file:///etc/passwd"> '
    "and <script>alert(1)</script> end."
)
HOSTILE_PIECES = ('<img src="http://127.0.0.1:9/x">', '<link href="file:///etc/passwd">', "<script>alert(1)</script>")


def table_grid(table) -> list[list[str]]:
    """An HTML table (lxml element) as a grid of cell texts, every spanned slot filled with its cell's text."""
    grid: dict[tuple[int, int], str] = {}
    rows = table.xpath("./thead/tr | ./tbody/tr | ./tr")
    for r, tr in enumerate(rows):
        c = 0
        for cell in tr.xpath("./th | ./td"):
            while (r, c) in grid:
                c += 1
            text = " ".join(cell.text_content().split())
            for dr in range(int(cell.get("rowspan", 1))):
                for dc in range(int(cell.get("colspan", 1))):
                    grid[(r + dr, c + dc)] = text
            c += int(cell.get("colspan", 1))
    height = 1 + max(r for r, _ in grid)
    width = 1 + max(c for _, c in grid)
    return [[grid.get((r, c), "<missing>") for c in range(width)] for r in range(height)]


def parse(html: str):
    return lxml_html.fromstring(html)


def pdf_reader(data: bytes):
    from pypdf import PdfReader

    return PdfReader(io.BytesIO(data))


def page_texts(data: bytes) -> list[str]:
    return [page.extract_text() or "" for page in pdf_reader(data).pages]


def squeeze(text: str) -> str:
    """Text without any whitespace: PDF extraction breaks lines where the layout wrapped them."""
    return "".join(text.split())


def unembedded_fonts(data: bytes) -> list[str]:
    """Names of the fonts a PDF uses without embedding them (empty when every font is embedded)."""
    missing = []
    for page in pdf_reader(data).pages:
        fonts = page.get("/Resources", {}).get("/Font", {})
        for ref in fonts.values():
            font = ref.get_object()
            descendants = font.get("/DescendantFonts")
            target = descendants[0].get_object() if descendants else font
            descriptor = target.get("/FontDescriptor")
            descriptor = descriptor.get_object() if descriptor is not None else {}
            if not any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")):
                missing.append(str(font.get("/BaseFont")))
    return missing


def font_names(data: bytes) -> set[str]:
    names = set()
    for page in pdf_reader(data).pages:
        for ref in page.get("/Resources", {}).get("/Font", {}).values():
            names.add(str(ref.get_object().get("/BaseFont")))
    return names


@contextmanager
def listening_socket():
    """A TCP listener on 127.0.0.1 that must see no connection: yields (port, connections())."""
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    server.setblocking(False)

    def connections() -> int:
        count = 0
        while True:
            try:
                conn, _ = server.accept()
            except BlockingIOError:
                return count
            conn.close()
            count += 1

    try:
        yield server.getsockname()[1], connections
    finally:
        server.close()
