"""The document: one context for the web page and the print outputs."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .catalogue import Column, Label, Row
from .models import Report
from .values import Count, ReportValues


@dataclass(frozen=True)
class ValueCell:
    key: str  # table3.new.natural
    value: Count
    name: str  # row + column, for screen readers and messages
    derived: bool


@dataclass(frozen=True)
class Table3Line:
    row: Row
    labels: tuple[Label, ...]
    cells: tuple[ValueCell, ...]


def table3_lines(values: ReportValues) -> list[Table3Line]:
    t3 = values.format.table3
    lines = []
    for row in t3.rows:
        cells = tuple(
            ValueCell(
                f"table3.{row.code}.{col.code}",
                values.t3(row.code, col.code),
                t3.cell_name(row.code, col.code),
                row.derived or col.derived,
            )
            for col in t3.columns
        )
        lines.append(Table3Line(row, row.labels, cells))
    return lines


def table4_cells(values: ReportValues) -> list[ValueCell]:
    t4 = values.format.table4
    return [
        ValueCell(f"table4.{g.code}.{c.code}", values.t4(g.code, c.code), t4.cell_name(g.code, c.code), c.derived)
        for g in t4.groups
        for c in t4.columns
    ]


def table2_blocks(values: ReportValues) -> list[dict[str, Any]]:
    t2 = values.format.table2
    blocks = []
    for block in t2.blocks:
        rows = []
        for label, fields in block.rows:
            cells = []
            for column, key in zip(block.header[1:], fields):
                value = values.fees_10k_yuan if key == t2.fee_field else values.table2[key]
                cells.append(ValueCell(key, value, f"{label}（{column}）", False))
            rows.append({"label": label, "cells": cells})
        blocks.append({"block": block, "rows": rows, "width": len(block.header)})
    return blocks


def document_context(report: Report, values: ReportValues | None = None) -> dict[str, Any]:
    values = values or report.values()
    fmt = values.format
    return {
        "report": report,
        "fmt": fmt,
        "values": values,
        "title": report.title,
        "sections": {s.code: s for s in fmt.sections},
        "overview_parts": [
            (part, values.prose[f"overview_{part.code}"]) for part in fmt.overview_parts
        ],
        "table2": table2_blocks(values),
        "table3": table3_lines(values),
        "table3_columns": fmt.table3.columns,
        "table4": table4_cells(values),
    }


__all__ = ["Column", "document_context", "table2_blocks", "table3_lines", "table4_cells"]
