"""One report with its organisation and six sections, read by one SELECT written once per process.

What `services.with_sections(Report.objects.select_related("organisation")).get(pk=…)` reads, row for row and
object for object (the same model instances, related caches set as Django's select_related sets them), without
Django building and compiling the eight-table query on every editor request: that was 0.85 ms of CPU of a
1.4 ms read (issue 15 point 1). The SQL is made from the models' fields the first time it is asked for, for
the connection's database, and the values pass through the same converters the ORM applies.
"""

from __future__ import annotations

from typing import Any, Callable

from django.db import connections

from .models import SECTION_MODELS, Organisation, Report

# The reverse one-to-one relations joined, in the order of services.SECTION_RELATIONS.
RELATIONS = ("proactive", "applications", "review_litigation", "overview", "problems", "other_matters")

_built: dict[tuple[str, bool], tuple[str, list[tuple[type, list[str], list[list[tuple[Callable, Any]]]]]]] = {}


def _build(alias: str, lock: bool) -> tuple[str, list[tuple[type, list[str], list[list[tuple[Callable, Any]]]]]]:
    connection = connections[alias]
    qn = connection.ops.quote_name
    parts: list[tuple[type, list[str], list[list[tuple[Callable, Any]]]]] = []
    columns: list[str] = []
    joins = [f"FROM {qn(Report._meta.db_table)} r",
             f"INNER JOIN {qn(Organisation._meta.db_table)} o ON o.{qn('id')} = r.{qn('organisation_id')}"]
    tables = [(Report, "r"), (Organisation, "o")]
    for i, name in enumerate(RELATIONS):
        model = SECTION_MODELS[name]
        alias_ = f"s{i}"
        joins.append(f"LEFT OUTER JOIN {qn(model._meta.db_table)} {alias_} ON {alias_}.{qn('report_id')} = r.{qn('id')}")
        tables.append((model, alias_))
    for model, table_alias in tables:
        fields = list(model._meta.concrete_fields)
        converters = []
        for field in fields:
            col = field.get_col(table_alias)
            converters.append([(conv, col) for conv in
                               connection.ops.get_db_converters(col) + field.get_db_converters(connection)])
            columns.append(f"{table_alias}.{qn(field.column)}")
        parts.append((model, [f.attname for f in fields], converters))
    sql = f"SELECT {', '.join(columns)} {' '.join(joins)} WHERE r.{qn('id')} = %s"
    if lock and connection.features.has_select_for_update:
        sql += " FOR UPDATE OF r" if connection.features.has_select_for_update_of else " FOR UPDATE"
    return sql, parts


def read_report(report_id: int, *, lock: bool = False, using: str = "default") -> Report:
    """The report (Report.DoesNotExist if none) with `organisation` and its six sections cached on it, a section
    it lacks cached as absent (reading it raises DoesNotExist, as after select_related). `lock`: the report's
    row alone is locked by the same read (FOR UPDATE OF; inside a transaction)."""
    key = (connections[using].vendor, lock)
    if key not in _built:
        _built[key] = _build(using, lock)
    sql, parts = _built[key]
    connection = connections[using]
    with connection.cursor() as cursor:
        cursor.execute(sql, [report_id])
        row = cursor.fetchone()
    if row is None:
        raise Report.DoesNotExist("Report matching query does not exist.")
    objects: list[Any] = []
    at = 0
    for model, names, converters in parts:
        values = list(row[at:at + len(names)])
        at += len(names)
        for i, convs in enumerate(converters):
            for conv, col in convs:
                values[i] = conv(values[i], col, connection)
        objects.append(None if values[0] is None else model.from_db(using, names, values))
    report, organisation, *sections = objects
    report._state.fields_cache["organisation"] = organisation
    for name, section in zip(RELATIONS, sections):
        report._state.fields_cache[name] = section
        if section is not None:
            section._state.fields_cache["report"] = report
    return report
