"""Each counted report's entered cells in one row, so a province's consolidated tables sum 10,000 rows, not
480,000 表三 rows through their sections (reports.county_sums keeps them)."""

from __future__ import annotations

from django.db import models

from ..catalogue import FORMATS
from .report import Report


def _t2(key: str) -> str:
    return f"t2_{key}"


def _t3(row: str, col: str) -> str:
    return f"t3_{row}_{col}"


def _t4(field: str) -> str:
    return f"t4_{field}"


def _places(key: str) -> str:
    return f"p2_{key}"


# Every entered cell of every format, as (column, path): a count or an amount's millionths (an exact integer,
# the stored amount having 6 decimals), and for each amount the decimals it was entered with.
COUNT_COLUMNS: dict[str, tuple[str, ...]] = {}
AMOUNT_COLUMNS: dict[str, str] = {}  # column: the 表二 key
PLACES_COLUMNS: dict[str, str] = {}  # column: the 表二 key
for _fmt in FORMATS.values():
    for _cell in _fmt.table2.cells:
        if _cell.kind == "amount":
            AMOUNT_COLUMNS[_t2(_cell.field)] = _cell.field
            PLACES_COLUMNS[_places(_cell.field)] = _cell.field
        else:
            COUNT_COLUMNS[_t2(_cell.field)] = ("table2", _cell.field)
    for _row in _fmt.table3.entered_rows:
        for _col in _fmt.table3.entered_columns:
            COUNT_COLUMNS[_t3(_row.code, _col.code)] = ("table3", _row.code, _col.code)
    for _group in _fmt.table4.groups:
        for _col in _fmt.table4.entered_columns:
            COUNT_COLUMNS[_t4(_fmt.table4.field(_group.code, _col.code))] = ("table4", _group.code, _col.code)


class ReportSums(models.Model):
    """A counted (approved or published, so locked) report's 表二, 表三 and 表四 as entered, for the county's sums.

    Written when a page first sums the report, deleted whenever the report's values or state change
    (reports.county_sums); `layout` names how the cells were laid out, a row of another layout is not used."""

    report = models.OneToOneField(Report, on_delete=models.CASCADE, primary_key=True, related_name="+")
    format_version = models.CharField(max_length=8)
    layout = models.CharField(max_length=16)

    class Meta:
        verbose_name = "汇总用的报告数据"
        verbose_name_plural = verbose_name


for _name in COUNT_COLUMNS:
    ReportSums.add_to_class(_name, models.IntegerField(null=True))
for _name in AMOUNT_COLUMNS:
    ReportSums.add_to_class(_name, models.BigIntegerField(null=True))
for _name in PLACES_COLUMNS:
    ReportSums.add_to_class(_name, models.PositiveSmallIntegerField(null=True))
