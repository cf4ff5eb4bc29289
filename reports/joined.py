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

from .models import SECTION_MODELS, Organisation, Report, ReportVersion

# The reverse one-to-one relations joined, in the order of services.SECTION_RELATIONS.
RELATIONS = ("proactive", "applications", "review_litigation", "overview", "problems", "other_matters")

_built: dict[tuple[str, bool], tuple[str, list[tuple[type, list[str], list[list[tuple[Callable, Any]]]]], str | None]] = {}


def _selected(connection, model: type, table_alias: str, columns: list[str]) -> tuple[list[str], list]:
    """Add `model`'s concrete columns (as read from `table_alias`) to `columns`; their attribute names and, for
    each, the converters the ORM would apply to its value."""
    qn = connection.ops.quote_name
    fields = list(model._meta.concrete_fields)
    converters = []
    for field in fields:
        col = field.get_col(table_alias)
        converters.append([(conv, col) for conv in
                           connection.ops.get_db_converters(col) + field.get_db_converters(connection)])
        columns.append(f"{table_alias}.{qn(field.column)}")
    return [f.attname for f in fields], converters


def _instances(row: tuple, parts: list[tuple[type, list[str], list]], connection, using: str) -> list[Any]:
    """One row cut into model instances, in the order of `parts` (model, names, converters); None for a model
    whose primary key is NULL (a LEFT JOIN that found nothing)."""
    objects: list[Any] = []
    at = 0
    for model, names, converters in parts:
        values = list(row[at:at + len(names)])
        at += len(names)
        for i, convs in enumerate(converters):
            for conv, col in convs:
                values[i] = conv(values[i], col, connection)
        objects.append(None if values[0] is None else model.from_db(using, names, values))
    return objects


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
        parts.append((model, *_selected(connection, model, table_alias, columns)))
    if lock:  # the highest version number: read after the lock is held, as the versions are numbered under it
        columns.append(f"(SELECT MAX(v.{qn('number')}) FROM {qn(ReportVersion._meta.db_table)} v "
                       f"WHERE v.{qn('report_id')} = r.{qn('id')})")
    sql = f"SELECT {', '.join(columns)} {' '.join(joins)} WHERE r.{qn('id')} = %s"
    return sql, parts


def _lock_sql(alias: str) -> str | None:
    """The statement that locks the report's row alone, before it is read (None: the database has no row locks)."""
    connection = connections[alias]
    if not connection.features.has_select_for_update:
        return None
    qn = connection.ops.quote_name
    return f"SELECT r.{qn('id')} FROM {qn(Report._meta.db_table)} r WHERE r.{qn('id')} = %s FOR UPDATE"


def read_report(report_id: int, *, lock: bool = False, using: str = "default") -> Report:
    """The report (Report.DoesNotExist if none) with `organisation` and its six sections cached on it, a section
    it lacks cached as absent (reading it raises DoesNotExist, as after select_related).

    `lock` (inside a transaction): the report's row alone is locked first (SELECT … FOR UPDATE), then read with
    its sections, and its highest version number as an annotation would be (`locked_last_version`, 0 if none).
    Two statements, not one locking read with the sections joined: on PostgreSQL a locking read that waited for
    another writer gives the locked row as that writer left it, but the joined rows (and subqueries) as they
    were before the wait, so a version made from them lost the other person's section
    (tests/test_editing_concurrency.py). The read that follows the lock sees every write committed before it."""
    key = (connections[using].vendor, lock)
    if key not in _built:
        _built[key] = (*_build(using, lock), _lock_sql(using) if lock else None)
    sql, parts, lock_sql = _built[key]
    connection = connections[using]
    with connection.cursor() as cursor:
        if lock_sql is not None:
            cursor.execute(lock_sql, [report_id])
            if cursor.fetchone() is None:
                raise Report.DoesNotExist("Report matching query does not exist.")
        cursor.execute(sql, [report_id])
        row = cursor.fetchone()
    if row is None:
        raise Report.DoesNotExist("Report matching query does not exist.")
    objects = _instances(row, parts, connection, using)
    report, organisation, *sections = objects
    if lock:
        report.locked_last_version = row[-1] or 0
    report._state.fields_cache["organisation"] = organisation
    for name, section in zip(RELATIONS, sections):
        report._state.fields_cache[name] = section
        if section is not None:
            section._state.fields_cache["report"] = report
    return report


# ---- the same for the small reads every editor request makes (memberships, the user, carried texts, 表二)

_where_built: dict[tuple, tuple[str, list[tuple[Any, list[str], list[list[tuple[Callable, Any]]]]]]] = {}


def _read_where_sql(model: type, column: str, related: tuple[str, ...], alias: str, any_order: bool):
    """SELECT the model's fields and each relation's (a forward key or a reverse one-to-one, joined) WHERE
    the model's `column` = %s; no ORDER BY (a model with a default ordering only when the caller says the
    order does not matter to it)."""
    if model._meta.ordering and not any_order:
        raise ValueError(f"{model.__name__} has a default ordering: read it with the ORM")
    connection = connections[alias]
    qn = connection.ops.quote_name
    tables: list[tuple[Any, str, type]] = [(None, "t", model)]
    joins = [f"FROM {qn(model._meta.db_table)} t"]
    for i, name in enumerate(related):
        field = model._meta.get_field(name)
        other, a = field.related_model, f"j{i}"
        if field.concrete:  # a forward key: the row it points at
            kind = "LEFT OUTER" if field.null else "INNER"
            on = f"{a}.{qn(other._meta.pk.column)} = t.{qn(field.column)}"
        else:  # a reverse one-to-one: the row pointing here, if any
            kind = "LEFT OUTER"
            on = f"{a}.{qn(field.field.column)} = t.{qn(model._meta.pk.column)}"
        joins.append(f"{kind} JOIN {qn(other._meta.db_table)} {a} ON {on}")
        tables.append((field, a, other))
    columns, parts = [], []
    for field, a, m in tables:
        parts.append((field, *_selected(connection, m, a, columns)))
    where = qn(model._meta.get_field(column).column)
    return f"SELECT {', '.join(columns)} {' '.join(joins)} WHERE t.{where} = %s", parts


def read_where(model: type, column: str, value: Any, *, related: tuple[str, ...] = (),
               any_order: bool = False, using: str = "default") -> list[Any]:
    """`model.objects.filter(<column>=value).select_related(*related)`, by a SELECT written once per process:
    the same instances, the related caches set as select_related sets them. `any_order`: the model's default
    ordering may be left out (the caller keys the rows by something unique)."""
    connection = connections[using]
    key = (model, column, related, connection.vendor)
    if key not in _where_built:
        _where_built[key] = _read_where_sql(model, column, related, using, any_order)
    sql, parts = _where_built[key]
    with connection.cursor() as cursor:
        cursor.execute(sql, [value])
        rows = cursor.fetchall()
    out = []
    for row in rows:
        objects = _instances(row, [(model if field is None else field.related_model, names, converters)
                                   for field, names, converters in parts], connection, using)
        obj, *others = objects
        for (field, _, _), other in zip(parts[1:], others):
            obj._state.fields_cache[field.cache_name] = other
            if other is not None and not field.concrete:  # the reverse one-to-one's back reference
                other._state.fields_cache[field.field.cache_name] = obj
            elif other is not None and field.one_to_one:
                other._state.fields_cache[field.remote_field.cache_name] = obj
        out.append(obj)
    return out
