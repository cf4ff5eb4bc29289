"""The consolidated 表二, 表三 and 表四 as an .xlsx workbook in the printed layout (merged cells as printed).

Labels and spans come from the catalogue; the cells are numbers, so a spreadsheet can sum them again.
The workbook is written in openpyxl's write-only mode (rows streamed in order): each table sheet is
first laid out in a `Sheet` (cells by position, merges, sizes), then streamed. A province's 汇总范围
list has tens of thousands of rows, where openpyxl's ~20 µs a cell would take seconds: those rows are
written as openpyxl itself writes them (inline strings) and spliced into the saved sheet.
"""

from __future__ import annotations

import io
import math
import zipfile
from xml.sax.saxutils import escape
from decimal import Decimal

from django.utils import timezone
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from ..county import Consolidation, NO_REPORT_LABEL
from ..values import clean_text
from .excel import FORMULA_STARTS, set_text

if TYPE_CHECKING:
    from openpyxl.worksheet._write_only import WriteOnlyWorksheet

THIN = Side(style="thin", color="000000")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEAD = Font(name="宋体", bold=True, size=10.5)
BODY = Font(name="宋体", size=10.5)
TITLE = Font(name="宋体", bold=True, size=14)
CENTRE = Alignment(horizontal="center", vertical="center", wrap_text=True)
LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True)
RIGHT = Alignment(horizontal="right", vertical="center")
LABEL_CHARS = 22  # CJK characters per line in 表三's sub-row label column


@dataclass
class Sheet:
    """A sheet laid out before it is streamed: cells by (row, col), merged ranges, row heights, column widths."""

    cells: dict[tuple[int, int], tuple] = field(default_factory=dict)  # (value, font, align, border, number_format)
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)
    heights: dict[int, float] = field(default_factory=dict)
    widths: list[float] = field(default_factory=list)

    def put(self, row: int, col: int, value, *, rowspan: int = 1, colspan: int = 1, font=BODY, align=CENTRE,
            border=BOX) -> None:
        """`value` at (row, col), boxed and merged over its spans."""
        for r in range(row, row + rowspan):
            for c in range(col, col + colspan):
                self.cells.setdefault((r, c), (None, None, None, border, None))
        number_format = None
        if isinstance(value, Decimal):  # openpyxl writes a Decimal's exact digits into the file
            places = max(0, -value.as_tuple().exponent)
            number_format = "0." + "0" * places if places else "0"
        self.cells[row, col] = (value, font, align, border, number_format)
        if rowspan > 1 or colspan > 1:
            self.merged.append((row, col, row + rowspan - 1, col + colspan - 1))

    def title(self, text: str, width: int, row: int = 1) -> None:
        self.put(row, 1, text, colspan=width, font=TITLE, border=None)
        self.heights[row] = 24

    def write(self, ws: WriteOnlyWorksheet) -> None:
        """Stream the sheet into `ws` (sizes first: write-only mode writes them before the first row)."""
        _setup(ws, self.widths, self.heights)
        for r1, c1, r2, c2 in self.merged:
            ws.merged_cells.add(f"{get_column_letter(c1)}{r1}:{get_column_letter(c2)}{r2}")
        last = max((r for r, _ in self.cells), default=0)
        width = max((c for _, c in self.cells), default=0)
        for r in range(1, last + 1):
            row = []
            for c in range(1, width + 1):
                spec = self.cells.get((r, c))
                row.append(None if spec is None else _cell(ws, *spec))
            ws.append(row)


def _cell(ws: WriteOnlyWorksheet, value, font, align, border, number_format) -> WriteOnlyCell:
    cell = WriteOnlyCell(ws)
    set_text(cell, value)
    if font is not None:
        cell.font = font
    if align is not None:
        cell.alignment = align
    if border is not None:
        cell.border = border
    if number_format is not None:
        cell.number_format = number_format
    return cell


def _setup(ws: WriteOnlyWorksheet, widths: list[float], heights: dict[int, float]) -> None:
    for i, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = w
    for row, height in heights.items():
        ws.row_dimensions[row].height = height
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToHeight = 0


def _layout(sheet: Sheet, c: Consolidation, table: str, top: int) -> dict[int, int]:
    """The table as the catalogue lays it out, from sheet row `top`; the sheet row of each layout row.

    表二's sub-tables are set one blank row apart, as printed.
    """
    layout = c.fmt.layout(table)
    rows = {row: top + at for row, at in layout.spaced_rows().items()}
    for p in layout.cells:
        if p.key:
            sheet.put(rows[p.row], 1 + p.col, c.values.get(p.key), colspan=p.colspan, align=RIGHT)
        else:
            sheet.put(rows[p.row], 1 + p.col, p.text, rowspan=p.rowspan, colspan=p.colspan, font=HEAD,
                      align=LEFT if p.kind == "label" else CENTRE)
    return rows


def _table2(c: Consolidation, heading: str) -> Sheet:
    sheet = Sheet(widths=[26, 18, 18, 18])
    sheet.title(heading, c.fmt.table2.width)
    _layout(sheet, c, "table2", 3)
    return sheet


def _table3(c: Consolidation, heading: str) -> Sheet:
    fmt = c.fmt
    sheet = Sheet(widths=[12, 14, LABEL_CHARS * 2 + 2] + [11] * len(fmt.table3.columns))
    sheet.title(heading, 3 + len(fmt.table3.columns))
    rows = _layout(sheet, c, "table3", 3)
    # Spreadsheets do not grow a row for wrapped text written by a program: size the long sub-rows.
    for p in fmt.layout("table3").cells:
        if p.kind == "label" and p.colspan == 1 and p.rowspan == 1:
            lines = math.ceil(len(p.text) / LABEL_CHARS)
            if lines > 1:
                sheet.heights[rows[p.row]] = 14 * lines + 2
    sheet.heights[3] = 30
    return sheet


def _table4(c: Consolidation, heading: str) -> Sheet:
    width = c.fmt.layout("table4").columns
    sheet = Sheet(widths=[10] * width)
    sheet.title(heading, width)
    _layout(sheet, c, "table4", 3)
    return sheet


SCOPE_SHEET = 4  # the 汇总范围 sheet is the fourth: xl/worksheets/sheet4.xml
SCOPE_TOP = 5  # its list starts below the title, the summary line and the header


def _scope(ws: WriteOnlyWorksheet, c: Consolidation) -> list[tuple[str, str, str, str]]:
    """Who is counted and who is not: the title, summary line and header here; the list's rows are returned,
    for `_splice` to add (a province lists tens of thousands: openpyxl spends ~20 µs on each cell)."""
    head = Sheet(widths=[32, 22, 16, 14])
    head.title("汇总范围", 4)
    head.put(2, 1, f"计入汇总：已审核通过或已公开发布的报告 {len(c.reports)} 份；"
                   f"未计入：{len(c.left_out)} 个机关。生成时间：{timezone.localtime():%Y-%m-%d %H:%M}",
             colspan=4, font=None, align=LEFT, border=None)
    for col, text in enumerate(["机关", "机关类型", "报告状态", "是否计入汇总"], start=1):
        head.put(4, col, text, font=HEAD, align=None)
    head.write(ws)
    rows = [(r.organisation.name, r.organisation.get_kind_display(), r.get_status_display(), "计入")
            for r in c.reports]
    rows += [(org.name, org.get_kind_display(),
              (report.left_out_reason or report.get_status_display()) if report else NO_REPORT_LABEL, "未计入")
             for org, report in c.left_out]
    return rows


def _inline(ref: str, value: str, quoted: int) -> str:
    """One text cell as openpyxl's write-only mode writes it (an inline string), escaped for XML; a text that a
    spreadsheet would take for a formula when edited gets the quote-prefix style, as set_text gives it."""
    text = ILLEGAL_CHARACTERS_RE.sub("", clean_text(value))
    style = f' s="{quoted}"' if text.startswith(FORMULA_STARTS) else ""
    space = ' xml:space="preserve"' if text != text.strip() else ""
    return f'<c r="{ref}"{style} t="inlineStr"><is><t{space}>{escape(text)}</t></is></c>'


def _splice(data: bytes, rows: list[tuple[str, ...]], quoted: int) -> bytes:
    """The workbook with `rows` added to the end of the 汇总范围 sheet's data, written as openpyxl would."""
    xml = "".join(
        f'<row r="{n}">' + "".join(_inline(f"{col}{n}", value, quoted) for col, value in zip("ABCD", row)) + "</row>"
        for n, row in enumerate(rows, start=SCOPE_TOP)
    )
    name = f"xl/worksheets/sheet{SCOPE_SHEET}.xml"
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            body = src.read(item)
            if item.filename == name:
                body = body.replace(b"</sheetData>", xml.encode() + b"</sheetData>", 1)
            dst.writestr(item, body)
    return out.getvalue()


def consolidated_workbook(c: Consolidation) -> bytes:
    """The workbook: one sheet per table in the official layout, and a sheet naming who is counted."""
    sections = {s.code: s.heading for s in c.fmt.sections}
    caption = f"{c.root.name} {c.year}年度汇总"
    wb = Workbook(write_only=True)
    _table2(c, f"{caption}　{sections['proactive']}").write(wb.create_sheet("表二 主动公开"))
    _table3(c, f"{caption}　{sections['applications']}").write(wb.create_sheet("表三 依申请公开"))
    _table4(c, f"{caption}　{sections['review_litigation']}").write(wb.create_sheet("表四 复议诉讼"))
    scope = wb.create_sheet("汇总范围")
    rows = _scope(scope, c)
    quoted = WriteOnlyCell(scope)
    quoted.quotePrefix = True
    quoted_style = quoted.style_id  # registered in the workbook's styles before it is saved
    out = io.BytesIO()
    wb.save(out)
    return _splice(out.getvalue(), rows, quoted_style)
