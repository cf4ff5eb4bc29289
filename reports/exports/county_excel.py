"""The consolidated 表二, 表三 and 表四 as an .xlsx workbook in the printed layout (merged cells as printed).

Labels and spans come from the catalogue; the cells are numbers, so a spreadsheet can sum them again.
"""

from __future__ import annotations

import io
import math
from decimal import Decimal

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from ..county import Consolidation, NO_REPORT_LABEL
from .excel import set_text

THIN = Side(style="thin", color="000000")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEAD = Font(name="宋体", bold=True, size=10.5)
BODY = Font(name="宋体", size=10.5)
TITLE = Font(name="宋体", bold=True, size=14)
CENTRE = Alignment(horizontal="center", vertical="center", wrap_text=True)
LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True)
RIGHT = Alignment(horizontal="right", vertical="center")
LABEL_CHARS = 22  # CJK characters per line in 表三's sub-row label column


def _put(ws: Worksheet, row: int, col: int, value, *, rowspan: int = 1, colspan: int = 1, font=BODY,
         align=CENTRE) -> None:
    """Write `value` at (row, col), boxed and merged over its spans."""
    for r in range(row, row + rowspan):
        for c in range(col, col + colspan):
            ws.cell(r, c).border = BOX
    cell = ws.cell(row, col)
    set_text(cell, value)
    cell.font, cell.alignment = font, align
    if isinstance(value, Decimal):  # openpyxl writes a Decimal's exact digits into the file
        places = max(0, -value.as_tuple().exponent)
        cell.number_format = "0." + "0" * places if places else "0"
    if rowspan > 1 or colspan > 1:
        ws.merge_cells(start_row=row, start_column=col, end_row=row + rowspan - 1, end_column=col + colspan - 1)


def _layout(ws: Worksheet, c: Consolidation, table: str, top: int) -> dict[int, int]:
    """The table as the catalogue lays it out, from sheet row `top`; the sheet row of each layout row.

    表二's sub-tables are set one blank row apart, as printed.
    """
    layout = c.fmt.layout(table)
    rows = {row: top + at for row, at in layout.spaced_rows().items()}
    for p in layout.cells:
        if p.key:
            _put(ws, rows[p.row], 1 + p.col, c.values.get(p.key), colspan=p.colspan, align=RIGHT)
        else:
            _put(ws, rows[p.row], 1 + p.col, p.text, rowspan=p.rowspan, colspan=p.colspan, font=HEAD,
                 align=LEFT if p.kind == "label" else CENTRE)
    return rows


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
    _title(ws, heading, c.fmt.table2.width)
    _layout(ws, c, "table2", 3)
    _widths(ws, [26, 18, 18, 18])


def _table3(ws: Worksheet, c: Consolidation, heading: str) -> None:
    fmt = c.fmt
    _title(ws, heading, 3 + len(fmt.table3.columns))
    rows = _layout(ws, c, "table3", 3)
    # Spreadsheets do not grow a row for wrapped text written by a program: size the long sub-rows.
    for p in fmt.layout("table3").cells:
        if p.kind == "label" and p.colspan == 1 and p.rowspan == 1:
            lines = math.ceil(len(p.text) / LABEL_CHARS)
            if lines > 1:
                ws.row_dimensions[rows[p.row]].height = 14 * lines + 2
    _widths(ws, [12, 14, LABEL_CHARS * 2 + 2] + [11] * len(fmt.table3.columns))
    ws.row_dimensions[3].height = 30


def _table4(ws: Worksheet, c: Consolidation, heading: str) -> None:
    width = c.fmt.layout("table4").columns
    _title(ws, heading, width)
    _layout(ws, c, "table4", 3)
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
    rows += [[org.name, org.get_kind_display(),
              (getattr(report, "left_out_reason", "") or report.get_status_display()) if report else NO_REPORT_LABEL,
              "未计入"]
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
