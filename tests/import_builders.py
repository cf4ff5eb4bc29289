"""Documents to import, built in the tests: a Word file in the official layout, the PDF we print."""

from __future__ import annotations

import json
from io import BytesIO

from reports.catalogue import get_format
from reports.values import ReportValues


def _layout_table(d, cells, rows: int, columns: int, top: int, values: ReportValues, override: dict) -> None:
    """A Word table of the catalogue's layout cells (from layout row `top`), merged as Word merges them."""
    t = d.add_table(rows=rows, cols=columns)
    for p in cells:
        text = _text(values.get(p.key)) if p.key else override.get(p.text, p.text)
        _merged(t, p.row - top, p.col, p.rowspan, p.colspan, text)


def _merged(table, row: int, col: int, rowspan: int, colspan: int, text: str) -> None:
    cell = table.cell(row, col)
    if rowspan > 1 or colspan > 1:
        cell = cell.merge(table.cell(row + rowspan - 1, col + colspan - 1))
    cell.text = text


def _text(value) -> str:
    return "" if value is None else str(value)


def official_docx(values: ReportValues, *, org: str = "西村乡人民政府", year: int = 2023,
                  label_override: dict[str, str] | None = None) -> bytes:
    """A .docx laid out like the official template: headings, prose, and the three tables with merged cells."""
    import docx

    fmt = values.format
    override = label_override or {}
    d = docx.Document()
    d.add_paragraph(org)
    d.add_paragraph(f"{year}年政府信息公开工作年度报告")
    if values.prose["preface"]:
        d.add_paragraph(values.prose["preface"])
    sections = {s.code: s for s in fmt.sections}
    d.add_paragraph(sections["overview"].heading)
    for part in fmt.overview_parts:
        d.add_paragraph(part.heading)
        for para in values.prose[f"overview_{part.code}"].split("\n"):
            d.add_paragraph(para)
    d.add_paragraph(override.get(sections["proactive"].heading, sections["proactive"].heading))
    # 表二 as Word documents have it: one table per 第二十条 item (the catalogue's layout, cut at each item).
    layout = fmt.layout("table2")
    starts = sorted({p.row for p in layout.cells if p.kind == "head" and p.colspan == layout.columns})
    for top, end in zip(starts, [*starts[1:], layout.rows]):
        _layout_table(d, [p for p in layout.cells if top <= p.row < end], end - top, layout.columns, top,
                      values, override)
    d.add_paragraph(sections["applications"].heading)
    layout = fmt.layout("table3")
    _layout_table(d, layout.cells, layout.rows, layout.columns, 0, values, override)
    d.add_paragraph(sections["review_litigation"].heading)
    layout = fmt.layout("table4")
    _layout_table(d, layout.cells, layout.rows, layout.columns, 0, values, override)
    d.add_paragraph(sections["problems"].heading)
    d.add_paragraph(values.prose["problems"])
    d.add_paragraph(sections["other_matters"].heading)
    d.add_paragraph(values.prose["other_matters"])
    out = BytesIO()
    d.save(out)
    return out.getvalue()


# The printed PDFs, by everything that goes into them: rendering one takes about a second.
_PRINTED: dict[str, bytes] = {}


def printed_pdf(report, *, draft: bool) -> bytes:
    """The report's PDF as we print it (reports.rendering.render_pdf), rendered once per test run."""
    from reports.exports.document import render_pdf, signature_date_text

    values = report.values()
    key = json.dumps([values.to_json_dict(), values.prose, report.organisation.name, report.year, report.signed_by,
                      signature_date_text(report, draft=draft), draft], ensure_ascii=False, sort_keys=True,
                     default=str)
    if key not in _PRINTED:
        _PRINTED[key] = render_pdf(report, draft=draft)
    return _PRINTED[key]


def large_values() -> ReportValues:
    """A full report with a different three- or four-digit number in every cell, and a fee with decimals.

    Sized to print as the official tables do (no number wraps inside its cell): the sums of 表三's
    narrow columns stay under 10 000, 表四's under 10 000 too.
    """
    from decimal import Decimal

    from .conftest import complete_values

    values = complete_values()
    t3 = values.format.table3
    for i, row in enumerate(t3.entered_rows):
        for j, col in enumerate(t3.entered_columns):
            values.table3[row.code][col.code] = 100 + (37 * i + 53 * j) % 300
    for g, group in enumerate(values.table4):
        for c, col in enumerate(values.table4[group]):
            values.table4[group][col] = 1000 + 111 * g + 17 * c
    for k, key in enumerate(values.table2):
        values.table2[key] = 12000 + 1234 * k
    values.table2["fees_10k_yuan"] = Decimal("9116.30")
    return values


_FMT = get_format("2021")


def _n(value) -> str:
    return "" if value is None else str(value)


def report_text(values: ReportValues, *, t3: dict[str, str] | None = None, t4: str | None = None,
                t2: dict[str, str] | None = None) -> str:
    """A 2021-format report as text copied out of Word (tab-separated cells); rows can be replaced by raw lines."""
    t3, t2 = t3 or {}, t2 or {}
    out = ["某某镇人民政府2024年政府信息公开工作年度报告", "一、总体情况", "本镇按时公开各类信息，办理申请，接受监督。",
           "二、主动公开政府信息情况"]
    for block in _FMT.table2.blocks:
        out.append(block.item)
        out.append("\t".join(block.header))
        for label, fields in block.rows:
            if label in t2:
                out.append(t2[label])
                continue
            cells = [values.table2[f] for f in fields]
            out.append("\t".join([label, *map(_n, cells)]))
    out += ["三、收到和处理政府信息公开申请情况", "\t".join(["申请人情况", *(c.label for c in _FMT.table3.columns)])]
    for row in _FMT.table3.rows:
        if row.code in t3:
            if t3[row.code]:
                out.append(t3[row.code])
            continue
        out.append("\t".join([*t3_labels(row.code), *(_n(values.t3(row.code, c.code)) for c in _FMT.table3.columns)]))
    out += ["四、政府信息公开行政复议、行政诉讼情况", "行政复议\t行政诉讼"]
    out.append("\t".join(c.label for _g in _FMT.table4.groups for c in _FMT.table4.columns))
    out.append(t4 if t4 is not None else "\t".join(
        _n(values.t4(g.code, c.code)) for g in _FMT.table4.groups for c in _FMT.table4.columns))
    out += ["五、存在的主要问题及改进情况", "公开的及时性还要提高。", "六、其他需要报告的事项", "本年度没有收取信息处理费。"]
    return "\n".join(out) + "\n"


def t3_labels(code: str) -> list[str]:
    """A 表三 row's label cells as Word prints them: a group's label only on its first sub-row."""
    row = _FMT.table3.row(code)
    if not row.group:
        return [row.label]
    return [row.group, row.label] if _FMT.table3.groups[row.group][0].code == code else [row.label]
