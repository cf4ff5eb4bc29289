"""Rows whose run-together numbers have several readings (result.OpenRow): settled by last year's report,
or left for the clerk to choose in the preview. Never a guess.

表二's 第（一）项 rows have no total to check a split against, but they do have last year: 现行有效件数 =
上年现行有效件数 + 本年制发件数 − 本年废止件数 (rule T2-XYEAR). When last year's report (in the same format)
says how many were in force, a reading is taken only when it is the one reading that keeps that identity.
"""

from __future__ import annotations

import dataclasses

from ..values import ReportValues
from .result import ImportResult, OpenRow

SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}


def stock_rows(values: ReportValues) -> set[tuple[str, ...]]:
    """The fields (issued, repealed, in_force) of 第二十条第（一）项's rows: 规章 and 行政规范性文件."""
    return {tuple(fields) for _label, fields in values.format.table2.blocks[0].rows}


def previous_in_force(row: OpenRow, values: ReportValues, previous: ReportValues | None) -> int | None:
    """Last year's 现行有效件数 of the row, when last year's report is in the same format and has it."""
    if previous is None or previous.format_version != values.format_version:
        return None
    if row.table != "表二" or tuple(row.fields) not in stock_rows(values):
        return None
    before = previous.table2.get(row.fields[2])
    return before if isinstance(before, int) and not isinstance(before, bool) else None


def fitting(row: OpenRow, before: int) -> list[tuple[int, ...]]:
    """The readings (issued, repealed, in_force) that keep 上年现行有效 + 制发 − 废止 = 现行有效."""
    return [r for r in row.readings if before + r[0] - r[1] == r[2]]


def settle(result: ImportResult, previous: ReportValues | None) -> None:
    """Take the one reading of each open 表二 row that last year's report allows; note what was done."""
    if previous is None or not result.open_rows:
        return
    still: list[OpenRow] = []
    for row in result.open_rows:
        before = previous_in_force(row, result.values, previous)
        if before is None:
            still.append(row)
            continue
        fit = fitting(row, before)
        if len(fit) != 1:
            if fit:
                remark = (f"按上年报告的现行有效件数 {before}，仍有 {len(fit)} 种读法相符："
                          + " 或 ".join(f"（{row.describe(r)}）" for r in fit))
            else:
                remark = f"上年报告的现行有效件数为 {before}，没有一种读法与之相符"
            still.append(dataclasses.replace(row, remark=remark))
            continue
        (reading,) = fit
        result.settled.append(row.row)
        for field, n in zip(row.fields, reading):
            result.values.table2[field] = n
            result.sources[f"table2.{field}"] = row.where
        result.note("inferred", (
            f"原文“{row.text}”的数字连在一起，按上年报告的现行有效件数 {before} 确定了表二“{row.row}”一行的拆分："
            f"{row.describe(reading)}（{before} + {reading[0]} − {reading[1]} = {reading[2]}，其他读法都不相符）。"
            "请对照原文核对。"), row.where, severity="warning")
    result.open_rows = still
    result.notes.sort(key=lambda n: SEVERITY_ORDER[n.severity])


def reading_value(reading) -> str:
    """How a reading travels in the preview's form: 69,3,665."""
    return ",".join(str(n) for n in reading)
