"""Excel (.xlsx) out: one report in the official layout, and many reports for analysts.

- `report_workbook(report)`: one report in the official layout, labels locked, input cells open and
  checked by Excel (whole numbers ≥ 0), 总计 as formulas; a clerk fills it offline and imports it back
  (reports.importing.xlsx reads it).
- `analysts_workbook(reports)`: many reports, one row per report and one column per cell, named from
  the catalogue.
"""

from __future__ import annotations

from io import BytesIO
from typing import Iterable

from ..catalogue import MAX_COUNT, report_title
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


def _validation(ws, ranges: list[str], *, kind: str, unit: str = "") -> None:
    """Excel's own check of what is typed into input cells, by the catalogue kind of the cells."""
    from openpyxl.worksheet.datavalidation import DataValidation

    if not ranges:
        return
    if kind == "amount":
        dv = DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="0", allow_blank=True,
                            showErrorMessage=True, errorTitle="请输入金额", error=f"金额{unit}不能为负数。")
    else:
        signed = kind == "signed"
        dv = DataValidation(type="whole", operator="between", formula1=str(-MAX_COUNT if signed else 0),
                            formula2=str(MAX_COUNT), allow_blank=True, showErrorMessage=True, errorTitle="请输入件数",
                            error="本年增/减为整数，减少的填负数，没有变化的填 0。" if signed
                            else "件数应为不小于 0 的整数。没有的请填 0。")
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

    # ---- 表二, 表三, 表四: the catalogue's layouts, entered cells open, 总计 as formulas
    ws = wb.create_sheet("二、主动公开")
    ws.column_dimensions["A"].width = 18
    for c in "BCD":
        ws.column_dimensions[c].width = 16
    _heading(ws, 1, sections["proactive"].heading, 4, st)
    _table(ws, fmt, "table2", values, st, top=2, left=1)
    _protect(ws)

    t3 = fmt.table3
    ws = wb.create_sheet("三、申请情况")
    ws.column_dimensions["A"].width = 10
    ws.column_dimensions["B"].width = 16
    ws.column_dimensions["C"].width = 34
    for i in range(len(t3.columns)):
        ws.column_dimensions[get_column_letter(4 + i)].width = 10
    _heading(ws, 1, sections["applications"].heading, 3 + len(t3.columns), st)
    first = _table(ws, fmt, "table3", values, st, top=2, left=1)
    for i, r in enumerate(t3.rows):
        ws.row_dimensions[first + i].height = 30 if len(r.label) > 20 else 18
    _protect(ws)

    ws = wb.create_sheet("四、复议诉讼")
    n = fmt.layout("table4").columns
    for i in range(n):
        ws.column_dimensions[get_column_letter(1 + i)].width = 9
    _heading(ws, 1, sections["review_litigation"].heading, n, st)
    _table(ws, fmt, "table4", values, st, top=2, left=1)
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


def _table(ws, fmt, table: str, values: ReportValues, st, *, top: int, left: int) -> int:
    """Write a table as the catalogue lays it out; the sheet row of its first value row.

    Labels are locked, entered cells open (and validated by their kind), derived cells are SUM formulas
    over the cells they add up. 表二's sub-tables are set one blank row apart, as printed.
    """
    from openpyxl.utils import get_column_letter

    layout = fmt.layout(table)
    rows = layout.spaced_rows()
    where = {p.key: (top + rows[p.row], left + p.col) for p in layout.cells if p.key}
    checks: dict[str, list[str]] = {"count": [], "signed": [], "amount": []}
    for p in layout.cells:
        row, col = top + rows[p.row], left + p.col
        span = (p.rowspan, p.colspan)
        if not p.key:
            item = table == "table2" and p.kind == "head" and p.colspan == layout.columns
            style = "row_label" if p.kind == "label" and (p.colspan > 1 or p.col == 2 or table == "table2") else "label"
            cell = _put(ws, row, col, p.text, st, span=span, style=style)
            if item:
                cell.font = st["bold"]
            continue
        spec = fmt.cell(p.key)
        if spec.derived:
            cell = _put(ws, row, col, _sum_formula([where[k] for k in spec.sums], get_column_letter), st,
                        span=span, is_formula=True)
            cell.fill = st["derived"]
            continue
        value = values.get(p.key)
        cell = _input(ws, row, col, value, st, span=span)
        if spec.kind == "amount":
            places = max(0, -(value.as_tuple().exponent)) if value is not None else 0
            cell.number_format = "0." + "0" * places if places else "0"
        checks[spec.kind].append(cell.coordinate)
    units = {fmt.cell(k).unit for k in where if fmt.cell(k).kind == "amount"} - {""}
    for kind, cells in checks.items():
        _validation(ws, cells, kind=kind, unit=f"以{'、'.join(sorted(units))}为单位，" if units else "")
    return top + layout.header_rows


def _sum_formula(cells: list[tuple[int, int]], letter) -> str:
    """=SUM(D5:I5) for cells in one row or column without gaps, =SUM(D5,F5) otherwise."""
    rows, cols = {r for r, _ in cells}, {c for _, c in cells}
    ordered = sorted(cells)
    first, last = ordered[0], ordered[-1]
    contiguous = (len(rows) == 1 and max(cols) - min(cols) + 1 == len(cells)) or (
        len(cols) == 1 and max(rows) - min(rows) + 1 == len(cells))
    if contiguous:
        return f"=SUM({letter(first[1])}{first[0]}:{letter(last[1])}{last[0]})"
    return "=SUM(" + ",".join(f"{letter(c)}{r}" for r, c in ordered) + ")"


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
