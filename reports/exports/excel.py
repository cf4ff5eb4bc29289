"""Excel (.xlsx) out: one report in the official layout, and many reports for analysts.

- `report_workbook(report)`: one report in the official layout, labels locked, input cells open and
  checked by Excel (whole numbers ≥ 0), 总计 as formulas; a clerk fills it offline and imports it back
  (reports.importing.xlsx reads it).
- `analysts_workbook(reports)`: many reports, one row per report and one column per cell, named from
  the catalogue.
"""

from __future__ import annotations

import datetime
from io import BytesIO
from typing import Iterable

from ..catalogue import Label, report_title
from ..importing.result import cell_name, iter_cells
from ..values import ReportValues, clean_text

INSTRUCTIONS_SHEET = "填写说明"
# Text starting with these is a formula to Excel and WPS (formula injection): what users typed stays text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


# ---------------------------------------------------------------------------------------------- writing


def _styles():
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side

    thin = Side(style="thin", color="808080")
    return {
        "border": Border(left=thin, right=thin, top=thin, bottom=thin),
        "label": Alignment(horizontal="center", vertical="center", wrap_text=True),
        "row_label": Alignment(horizontal="left", vertical="center", wrap_text=True),
        "prose": Alignment(horizontal="left", vertical="top", wrap_text=True),
        "heading": Font(bold=True, size=13),
        "bold": Font(bold=True),
        "input": PatternFill("solid", fgColor="FFF8DC"),
        "derived": PatternFill("solid", fgColor="EEEEEE"),
        "open": Protection(locked=False),
    }


def _protect(ws) -> None:
    """Labels can't be edited (rules.md S-LABELS); input cells are unlocked. No password: it guards slips only."""
    ws.protection.sheet = True
    ws.protection.formatColumns = False
    ws.protection.formatRows = False
    ws.protection.formatCells = False


def _count_validation(ws, ranges: list[str]) -> None:
    from openpyxl.worksheet.datavalidation import DataValidation

    from ..catalogue import MAX_COUNT

    dv = DataValidation(type="whole", operator="between", formula1="0", formula2=str(MAX_COUNT), allow_blank=True,
                        showErrorMessage=True, errorTitle="请输入件数", error="件数应为不小于 0 的整数。没有的请填 0。")
    ws.add_data_validation(dv)
    for r in ranges:
        dv.add(r)


def set_text(cell, value) -> None:
    """Put a value into a cell; text (a name, a paragraph) always as text and only with characters XML holds."""
    if not isinstance(value, str):
        cell.value = value
        return
    text = clean_text(value)
    cell.value = text
    if text.startswith(FORMULA_STARTS):
        cell.data_type = "s"  # openpyxl took a leading = for a formula
        cell.quotePrefix = True  # and Excel keeps the cell text even when someone edits it


def _put(ws, row: int, col: int, value, st, *, span: tuple[int, int] = (1, 1), style: str = "label",
         border: bool = True, is_formula: bool = False):
    cell = ws.cell(row=row, column=col)
    if is_formula:
        cell.value = value
    else:
        set_text(cell, value)
    cell.alignment = st[style]
    if border:
        for r in range(row, row + span[0]):
            for c in range(col, col + span[1]):
                ws.cell(row=r, column=c).border = st["border"]
    if span != (1, 1):
        ws.merge_cells(start_row=row, start_column=col, end_row=row + span[0] - 1, end_column=col + span[1] - 1)
    return cell


def _input(ws, row: int, col: int, value, st, *, span: tuple[int, int] = (1, 1)):
    cell = _put(ws, row, col, value, st, span=span, style="label")
    cell.fill = st["input"]
    cell.protection = st["open"]
    return cell


def _heading(ws, row: int, text: str, width: int, st) -> None:
    cell = _put(ws, row, 1, text, st, span=(1, width), style="row_label", border=False)
    cell.font = st["heading"]


def _prose_row(ws, row: int, text: str, st, width: int = 8, comment: str = "") -> None:
    from openpyxl.comments import Comment

    cell = _put(ws, row, 1, text or None, st, span=(1, width), style="prose", border=True)
    cell.protection = st["open"]
    cell.fill = st["input"]
    lines = max(2, sum(len(p) // 45 + 1 for p in (text or "").split("\n")))
    ws.row_dimensions[row].height = min(409, 16 * lines)
    if comment:
        cell.comment = Comment(comment, "gkportal")


def report_workbook(report, values: ReportValues | None = None) -> bytes:
    """One report in the official layout, for filling offline and importing back."""
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter

    values = values or report.values()
    fmt = values.format
    st = _styles()
    wb = Workbook()
    sections = {s.code: s for s in fmt.sections}

    # ---- 前言 and 一、总体情况
    ws = wb.active
    ws.title = "一、总体情况"
    ws.column_dimensions["A"].width = 14
    for c in "BCDEFGH":
        ws.column_dimensions[c].width = 12
    row = 1
    _heading(ws, row, report_title(report.organisation.name, report.year), 8, st)
    row += 1
    _prose_row(ws, row, values.prose["preface"], st, comment="前言：印在“一、总体情况”之前的引言段落。")
    row += 1
    _heading(ws, row, sections["overview"].heading, 8, st)
    for part in fmt.overview_parts:
        row += 1
        ws.cell(row=row, column=1, value=part.heading).font = st["bold"]
        row += 1
        _prose_row(ws, row, values.prose[f"overview_{part.code}"], st)
    _protect(ws)

    # ---- 表二
    ws = wb.create_sheet("二、主动公开")
    ws.column_dimensions["A"].width = 18
    for c in "BCD":
        ws.column_dimensions[c].width = 16
    _heading(ws, 1, sections["proactive"].heading, 4, st)
    row = 2
    count_cells, fee_cells = [], []
    for block in fmt.table2.blocks:
        _put(ws, row, 1, block.item, st, span=(1, 4)).font = st["bold"]
        row += 1
        wide = len(block.header) == 2
        for i, h in enumerate(block.header):
            _put(ws, row, 1 + i, h, st, span=(1, 3) if wide and i == 1 else (1, 1))
        for label, fields in block.rows:
            row += 1
            _put(ws, row, 1, label, st, style="row_label")
            for i, key in enumerate(fields):
                fee = key == fmt.table2.fee_field
                value = values.fees_10k_yuan if fee else values.table2[key]
                cell = _input(ws, row, 2 + i, value, st, span=(1, 3) if wide else (1, 1))
                if fee:
                    places = max(0, -(value.as_tuple().exponent)) if value is not None else 0
                    cell.number_format = "0." + "0" * places if places else "0"
                    fee_cells.append(cell.coordinate)
                else:
                    count_cells.append(cell.coordinate)
        row += 2
    _count_validation(ws, count_cells)
    from openpyxl.worksheet.datavalidation import DataValidation

    fee_dv = DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="0", allow_blank=True,
                            showErrorMessage=True, errorTitle="请输入金额", error="金额以万元为单位，不能为负数。")
    ws.add_data_validation(fee_dv)
    for c in fee_cells:
        fee_dv.add(c)
    _protect(ws)

    # ---- 表三
    t3 = fmt.table3
    ws = wb.create_sheet("三、申请情况")
    ws.column_dimensions["A"].width = 10
    ws.column_dimensions["B"].width = 16
    ws.column_dimensions["C"].width = 34
    for i in range(len(t3.columns)):
        ws.column_dimensions[get_column_letter(4 + i)].width = 10
    _heading(ws, 1, sections["applications"].heading, 3 + len(t3.columns), st)
    _put(ws, 2, 1, t3.corner, st, span=(3, 3))
    _place_labels(ws, 2, 4, t3.header, st)
    first = 5
    occupied: set[tuple[int, int]] = set()
    inputs = []
    for i, r in enumerate(t3.rows):
        row = first + i
        col = 1
        for label in r.labels:
            while (row, col) in occupied:
                col += 1
            _put(ws, row, col, label.text, st, span=(label.rowspan, label.colspan),
                 style="row_label" if label.colspan > 1 or col == 3 else "label")
            for dr in range(label.rowspan):
                for dc in range(label.colspan):
                    occupied.add((row + dr, col + dc))
            col += label.colspan
        for j, c in enumerate(t3.columns):
            column = 4 + j
            if r.derived or c.derived:
                if c.derived:
                    formula = f"=SUM({get_column_letter(4)}{row}:{get_column_letter(3 + len(t3.entered_columns))}{row})"
                else:
                    rows = [first + k for k, rr in enumerate(t3.rows) if rr.result]
                    formula = f"=SUM({get_column_letter(column)}{rows[0]}:{get_column_letter(column)}{rows[-1]})"
                cell = _put(ws, row, column, formula, st, is_formula=True)
                cell.fill = st["derived"]
            else:
                cell = _input(ws, row, column, values.table3[r.code][c.code], st)
                inputs.append(cell.coordinate)
        ws.row_dimensions[row].height = 30 if len(r.label) > 20 else 18
    _count_validation(ws, inputs)
    _protect(ws)

    # ---- 表四
    t4 = fmt.table4
    ws = wb.create_sheet("四、复议诉讼")
    n = len(t4.groups) * len(t4.columns)
    for i in range(n):
        ws.column_dimensions[get_column_letter(1 + i)].width = 9
    _heading(ws, 1, sections["review_litigation"].heading, n, st)
    _place_labels(ws, 2, 1, t4.header, st)
    row = 2 + len(t4.header)
    inputs = []
    col = 1
    for g in t4.groups:
        start = col
        for c in t4.columns:
            if c.derived:
                formula = f"=SUM({get_column_letter(start)}{row}:{get_column_letter(col - 1)}{row})"
                cell = _put(ws, row, col, formula, st, is_formula=True)
                cell.fill = st["derived"]
            else:
                cell = _input(ws, row, col, values.table4[g.code][c.code], st)
                inputs.append(cell.coordinate)
            col += 1
    _count_validation(ws, inputs)
    _protect(ws)

    # ---- 五、六
    ws = wb.create_sheet("五、六")
    ws.column_dimensions["A"].width = 14
    for c in "BCDEFGH":
        ws.column_dimensions[c].width = 12
    _heading(ws, 1, sections["problems"].heading, 8, st)
    _prose_row(ws, 2, values.prose["problems"], st)
    _heading(ws, 3, sections["other_matters"].heading, 8, st)
    _prose_row(ws, 4, values.prose["other_matters"], st, comment=sections["other_matters"].placeholder)
    _protect(ws)

    ws = wb.create_sheet(INSTRUCTIONS_SHEET)
    ws.column_dimensions["A"].width = 100
    for i, text in enumerate((
        f"{report.title}（{fmt.name}格式）",
        "黄色单元格可以填写，其余单元格（标签和灰色的“总计”）已锁定，“总计”由公式自动计算。",
        "件数填不小于 0 的整数，没有的请填 0，不要留空或填“/”。行政事业性收费以万元为单位。",
        "文字部分直接写在黄色的大单元格中，可以换行（Alt+Enter）。",
        "填好后保存为 .xlsx，在系统中打开这份报告，点击“导入文档”上传本文件；导入前会先显示预览和校验结果。",
    ), start=1):
        set_text(ws.cell(row=i, column=1), text)
        ws.cell(row=i, column=1).alignment = st["prose"]
    return _save(wb)


def _place_labels(ws, top: int, left: int, header: tuple[tuple[Label, ...], ...], st) -> None:
    occupied: set[tuple[int, int]] = set()
    for i, labels in enumerate(header):
        row, col = top + i, left
        for label in labels:
            while (row, col) in occupied:
                col += 1
            _put(ws, row, col, label.text, st, span=(label.rowspan, label.colspan))
            for dr in range(label.rowspan):
                for dc in range(label.colspan):
                    occupied.add((row + dr, col + dc))
            col += label.colspan


def analysts_workbook(reports: Iterable) -> bytes:
    """Many reports: one row per report, one column per cell (names from the catalogue), totals included."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    ws = wb.active
    ws.title = "报告数据"
    fixed = ["机关", "机关类型", "上级机关", "年度", "状态", "来源", "报告格式"]
    columns: list[tuple[str, str, bool]] | None = None
    row = 1
    for report in reports:
        values = report.values()
        cells = list(iter_cells(values))
        if columns is None:
            columns = [(key, cell_name(values, key), derived) for key, _v, derived in cells]
            for i, name in enumerate(fixed + [name for _k, name, _d in columns], start=1):
                c = ws.cell(row=1, column=i, value=name)
                c.font = Font(bold=True)
                c.alignment = Alignment(wrap_text=True, vertical="top")
        row += 1
        org = report.organisation
        for i, v in enumerate([org.name, org.get_kind_display(), org.parent.name if org.parent else "",
                               report.year, report.get_status_display(), report.get_origin_display(),
                               report.format_version], start=1):
            set_text(ws.cell(row=row, column=i), v)
        for i, (_key, value, _derived) in enumerate(cells, start=len(fixed) + 1):
            ws.cell(row=row, column=i, value=value)
    if columns is None:
        columns = [(key, cell_name(ReportValues(), key), derived) for key, _v, derived in iter_cells(ReportValues())]
        for i, name in enumerate(fixed + [name for _k, name, _d in columns], start=1):
            ws.cell(row=1, column=i, value=name).font = Font(bold=True)
    ws.freeze_panes = "B2"
    ws.row_dimensions[1].height = 60
    for i in range(1, len(fixed) + len(columns) + 1):
        ws.column_dimensions[get_column_letter(i)].width = 24 if i == 1 else 12
    doc = wb.create_sheet("字段说明")
    for i, head in enumerate(("列名", "字段", "说明"), start=1):
        doc.cell(row=1, column=i, value=head).font = Font(bold=True)
    for r, (key, name, derived) in enumerate(columns, start=2):
        doc.cell(row=r, column=1, value=name)
        doc.cell(row=r, column=2, value=key)
        doc.cell(row=r, column=3, value="合计（由各项相加得出）" if derived else "填报数；空白表示未填")
    doc.column_dimensions["A"].width = 70
    doc.column_dimensions["B"].width = 34
    doc.column_dimensions["C"].width = 26
    return _save(wb)


def _save(wb) -> bytes:
    out = BytesIO()
    wb.save(out)
    return out.getvalue()
