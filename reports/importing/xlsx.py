"""Excel (.xlsx) in: any workbook whose sheets show the official tables (ours, from
reports.exports.excel, or an office's own)."""

from __future__ import annotations

import datetime
import zipfile
from io import BytesIO

from .budget import Tally, cells_tally, limits, repack
from .interpret import interpret
from ..exports.excel import INSTRUCTIONS_SHEET
from .result import Cell, ImportResult, Line, ReadError

MAX_ROWS = 2000
MAX_COLUMNS = 60


# ---------------------------------------------------------------------------------------------- reading


BROKEN = ("无法打开这个 Excel 文件：它可能已损坏，或不是真正的 .xlsx 文件。"
          "请在 Excel 中打开后“另存为” .xlsx 再导入。")


def read_xlsx(filename: str, data: bytes) -> ImportResult:
    """Every sheet's first MAX_ROWS rows and MAX_COLUMNS columns, streamed (openpyxl's read-only mode).

    A workbook is unpacked within the import budgets first (`budget.repack`), and reading stops at the
    budget's number of cells: a sheet that claims a million cells costs no more than the cap.
    """
    import openpyxl

    budget = limits()
    package = repack(data, budget, "xlsx", BROKEN, _with_dimension)
    try:
        wb = openpyxl.load_workbook(BytesIO(package), read_only=True, data_only=False)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError) as exc:
        raise ReadError(BROKEN) from exc
    except Exception as exc:  # openpyxl raises many kinds on a damaged package
        raise ReadError("无法打开这个 Excel 文件：文件内容已损坏。") from exc
    lines: list[Line] = []
    tally = cells_tally()
    cached = _Cached(package)
    try:
        for ws in wb.worksheets:
            if ws.title != INSTRUCTIONS_SHEET:
                lines.extend(_sheet_lines(ws, tally, cached))
    except (ReadError, MemoryError, RecursionError):
        raise
    except Exception as exc:  # a damaged sheet surfaces only while it is streamed
        raise ReadError("无法读取这个 Excel 文件：文件内容已损坏。") from exc
    finally:
        wb.close()
        cached.close()
    return interpret(lines, kind="xlsx", filename=filename)


def _with_dimension(name: str, xml: bytes) -> bytes:
    """A worksheet that does not state its size gets one (the most we read): else openpyxl's read-only mode
    parses the whole sheet just to look for it, before a single row is read."""
    from openpyxl.utils import get_column_letter

    if not name.startswith("xl/worksheets/"):
        return xml
    data = xml.find(b"sheetData")
    if data < 0 or xml.find(b"dimension", 0, data) >= 0:
        return xml
    start = xml.rfind(b"<", 0, data)
    prefix = xml[start + 1:data]  # "x:" when the sheet's elements carry a namespace prefix
    if start < 0 or not all(c.isalnum() or c in b"_-.:" for c in prefix):
        return xml
    size = f'<{prefix.decode()}dimension ref="A1:{get_column_letter(MAX_COLUMNS)}{MAX_ROWS}"/>'.encode()
    return xml[:start] + size + xml[start:]


def _sheet_lines(ws, tally: Tally, cached: _Cached) -> list[Line]:
    """A sheet's rows as grid lines, counting cells against the cap; formulas with their cached values."""
    from openpyxl.utils import get_column_letter

    width = min(ws.max_column or MAX_COLUMNS, MAX_COLUMNS)  # the sheet's declared size, if it has one
    rows: list[tuple[int, list[Cell]]] = []
    formulas: dict[str, tuple[int, int]] = {}  # coordinate → (index in rows, column)
    for r, row in enumerate(ws.iter_rows(min_row=1, max_col=width), start=1):
        if r > MAX_ROWS:
            break
        tally.add(len(row))
        cells = []
        for c, cell in enumerate(row[:MAX_COLUMNS], start=1):
            coordinate = f"{get_column_letter(c)}{r}"
            # A text cell may start with "=" too (ours do, see set_text): only the cell's type says formula.
            formula = cell.data_type == "f"
            if formula:
                formulas[coordinate] = (len(rows), c - 1)
            cells.append(_cell(None if formula else cell.value, f"{ws.title}!{coordinate}",
                               cell.number_format or "General", formula))
        rows.append((r, cells))
    if formulas:
        for coordinate, value in cached.values(ws.title, formulas, len(rows)):
            i, c = formulas[coordinate]
            old = rows[i][1][c]
            rows[i][1][c] = _cell(value, old.where, old.number_format, True)
    used = max((c + 1 for _, cells in rows for c, cell in enumerate(cells) if cell.text.strip() or cell.formula),
               default=0)
    lines = []
    for r, cells in rows:
        cells = cells[:used]
        nonblank = [c for c in cells if c.text.strip()]
        if not nonblank and not any(c.formula for c in cells):
            continue
        lines.append(Line(cells, f"{ws.title} 第{r}行", table=len(nonblank) > 1 or any(c.formula for c in cells),
                          grid=True))
    return lines


class _Cached:
    """The workbook as Excel last computed it (formula cells' values), opened once when a formula needs it."""

    def __init__(self, package: bytes):
        self.package, self.wb = package, None

    def values(self, title: str, wanted: dict, rows: int):
        """(coordinate, value) of the wanted cells of a sheet, streamed."""
        import openpyxl
        from openpyxl.utils import get_column_letter

        if self.wb is None:
            self.wb = openpyxl.load_workbook(BytesIO(self.package), read_only=True, data_only=True)
        for r, row in enumerate(self.wb[title].iter_rows(min_row=1, max_row=rows, max_col=MAX_COLUMNS), start=1):
            for c, cell in enumerate(row, start=1):
                coordinate = f"{get_column_letter(c)}{r}"
                if coordinate in wanted:
                    yield coordinate, cell.value

    def close(self) -> None:
        if self.wb is not None:
            self.wb.close()


def _cell(value, where: str, number_format: str, formula: bool) -> Cell:
    if value is None:
        return Cell("", where, None, number_format, formula)
    if isinstance(value, (datetime.datetime, datetime.date, datetime.time)):
        return Cell(value.isoformat(), where, value, number_format, formula)
    if isinstance(value, bool):
        return Cell(str(value), where, value, number_format, formula)
    if isinstance(value, (int, float)):
        text = str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)
        return Cell(text, where, value, number_format, formula)
    return Cell(str(value), where, None, number_format, formula)


