"""A Word (.docx) report: paragraphs and tables in document order, merged cells laid out as a grid."""

from __future__ import annotations

import zipfile
from io import BytesIO

from .budget import cells_tally, limits, lines_tally, repack
from .interpret import interpret
from .result import Cell, ImportResult, Line, ReadError


BROKEN = ("无法打开这个 Word 文件：它可能已损坏，或不是真正的 .docx 文件。"
          "请在 Word 中打开后“另存为” .docx 再导入。")


def read_docx(filename: str, data: bytes) -> ImportResult:
    import docx
    from docx.oxml.ns import qn
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    package = repack(data, limits(), "docx", BROKEN)  # every part unpacked within the budget, pictures left out
    try:
        document = docx.Document(BytesIO(package))
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, AttributeError, TypeError) as exc:
        raise ReadError(BROKEN) from exc
    except Exception as exc:  # python-docx and lxml raise many kinds on a damaged package
        raise ReadError("无法打开这个 Word 文件：文件内容已损坏。") from exc

    lines: list[Line] = []
    counters = {"p": 0, "t": 0}
    tally, cells = lines_tally(), cells_tally()
    body = document.element.body

    def blocks(parent):
        for child in parent.iterchildren():
            if child.tag == qn("w:p"):
                yield "p", child
            elif child.tag == qn("w:tbl"):
                yield "t", child
            elif child.tag == qn("w:sdt"):
                content = child.find(qn("w:sdtContent"))
                if content is not None:
                    yield from blocks(content)

    for kind, element in blocks(body):
        tally.add()
        if kind == "p":
            counters["p"] += 1
            text = Paragraph(element, document).text.strip()
            if text:
                where = f"第{counters['p']}段"
                lines.append(Line([Cell(text, where)], where))
            continue
        counters["t"] += 1
        lines.extend(_table_lines(Table(element, document), counters["t"], cells))
    return interpret(lines, kind="docx", filename=filename)


def _table_lines(table, number: int, tally) -> list[Line]:
    """Each row as a grid: a cell's text at its first grid column, blanks where spans cover."""
    from docx.table import _Cell

    out = []
    for r, tr in enumerate(table._tbl.tr_lst):
        cells: list[Cell] = []
        col = 0
        before = max(0, min(int(getattr(tr, "grid_before", 0) or 0), 100))
        tally.add(before)
        for _ in range(before):
            cells.append(Cell("", f"第{number}个表格第{r + 1}行第{col + 1}列"))
            col += 1
        for tc in tr.tc_lst:
            where = f"第{number}个表格第{r + 1}行第{col + 1}列"
            span = max(1, min(int(tc.grid_span or 1), 100))
            tally.add(span)
            # A vertically merged continuation holds no text of its own: the label is on the first row.
            text = "" if tc.vMerge == "continue" else _Cell(tc, table).text.strip()
            cells.append(Cell(text, where))
            cells.extend(Cell("", where) for _ in range(span - 1))
            col += span
        out.append(Line(cells, f"第{number}个表格第{r + 1}行", table=True, grid=True))
    return out
