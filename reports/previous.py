"""Last year's report as the rules read it, cached: the live check runs every two seconds while a clerk types,
and last year's report does not change meanwhile.

Last year's values are kept in Django's cache (the local-memory one by default, Redis when configured) under
a key made of that report's id, its format, its `updated_at` and its last version number: every write path
moves one of them (the editor's saves and `save_values` set `updated_at`; every write through
`reports.writing` keeps a version), so a changed report is read afresh and a cached entry is never stale.
Its state and origin (which make the cross-year rules errors or warnings) are read on every request.

In front of that cache each process keeps the last LOCAL_SIZE values it read, under the same keys (never stale,
for the same reason): with Redis, a keystroke's check then costs no round trip and no unpickling of a whole report.
Those values are shared by the requests of the process, so they are only read: the rules never change values
(tests/test_editing_cost.py checks the kept values still equal a fresh read after checks that use them).
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict

from django.core.cache import cache
from django.db import connection

from .findings import context_for
from .models import Report, ReportVersion
from .rules import Context
from .services import load_with_values
from .values import ReportValues

log = logging.getLogger(__name__)
TIMEOUT = 3600  # seconds; the key changes whenever the report does, so this only bounds memory


def cache_key(previous: Report, last_version: int | None) -> str:
    return (f"gkportal:previous-values:1:{previous.pk}:{previous.format_version}:"
            f"{str(previous.updated_at).replace(' ', 'T')}:{last_version or 0}")  # no space: memcached's rule


LOCAL_SIZE = 256  # last year's reports a process keeps (a gunicorn worker serves a few dozen clerks at a time)
_local: OrderedDict[str, ReportValues] = OrderedDict()
_local_lock = threading.Lock()  # gthread workers: requests of one process on several threads


def previous_values(previous: Report, last_version: int | None) -> ReportValues:
    """Last year's values, from the cache when they have not changed since they were read (read-only: shared)."""
    key = cache_key(previous, last_version)
    with _local_lock:
        if (values := _local.get(key)) is not None:
            _local.move_to_end(key)
            return values
    values = _shared(key, previous)
    with _local_lock:
        _local[key] = values
        while len(_local) > LOCAL_SIZE:
            _local.popitem(last=False)
    return values


def _shared(key: str, previous: Report) -> ReportValues:
    """From Django's cache (shared by the workers with Redis), else read and put there."""
    try:
        values = cache.get(key)
    except Exception:  # a cache that does not answer (Redis down) costs a read, never a request
        log.warning("cache unavailable: last year's report read from the database", exc_info=True)
        values = None
    if values is None:
        values = load_with_values(previous.pk)[1]
        try:
            cache.set(key, values, TIMEOUT)
        except Exception:
            log.warning("cache unavailable: last year's values not kept", exc_info=True)
    return values


def last_year_state(report: Report) -> tuple[Report | None, int | None]:
    """Last year's report of the same organisation (its id, state, origin, format and `updated_at`, unsaved
    fields otherwise) and its last version number, or (None, None).

    One SQL statement written out: built by the ORM (a filter, a correlated subquery, only()) it took three
    times the CPU of reading it, on every keystroke's check. `updated_at` is kept as the database gives it
    (a string on SQLite): it only has to be part of the cache key."""
    report_table = connection.ops.quote_name(Report._meta.db_table)
    version_table = connection.ops.quote_name(ReportVersion._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT r.id, r.status, r.origin, r.format_version, r.updated_at,"
            f" (SELECT MAX(v.number) FROM {version_table} v WHERE v.report_id = r.id)"
            f" FROM {report_table} r WHERE r.organisation_id = %s AND r.year = %s",
            [report.organisation_id, report.year - 1],
        )
        row = cursor.fetchone()
    if row is None:
        return None, None
    pk, status, origin, format_version, updated_at, last_version = row
    previous = Report(pk=pk, organisation_id=report.organisation_id, year=report.year - 1, status=status,
                      origin=origin, format_version=format_version)
    previous.updated_at = updated_at
    return previous, last_version


def editing_context(report: Report) -> Context:
    """The rules' Context for `report` (as reports.findings.report_context), with last year's values cached:
    one query when they have not changed."""
    previous, last_version = last_year_state(report)
    values = previous_values(previous, last_version) if previous is not None else None
    return context_for(report.organisation, report.year, previous, values)
