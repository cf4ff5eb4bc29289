"""The consolidated 表二, 表三 and 表四 as an .xlsx workbook in the printed layout (merged cells as printed).

Labels and spans come from the catalogue; the cells are numbers, so a spreadsheet can sum them again.
"""

from __future__ import annotations

import io
import math
from decimal import Decimal
from typing import Iterable

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from ..catalogue import Label
from ..county import Consolidation, NO_REPORT_LABEL
from .excel import set_text
from .document import table2_blocks, table3_lines, table4_cells

THIN = Side(style="thin", color="000000")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEAD = Font(name="宋体", bold=True, size=10.5)
BODY = Font(name="宋体", size=10.5)
TITLE = Font(name="宋体", bold=True, size=14)
CENTRE = Alignment(horizontal="center", vertical="center", wrap_text=True)
LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True)
RIGHT = Alignment(horizontal="right", vertical="center")
LABEL_CHARS = 22  # CJK characters per line in 表三's sub-row label column


class _Grid:
    """Places cells with spans on a sheet like an HTML table: each label takes the next free column."""

    def __init__(self, ws: Worksheet, top: int, left: int = 1):
        self.ws, self.row, self.left = ws, top, left
        self.taken: set[tuple[int, int]] = set()

    def next_free(self, col: int) -> int:
        while (self.row, col) in self.taken:
            col += 1
        return col

    def put(self, col: int, value, *, rowspan: int = 1, colspan: int = 1, font=BODY, align=CENTRE) -> int:
        """Write `value` at the first free column from `col`, merged over its spans; the next column."""
        col = self.next_free(col)
        for r in range(self.row, self.row + rowspan):
            for c in range(col, col + colspan):
                self.taken.add((r, c))
                self.ws.cell(r, c).border = BOX
        cell = self.ws.cell(self.row, col)
        set_text(cell, value)
        cell.font, cell.alignment = font, align
        if rowspan > 1 or colspan > 1:
            self.ws.merge_cells(start_row=self.row, start_column=col, end_row=self.row + rowspan - 1,
                                end_column=col + colspan - 1)
        return col + colspan

    def labels(self, labels: Iterable[Label], *, font=HEAD, align=CENTRE) -> int:
        col = self.left
        for label in labels:
            col = self.put(col, label.text, rowspan=label.rowspan, colspan=label.colspan, font=font, align=align)
        return col

    def value(self, col: int, value, colspan: int = 1) -> int:
        col = self.next_free(col)
        # openpyxl writes a Decimal's exact digits into the file.
        end = self.put(col, value, colspan=colspan, align=RIGHT)
        if isinstance(value, Decimal):
            places = max(0, -value.as_tuple().exponent)
            self.ws.cell(self.row, col).number_format = "0." + "0" * places if places else "0"
        return end

    def newline(self) -> None:
        self.row += 1


def _title(ws: Worksheet, text: str, width: int, row: int = 1) -> None:
    set_text(ws.cell(row, 1), text)
    ws.cell(row, 1).font = TITLE
    ws.cell(row, 1).alignment = CENTRE
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)
    ws.row_dimensions[row].height = 24


def _widths(ws: Worksheet, widths: list[float]) -> None:
    for i, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = w


def _table2(ws: Worksheet, c: Consolidation, heading: str) -> None:
    _title(ws, heading, 4)
    grid = _Grid(ws, 3)
    for block in table2_blocks(c.values):
        grid.put(1, block["block"].item, colspan=4, font=HEAD)
        grid.newline()
        for i, h in enumerate(block["block"].header):
            grid.put(i + 1, h, colspan=3 if block["width"] == 2 and i == 1 else 1, font=HEAD)
        grid.newline()
        for r in block["rows"]:
            col = grid.put(1, r["label"], font=HEAD, align=LEFT)
            for cell in r["cells"]:
                col = grid.value(col, cell.value, colspan=3 if block["width"] == 2 else 1)
            grid.newline()
        grid.newline()
    _widths(ws, [26, 18, 18, 18])


def _table3(ws: Worksheet, c: Consolidation, heading: str) -> None:
    fmt = c.fmt
    _title(ws, heading, 3 + len(fmt.table3.columns))
    grid = _Grid(ws, 3)
    for i, header_row in enumerate(fmt.table3.header):
        if i == 0:
            grid.put(1, fmt.table3.corner, rowspan=len(fmt.table3.header), colspan=3, font=HEAD)
        grid.labels(header_row)
        grid.newline()
    for line in table3_lines(c.values):
        col = grid.labels(line.labels, font=HEAD, align=LEFT)
        for cell in line.cells:
            col = grid.value(col, cell.value)
        # Spreadsheets do not grow a row for wrapped text written by a program: size the long sub-rows.
        narrow = [label.text for label in line.labels if label.colspan == 1 and label.rowspan == 1]
        lines = max((math.ceil(len(text) / LABEL_CHARS) for text in narrow), default=1)
        if lines > 1:
            ws.row_dimensions[grid.row].height = 14 * lines + 2
        grid.newline()
    _widths(ws, [12, 14, LABEL_CHARS * 2 + 2] + [11] * len(fmt.table3.columns))
    ws.row_dimensions[3].height = 30


def _table4(ws: Worksheet, c: Consolidation, heading: str) -> None:
    fmt = c.fmt
    width = len(fmt.table4.groups) * len(fmt.table4.columns)
    _title(ws, heading, width)
    grid = _Grid(ws, 3)
    for header_row in fmt.table4.header:
        grid.labels(header_row)
        grid.newline()
    col = 1
    for cell in table4_cells(c.values):
        col = grid.value(col, cell.value)
    _widths(ws, [10] * width)


def _scope(ws: Worksheet, c: Consolidation) -> None:
    """Who is counted and who is not; plain rows (a styled cell costs openpyxl ~50 µs, and a city has thousands)."""
    _title(ws, "汇总范围", 4)
    ws.cell(2, 1, f"计入汇总：已审核通过或已公开发布的报告 {len(c.reports)} 份；"
               f"未计入：{len(c.left_out)} 个机关。生成时间：{timezone.localtime():%Y-%m-%d %H:%M}").alignment = LEFT
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=4)
    header = 4
    for col, text in enumerate(["机关", "机关类型", "报告状态", "是否计入汇总"], start=1):
        cell = ws.cell(header, col, text)
        cell.font, cell.border = HEAD, BOX
    rows = [[r.organisation.name, r.organisation.get_kind_display(), r.get_status_display(), "计入"]
            for r in c.reports]
    rows += [[org.name, org.get_kind_display(), report.get_status_display() if report else NO_REPORT_LABEL, "未计入"]
             for org, report in c.left_out]
    for row, values in enumerate(rows, start=header + 1):
        for col, value in enumerate(values, start=1):
            set_text(ws.cell(row, col), value)  # organisation names are typed by people
    _widths(ws, [32, 22, 16, 14])


def consolidated_workbook(c: Consolidation) -> bytes:
    """The workbook: one sheet per table in the official layout, and a sheet naming who is counted."""
    sections = {s.code: s.heading for s in c.fmt.sections}
    caption = f"{c.root.name} {c.year}年度汇总"
    wb = Workbook()
    ws2 = wb.active
    ws2.title = "表二 主动公开"
    _table2(ws2, c, f"{caption}　{sections['proactive']}")
    _table3(wb.create_sheet("表三 依申请公开"), c, f"{caption}　{sections['applications']}")
    _table4(wb.create_sheet("表四 复议诉讼"), c, f"{caption}　{sections['review_litigation']}")
    _scope(wb.create_sheet("汇总范围"), c)
    for ws in wb.worksheets:
        ws.page_setup.orientation = "landscape"
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.page_setup.fitToWidth = 1
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.page_setup.fitToHeight = 0
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
