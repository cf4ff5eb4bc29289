"""A PDF's text layer, read with pypdf's layout mode: lines keep their horizontal order and spacing.

pypdf was chosen over pdfminer.six: it is pure Python, already used by the test suite to check the PDFs
we print, and its layout mode gives each printed line with its cells separated by runs of spaces,
which is what the table reader needs. Scanned PDFs (images only) have no text layer: say so.

What a text layer cannot give: the position of an empty cell. A table row with fewer numbers than
columns is read with its numbers from the left and the rest blank, and the preview says so.
"""

from __future__ import annotations

import logging
import re
from io import BytesIO

from .interpret import interpret
from .result import Cell, ImportResult, Line, ReadError

MAX_PAGES = 60
_PAGE_NUMBER = re.compile(r"^[\s\-—–－]*(第\s*)?\d{1,3}(\s*页)?([\s/／]*共?\s*\d{1,3}\s*页?)?[\s\-—–－]*$")
_NUMBER = re.compile(r"^[+-]?\d[\d,]*(\.\d+)?$|^[/／—–-]$")


def read_pdf(filename: str, data: bytes) -> ImportResult:
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = PdfReader(BytesIO(data))
        if reader.is_encrypted:
            raise ReadError("这个 PDF 文件有密码保护，无法读取。请导出不加密的 PDF 后再导入。")
        pages = [page.extract_text(extraction_mode="layout") or "" for page in reader.pages[:MAX_PAGES]]
    except ReadError:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, OSError, IndexError) as exc:
        raise ReadError("无法读取这个 PDF 文件：它可能已损坏。") from exc
    except Exception as exc:  # pypdf raises many kinds on a damaged file
        raise ReadError("无法读取这个 PDF 文件：文件内容已损坏。") from exc
    if not "".join(pages).strip():
        raise ReadError("这个 PDF 没有文字层（可能是扫描件或图片），无法读取其中的数字。"
                        "请导入 Word 原文件，或用文字识别（OCR）软件转换后再导入。")
    return interpret(pdf_lines(pages), kind="pdf", filename=filename)


def pdf_lines(pages: list[str]) -> list[Line]:
    """Paragraph lines joined until a blank line; lines ending in numbers become table rows."""
    out: list[Line] = []
    paragraph: list[str] = []
    where = ""

    def flush() -> None:
        if paragraph:
            out.append(Line([Cell("".join(paragraph), where)], where))
            paragraph.clear()

    for p, text in enumerate(pages, start=1):
        for n, raw in enumerate(text.split("\n"), start=1):
            line = raw.rstrip()
            if not line.strip():
                flush()
                continue
            if _PAGE_NUMBER.match(line):
                continue
            cells = _cells(line)
            here = f"第{p}页第{n}行"
            # A row of numbers, or a header row (several labels separated by wide gaps), is a table line.
            if (len(cells) > 1 and any(_NUMBER.match(c) for c, _ in cells)) or len(cells) > 2:
                flush()
                out.append(Line([Cell(c, f"{here}第{i}格", x=x) for i, (c, x) in enumerate(cells, start=1)], here,
                                table=True))
            else:
                if not paragraph:
                    where = here
                paragraph.append(line.strip())
        flush()
    return out


def _cells(line: str) -> list[tuple[str, int]]:
    """(text, column) cells: split on wide gaps, and trailing space-separated numbers into cells of their own."""
    parts = [(m.group(), m.start()) for m in re.finditer(r"\S+(?: \S+)*", line)]
    cells: list[tuple[str, int]] = []
    for part, start in parts:
        tokens = [(m.group(), start + m.start()) for m in re.finditer(r"\S+", part)]
        tail: list[tuple[str, int]] = []
        while tokens and _NUMBER.match(tokens[-1][0]):
            tail.insert(0, tokens.pop())
        if len(parts) == 1 and tokens and len(tail) < 2:  # 「发布信息 65」 in a sentence is prose
            tokens, tail = tokens + tail, []
        if tokens:
            cells.append((" ".join(t for t, _ in tokens), tokens[0][1]))
        cells.extend(tail)
    return cells
