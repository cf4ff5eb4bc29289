"""The consolidated tables summed from stored rows: one row per counted report (models.ReportSums).

A county's tables sum the approved and published reports below it. Those reports are locked: every path
that changes a report's values goes through reports.writing, which refuses them. So a counted report's
cells are stored once, in one row, the first time a page sums it, and the row is deleted when the report
changes state (returned, reopened, approved again, published: every transition sends `counts_stale`
inside its transaction); a report must leave the counted states before its values can change. The tables then sum one row per report (one query) instead of 表三's
24 rows per report through their sections.

Exact by construction, and checked on every read: the rows summed must be exactly the counted reports'
(same count, same layout, same format); when they are not (rows of reports that changed state while the
page was read), `stored_sums` returns None and the caller sums the live tables. A row is written under a
lock on its report, after re-reading that it is counted, so a return that happens meanwhile waits for it
and then deletes it.
"""

from __future__ import annotations

import hashlib
from decimal import Decimal
from functools import lru_cache

from django.db import connection, transaction
from django.db.models import Count, Max, Q, QuerySet, Sum
from django.db.models.expressions import RawSQL
from django.dispatch import receiver

from collections import defaultdict

from .catalogue import get_format
from .models import ApplicationRow, ProactiveCell, Report, ReportSums, ReviewLitigationSection
from .models.sums import AMOUNT_COLUMNS, COUNT_COLUMNS, PLACES_COLUMNS, _places, _t2, _t3, _t4
from .stored import T3_FIELDS, fee_for_display, table2_values
from .signals import counts_stale
from .values import ReportValues, decimal_places

COUNTED = (Report.Status.APPROVED, Report.Status.PUBLISHED)  # as county.COUNTED_STATES (which imports this)
LAYOUT = hashlib.sha256("|".join(["1", *COUNT_COLUMNS, *AMOUNT_COLUMNS, *PLACES_COLUMNS]).encode()).hexdigest()[:16]
MICRO = 6  # amounts are stored with 6 decimals (ProactiveCell.amount), kept here as integer millionths
CHUNK = 2000  # reports read and stored at a time
SQLITE_MAX_IDS = 30000  # SQLite takes at most 32,766 parameters a query: beyond, the tables are summed


def _among(field: str, ids: list[int]) -> Q:
    if connection.vendor == "postgresql":  # one array parameter, not one per id
        return Q(**{f"{field}__in": RawSQL("SELECT unnest(%s::bigint[])", (ids,))})
    return Q(**{f"{field}__in": ids})


@lru_cache(maxsize=None)
def _cells(version: str) -> tuple[tuple, tuple, tuple]:
    """Format `version`'s entered cells with their columns: 表二 (key, kind, column, places column), 表三
    (row, ((column code, column), …)), 表四 (group, column code, column)."""
    fmt = get_format(version)
    t2 = tuple((c.field, c.kind, _t2(c.field), _places(c.field)) for c in fmt.table2.cells)
    t3 = tuple((r.code, tuple((c.code, _t3(r.code, c.code)) for c in fmt.table3.entered_columns))
               for r in fmt.table3.entered_rows)
    t4 = tuple((g.code, c.code, _t4(fmt.table4.field(g.code, c.code)))
               for g in fmt.table4.groups for c in fmt.table4.entered_columns)
    return t2, t3, t4


def row_of(report_id: int, values: ReportValues) -> dict[str, object] | None:
    """The stored row of one report's values, by column; None if an amount has more decimals than kept."""
    t2, t3, t4 = _cells(values.format_version)
    row: dict[str, object] = {"report_id": report_id, "format_version": values.format_version, "layout": LAYOUT}
    for key, kind, column, places_column in t2:
        value = values.table2.get(key)
        if kind == "amount":
            if value is not None:
                micro = value.scaleb(MICRO)
                if micro != micro.to_integral_value():
                    return None
                row[column] = int(micro)
                row[places_column] = decimal_places(value)
        else:
            row[column] = value
    for code, columns in t3:
        cells = values.table3[code]
        for col, column in columns:
            row[column] = cells[col]
    for group, col, column in t4:
        row[column] = values.table4[group][col]
    return row


def _insert(rows: list[dict[str, object]]) -> None:
    """INSERT the rows with one executemany: bulk_create prepared each of 200 fields × 10,000 rows one by
    one (2 of the 3.5 s it took to store 2,000 reports). Every value is an int, None or a short string."""
    if not rows:
        return
    columns = [f.column for f in ReportSums._meta.concrete_fields]
    names = [f.attname for f in ReportSums._meta.concrete_fields]
    quote = connection.ops.quote_name
    sql = (f"INSERT INTO {quote(ReportSums._meta.db_table)} ({', '.join(map(quote, columns))}) "
           f"VALUES ({', '.join(['%s'] * len(columns))})")
    with connection.cursor() as cursor:
        cursor.executemany(sql, [tuple(row.get(n) for n in names) for row in rows])


def table_values(pks: list[int], version: str) -> dict[int, ReportValues]:
    """表二, 表三 and 表四 of the reports `pks` (all in format `version`), read as `stored.read_values` reads
    them but without the prose; three queries."""
    fmt = get_format(version)
    out = {pk: ReportValues(format_version=version) for pk in pks}
    cells: dict[int, list[tuple]] = defaultdict(list)
    for report_id, *cell in ProactiveCell.objects.filter(_among("section__report_id", pks)).values_list(
            "section__report_id", "key", "number", "amount", "places"):
        cells[report_id].append(tuple(cell))
    for report_id, found in cells.items():
        out[report_id].table2.update(table2_values(fmt, found))
    for report_id, code, *row in ApplicationRow.objects.filter(_among("section__report_id", pks)).values_list(
            "section__report_id", "row", *T3_FIELDS):
        out[report_id].table3[code].update(zip(T3_FIELDS, row))
    t4 = [(g.code, c.code, fmt.table4.field(g.code, c.code)) for g in fmt.table4.groups for c in fmt.table4.entered_columns]
    for report_id, *row in ReviewLitigationSection.objects.filter(_among("report_id", pks)).values_list(
            "report_id", *(f for _, _, f in t4)):
        for (group, col, _), value in zip(t4, row):
            out[report_id].table4[group][col] = value
    return out


def store(ids: list[int], version: str) -> int:
    """Store the rows of those of `ids` that are counted and in format `version`; how many were stored.

    Each chunk in one transaction: the reports are locked (a transition waits) and re-read as counted first."""
    stored = 0
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start:start + CHUNK]
        with transaction.atomic():
            locked = Report.objects.filter(_among("pk", chunk), status__in=COUNTED, format_version=version)
            if connection.features.has_select_for_update:
                locked = locked.select_for_update(**({"no_key": True} if connection.features.has_select_for_no_key_update
                                                     else {}))
            pks = [pk for pk, in locked.order_by("pk").values_list("pk")]
            if not pks:
                continue
            values = table_values(pks, version)
            rows = [row for row in (row_of(pk, v) for pk, v in values.items()) if row is not None]
            ReportSums.objects.filter(_among("report_id", pks)).delete()
            _insert(rows)
            stored += len(rows)
    return stored


def _summed(within: Q, version: str) -> tuple[int, ReportValues]:
    """(rows, their sums) of the stored rows `within` selects in this layout and format; one query."""
    fmt_columns = _columns(version)
    aggregates = {"n": Count("pk")} | {f"s_{c}": Sum(c) for c in fmt_columns["counts"] + fmt_columns["amounts"]}
    aggregates |= {f"m_{c}": Max(c) for c in fmt_columns["places"]}
    got = ReportSums.objects.filter(within, layout=LAYOUT, format_version=version).aggregate(**aggregates)
    values = ReportValues(format_version=version)
    for column in fmt_columns["counts"]:
        table, *path = COUNT_COLUMNS[column]
        if table == "table2":
            values.table2[path[0]] = got[f"s_{column}"]
        else:
            getattr(values, table)[path[0]][path[1]] = got[f"s_{column}"]
    for column in fmt_columns["amounts"]:
        key, total = AMOUNT_COLUMNS[column], got[f"s_{column}"]
        places = got[f"m_{_places(key)}"] or 0
        values.table2[key] = None if total is None else (Decimal(total).scaleb(-MICRO)
                                                          .quantize(Decimal(1).scaleb(-places)))
    return got["n"], values


def _columns(version: str) -> dict[str, list[str]]:
    """The columns of format `version`'s cells."""
    fmt = get_format(version)
    counts, amounts, places = [], [], []
    for cell in fmt.table2.cells:
        if cell.kind == "amount":
            amounts.append(_t2(cell.field))
            places.append(_places(cell.field))
        else:
            counts.append(_t2(cell.field))
    counts += [_t3(r.code, c.code) for r in fmt.table3.entered_rows for c in fmt.table3.entered_columns]
    counts += [_t4(fmt.table4.field(g.code, c.code)) for g in fmt.table4.groups for c in fmt.table4.entered_columns]
    return {"counts": counts, "amounts": amounts, "places": places}


def stored_sums(ids: list[int], version: str) -> ReportValues | None:
    """The sums of the counted reports `ids` (all in format `version`) from their stored rows, storing the
    missing ones first; None when the stored rows are not exactly theirs (the caller then sums the tables).

    One query when every row is stored."""
    if not ids:
        return ReportValues(format_version=version)
    if connection.vendor != "postgresql" and len(ids) > SQLITE_MAX_IDS:
        return None
    within = _among("report_id", ids)
    n, values = _summed(within, version)
    if n == len(ids):
        return values
    have = set(ReportSums.objects.filter(within, layout=LAYOUT, format_version=version)
               .values_list("report_id", flat=True))
    store([pk for pk in ids if pk not in have], version)
    n, values = _summed(within, version)
    return values if n == len(ids) else None


@receiver(counts_stale, sender=Report, dispatch_uid="reports.county_sums.counts_stale")
def _report_changed(sender, report: Report, following_only: bool = False, **kwargs) -> None:
    """The report changed state (returned, reopened, approved, published: `following_only`, sent inside the
    transition's transaction): its stored row, if any, is no longer to be trusted. A change of its values
    needs nothing: only an editable report's values can change (reports.writing), and an editable report has
    no row, its transition out of the counted states having deleted it (and `store` writing none for it)."""
    if following_only:
        ReportSums.objects.filter(report_id=report.pk).delete()


# ---------------------------------------------------------------- summed from the tables (the fallback, and trends)


def add_cells(a, b):
    """Sum of two cells; blank only when both are blank (a blank cell adds nothing)."""
    if a is None:
        return b
    if b is None:
        return a
    return a + b


def summed_reports(reports: list[int] | QuerySet[Report], year: int, version: str) -> ReportValues:
    """The cell-wise sums of `reports` (ids, on PostgreSQL; or a query), every one of `year` and in format
    `version` (the caller read them so): four queries that read the tables' rows by report id, without
    joining the reports."""
    values = ReportValues(format_version=version)
    if isinstance(reports, list):
        if not reports:
            return values
        within = lambda path: _among(f"{path}_id", reports)  # noqa: E731
    else:
        within = lambda path: Q(**{f"{path}__in": reports})  # noqa: E731
    add_sums({year: values}, within, year=year)
    return values


def add_sums(out: dict[int, ReportValues], within, year: int | None = None) -> None:
    """Sum into `out` (by year) the cells of the reports `within(path)` selects, `path` being the way from a
    table's rows to their report ("section__report"). With `year`, every report is of that year and the rows
    are summed without reading the reports; otherwise grouped by the report's year. Four queries."""
    def grouped(path: str) -> tuple[str, ...]:
        return () if year is not None else (f"{path}__year",)

    def year_of(t: tuple) -> tuple[int, tuple]:
        return (year, t) if year is not None else (t[0], t[1:])

    formats = {v.format_version for v in out.values()}
    cells = ProactiveCell.objects.filter(within("section__report")).order_by()
    amounts = {c.field for f in formats for c in get_format(f).table2.cells if c.kind == "amount"}
    by = grouped("section__report")
    for t in (cells.exclude(key__in=amounts).values(*by, "key").annotate(total=Sum("number"))
              .values_list(*by, "key", "total")):
        y, (key, total) = year_of(t)
        if key in out[y].table2:
            out[y].table2[key] = total
    # Amounts are added here, exactly and with the decimals each was entered with.
    for t in cells.filter(key__in=amounts).values_list(*by, "key", "amount", "places"):
        y, (key, amount, places) = year_of(t)
        v = out[y]
        if key in v.table2:
            v.table2[key] = add_cells(v.table2[key], fee_for_display(amount, places))
    t3 = list(T3_FIELDS)
    for t in (ApplicationRow.objects.filter(within("section__report")).order_by().values(*by, "row")
              .annotate(**{f"s_{c}": Sum(c) for c in t3}).values_list(*by, "row", *(f"s_{c}" for c in t3))):
        y, (row, *sums) = year_of(t)
        if row in out[y].table3:
            out[y].table3[row].update(zip(t3, sums))
    t4fmt = get_format().table4  # 表四 is the same in both formats
    t4 = [(g.code, c.code, t4fmt.field(g.code, c.code)) for g in t4fmt.groups for c in t4fmt.entered_columns]
    rl = ReviewLitigationSection.objects.filter(within("report")).order_by()
    by = grouped("report")
    sums4 = {f"s_{f}": Sum(f) for _, _, f in t4}
    if year is not None:
        totals = rl.aggregate(**sums4)
        rows4 = [tuple(totals[k] for k in sums4)]
    else:
        rows4 = rl.values(*by).annotate(**sums4).values_list(*by, *sums4)
    for t in rows4:
        y, sums = year_of(t)
        for (group, col, _), value in zip(t4, sums):
            out[y].table4[group][col] = value
