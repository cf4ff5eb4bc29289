"""Last year's report as the rules read it, cached: the live check runs every two seconds while a clerk types,
and last year's report does not change meanwhile.

Last year's values are kept in Django's cache (the local-memory one by default, Redis when configured) under
a key made of that report's id, its format, its `updated_at` and its last version number: every write path
moves one of them (the editor's saves and `save_values` set `updated_at`; every write through
`reports.writing` keeps a version), so a changed report is read afresh and a cached entry is never stale.
Its state and origin (which make the cross-year rules errors or warnings) are read on every request.
"""

from __future__ import annotations

import logging

from django.core.cache import cache
from django.db.models import OuterRef, Subquery

from .findings import context_for
from .models import Report, ReportVersion
from .rules import Context
from .services import load_with_values
from .values import ReportValues

log = logging.getLogger(__name__)
TIMEOUT = 3600  # seconds; the key changes whenever the report does, so this only bounds memory


def cache_key(previous: Report, last_version: int | None) -> str:
    return (f"gkportal:previous-values:1:{previous.pk}:{previous.format_version}:"
            f"{previous.updated_at.isoformat()}:{last_version or 0}")


def previous_values(previous: Report, last_version: int | None) -> ReportValues:
    """Last year's values, from the cache when they have not changed since they were read."""
    key = cache_key(previous, last_version)
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


def editing_context(report: Report) -> Context:
    """The rules' Context for `report` (as reports.findings.report_context), with last year's values cached:
    one query when they have not changed."""
    last_version = ReportVersion.objects.filter(report=OuterRef("pk")).order_by("-number").values("number")[:1]
    previous = (
        Report.objects.filter(organisation_id=report.organisation_id, year=report.year - 1)
        .annotate(last_version=Subquery(last_version))
        .only("id", "status", "origin", "format_version", "updated_at")
        .first()
    )
    values = previous_values(previous, previous.last_version) if previous is not None else None
    return context_for(report.organisation, report.year, previous, values)
