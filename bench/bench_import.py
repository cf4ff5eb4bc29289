"""Import benchmark: reading a report of each kind (PDF, text, HTML, Word) against extracting its text alone.

    .venv/bin/python bench/bench_import.py [--repeat 7]

For every kind of document, in one run and alternately (so both see the same machine load), the median of:
  - import: read_document(), what an upload does: a forked child within the import budgets, the reader
    (positions of every piece of text for a PDF), the interpreter, the notes;
  - reader in-process: the same without the forked child, to show what the budgets cost;
  - baseline: the text alone by the plainest means (pypdf's extract_text for a PDF, decoding for text,
    html.parser's data for HTML, python-docx's paragraphs and cells for Word).
The documents: text, HTML, Word and a PDF (WeasyPrint's, of that HTML) built from the 淮安 example's numbers
(tests/import_builders.py), and the corpus's 淮安 2024 PDF made by Word (when shared/ is there). No database.
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import time
from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SHARED = ROOT.parent / "shared"


def timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def medians(fns, repeat: int) -> list[float]:
    """Medians of each function, run in turn `repeat` times (so that all see the same machine load)."""
    times: list[list[float]] = [[] for _ in fns]
    for _ in range(repeat):
        for i, fn in enumerate(fns):
            times[i].append(timed(fn))
    return [statistics.median(t) for t in times]


class _Text(HTMLParser):
    def __init__(self):
        super().__init__()
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def html_text(data: bytes) -> str:
    parser = _Text()
    parser.feed(data.decode("utf-8"))
    return "".join(parser.parts)


def pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)


def docx_text(data: bytes) -> str:
    import docx

    d = docx.Document(io.BytesIO(data))
    return "\n".join([p.text for p in d.paragraphs]
                     + [c.text for t in d.tables for r in t.rows for c in r.cells])


def _label_cell(cells: list[str]) -> list[str]:
    """A group label and its first sub-row's label (“1.…”) in one cell: every row of the HTML grid has its columns."""
    if len(cells) > 2 and cells[1][:1].isdigit() and cells[1][1:2] == ".":
        return [cells[0] + cells[1], *cells[2:]]
    return cells


def documents() -> list[tuple[str, str, bytes, object]]:
    """(kind, name, bytes, text extractor) for each document."""
    from weasyprint import HTML

    from reports.importing.jsonfile import read_report_json
    from tests.import_builders import official_docx, report_text

    example = SHARED / "spec" / "examples" / "huaian_2024.json"
    values = read_report_json(example.read_text(encoding="utf-8"))[1] if example.exists() else None
    if values is None:
        from tests.conftest import complete_values

        values = complete_values()
    text = report_text(values)
    rows = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in _label_cell(line.split("\t"))) + "</tr>"
                   if "\t" in line else f"</table><p>{line}</p><table>" for line in text.strip().split("\n"))
    html = f"<!doctype html><html><body><table>{rows}</table></body></html>".encode()
    out = [
        ("text", "built.txt", text.encode("utf-8"), lambda d: d.decode("utf-8")),
        ("html", "built.html", html, html_text),
        ("docx", "built.docx", official_docx(values), docx_text),
        ("pdf", "built.pdf", HTML(string=html.decode(), base_url="/nonexistent/").write_pdf(), pdf_text),
    ]
    real = SHARED / "corpus" / "huaian_2024.pdf"
    if real.exists():
        out.append(("pdf", real.name, real.read_bytes(), pdf_text))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=7, help="runs per median (default 7)")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gkportal.settings")
    os.environ.setdefault("DJANGO_DEBUG", "1")
    os.environ.setdefault("DJANGO_LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from reports.importing import _read_cleaned, read_document

    print(f"{'document':<20} {'kind':<5} {'size':>8} {'import':>9} {'in-process':>11} {'text alone':>11} "
          f"{'import/text':>12} {'in-process/text':>16}")
    for kind, name, data, extract in documents():
        result = read_document(name, data)  # warm up (imports, fonts) and check it reads
        assert result.ok, [u.message for u in result.unread_rows]
        full, inside, alone = medians([lambda: read_document(name, data), lambda: _read_cleaned(name, data),
                                       lambda: extract(data)], args.repeat)
        print(f"{name:<20} {kind:<5} {len(data) / 1024:>6.0f}KB {full * 1000:>7.1f}ms {inside * 1000:>9.1f}ms "
              f"{alone * 1000:>9.1f}ms {full / alone:>11.1f}x {inside / alone:>15.1f}x")
    print(f"medians of {args.repeat} runs each; import = read_document() with its forked, budgeted child.")


if __name__ == "__main__":
    main()
