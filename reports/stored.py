"""Reading a report's stored values into `ReportValues`, from its section records.

Apart from the models (which call it for `Report.values()`) and from writing (`reports.services`), so
that the models need not import the module that writes them: no import circle.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Iterable, Sequence

from .catalogue import get_format
from .values import ReportValues

if TYPE_CHECKING:
    from .models import Report

def fee_for_display(value: Decimal | None, places: int) -> Decimal | None:
    """The stored fee with exactly the decimals that were entered."""
    if value is None:
        return None
    return value.quantize(Decimal(1).scaleb(-places)) if places else value.quantize(Decimal(1))


def table2_values(fmt, cells: Iterable[tuple[str, int | None, Decimal | None, int]]) -> dict:
    """表二 by key from stored (key, number, amount, places) records; keys the format lacks are left out."""
    out = {}
    for key, number, amount, places in cells:
        if key in fmt.table2.fields:
            out[key] = fee_for_display(amount, places) if fmt.cell(f"table2.{key}").kind == "amount" else number
    return out


# The model fields of §一's parts (OverviewSection), from the catalogue.
OVERVIEW_FIELDS = tuple(p.code for p in get_format().overview_parts)

# The cells of an ApplicationRow, in the catalogue's column order.
T3_FIELDS = tuple(c.code for c in get_format().table3.entered_columns)

Table3Rows = Iterable[Sequence]  # (row code, *cells in T3_FIELDS order), one per stored 表三 row

def read_values(report: Report, rows: Table3Rows | None = None, cells: Iterable[tuple] | None = None) -> ReportValues:
    """The report's values; `rows` and `cells` are its 表三 rows and 表二 cells when already read in bulk
    (see `table3_rows`, `table2_cells`)."""
    fmt = report.format
    v = ReportValues(format_version=report.format_version, printed_totals=dict(report.printed_totals or {}))
    if cells is None:
        cells = report.proactive.cells.values_list("key", "number", "amount", "places")
    v.table2.update(table2_values(fmt, cells))
    if rows is None:
        rows = report.applications.rows.values_list("row", *T3_FIELDS)
    for code, *cells in rows:
        v.table3[code].update(zip(T3_FIELDS, cells))
    rl = report.review_litigation
    for group in fmt.table4.groups:
        for col in fmt.table4.entered_columns:
            v.table4[group.code][col.code] = getattr(rl, fmt.table4.field(group.code, col.code))
    v.prose["preface"] = report.preface
    for name in OVERVIEW_FIELDS:
        v.prose[f"overview_{name}"] = getattr(report.overview, name)
    v.prose["problems"] = report.problems.text
    om = report.other_matters
    v.prose["other_matters"] = om.text
    v.processing_fee_yuan = om.processing_fee_yuan
    v.processing_fee_count = om.processing_fee_count
    return v
