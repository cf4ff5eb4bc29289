"""A report's numbers and prose as data: the JSON of spec/examples/*.json, and the published JSON and CSV."""

from __future__ import annotations

import csv
import io
from typing import Any

from ..catalogue import get_format
from ..models import Publication, Report
from ..values import PROSE_FIELDS, ReportValues


def report_to_json(report: Report, values: ReportValues | None = None) -> dict[str, Any]:
    """The report's values as the JSON of spec/examples (its name and year from `report`); `values` when already
    in hand (they must be the report's as stored), else read."""
    if values is None:
        values = report.values()
    data: dict[str, Any] = {"org": report.organisation.name, "year": report.year}
    data.update(values.to_json_dict())
    data["prose"] = {name: values.prose[name] for name in PROSE_FIELDS}
    data["processing_fee"] = {
        "yuan": None if values.processing_fee_yuan is None else str(values.processing_fee_yuan),
        "applications": values.processing_fee_count,
    }
    return data



def publication_json(publication: Publication) -> dict[str, Any]:
    """The published numbers with where they come from: what /data.json serves."""
    report = publication.report
    return {
        # The name as published: a later rename of the organisation does not change a publication.
        "organisation": publication.organisation_name or report.organisation.name,
        "year": report.year,
        "title": publication.title,
        "publication": publication.number,
        "published_at": publication.published_at.isoformat(),
        "correction_note": publication.correction_note,
        "pdf_sha256": publication.pdf_sha256,
        "html_sha256": publication.html_sha256,
        **publication.data,
    }


CSV_HEADER = ("表", "行代码", "行", "列代码", "列", "数值")


def publication_rows(data: dict[str, Any]) -> list[tuple[str, str, str, str, str, Any]]:
    """The published numbers as one line per cell, labelled from the catalogue (the same order as the tables)."""
    fmt = get_format(data.get("format", "2021"))
    t2 = data["table2"]
    rows: list[tuple[str, str, str, str, str, Any]] = []
    for cell in fmt.table2.cells:
        path = fmt.table2.json_path(cell.field)
        node = t2
        for part in path:
            node = node[part]
        code, column = (path[0], path[1]) if len(path) == 2 else (cell.field, "value")
        rows.append(("表二", code, cell.row, column, cell.column, node))
    for row in fmt.table3.rows:
        for col, value in zip(fmt.table3.columns, data["table3"][row.code]):
            rows.append(("表三", row.code, row.full_label, col.code, col.label, value))
    for group in fmt.table4.groups:
        for col in fmt.table4.columns:
            prefix = group.label if group.label == group.parent else f"{group.parent}（{group.label}）"
            rows.append(("表四", group.code, prefix, col.code, col.label, data["table4"][group.code][col.code]))
    return rows


def publication_csv(publication: Publication) -> str:
    """The published numbers as CSV (blank cells stay blank), for spreadsheets."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    for table, code, label, column, column_label, value in publication_rows(publication.data):
        writer.writerow((table, code, label, column, column_label, "" if value is None else value))
    return out.getvalue()
