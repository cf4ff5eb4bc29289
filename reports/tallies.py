"""Each report's findings, counted when something they depend on changes, for pages that list many reports.

A county's dashboard used to run every report's rules on every request (45–70 % of its time: 33 s for
10,000 organisations with real prose). The counts now live on the report (`tally_*`). They depend on
the report's values and carried-text marks, its acknowledgements, last year's report (values, state,
origin), the organisation (name, kind), the rules' code and one setting. Every path that changes one of
those marks the affected reports stale (`tally_stamp = ""`); a changed rule or setting changes STAMP,
which makes every stored count stale at once. Pages count what is stale when they need it, in bulk, and
store it: nothing is shown from counts made under other rules or other data.
"""

from __future__ import annotations

import datetime
import hashlib
from collections import defaultdict
from functools import lru_cache
from pathlib import Path
from typing import Iterable

from django.conf import settings
from django.db import connections, router
from django.db.models import BigIntegerField, Case, F, IntegerField, Q, QuerySet, Value, When
from django.db.models.signals import post_save
from django.dispatch import receiver

from .bulk import bulk_contexts, bulk_values
from .carryover import carryover_findings
from .models import Acknowledgement, CarriedText, Organisation, Report
from .rules import Finding, check, gate
from .signals import counts_stale


@lru_cache(maxsize=1)
def _code_stamp() -> str:
    digest = hashlib.sha256()
    for path in sorted((Path(__file__).parent / "rules").glob("*.py")):
        digest.update(path.read_bytes())
    return digest.hexdigest()


def stamp() -> str:
    """What the counts were made with: the rules' source and the setting they read."""
    key = f"{_code_stamp()}|{settings.GKPORTAL_OTHER_HANDLING_WARN_SHARE}"
    return hashlib.sha256(key.encode()).hexdigest()[:16]


def is_current(report: Report) -> bool:
    return report.tally_stamp == stamp() and report.tally_errors is not None


def counts(findings: list[Finding], acknowledged: set[str]) -> tuple[int, int, int]:
    """(errors, warnings, open): open is what blocks submission (errors and unacknowledged warnings)."""
    errors = sum(1 for f in findings if f.severity == "error")
    warnings = sum(1 for f in findings if f.severity == "warning")
    return errors, warnings, len(gate(findings, acknowledged))


def refresh(reports: Iterable[Report]) -> None:
    """Count the findings of these reports now and store them; a constant number of queries."""
    reports = list(reports)
    if not reports:
        return
    ids = [r.pk for r in reports]
    values = bulk_values(reports)
    contexts = bulk_contexts(reports)
    marks: dict[int, list[CarriedText]] = defaultdict(list)
    for mark in CarriedText.objects.filter(report_id__in=ids):
        marks[mark.report_id].append(mark)
    acks: dict[int, set[str]] = defaultdict(set)
    for report_id, key in Acknowledgement.objects.filter(report_id__in=ids).values_list("report_id", "key"):
        acks[report_id].add(key)
    current = stamp()
    for r in reports:
        findings = check(values[r.pk], contexts[r.pk]) + carryover_findings(r, marks[r.pk])
        r.tally_errors, r.tally_warnings, r.tally_open = counts(findings, acks[r.pk])
        r.tally_stamp = current
    _store(reports, current)


def _store(reports: list[Report], current: str, batch: int = 500) -> None:
    """Write the counts of those reports not marked stale since they were read: a save that lands while the
    rules ran raised `tally_generation`, and its report keeps `tally_stamp = ""` (counted again next time)
    instead of counts made from the values before it. One UPDATE a batch, the condition in the row."""
    for start in range(0, len(reports), batch):
        part = reports[start:start + batch]

        def by_report(field: str, output) -> Case:
            return Case(*[When(pk=r.pk, then=Value(getattr(r, field))) for r in part], output_field=output)

        Report.objects.filter(pk__in=[r.pk for r in part],
                              tally_generation=by_report("tally_generation", BigIntegerField())).update(
            tally_errors=by_report("tally_errors", IntegerField()),
            tally_warnings=by_report("tally_warnings", IntegerField()),
            tally_open=by_report("tally_open", IntegerField()),
            tally_stamp=Value(current))


def current(reports: Iterable[Report]) -> list[Report]:
    """The reports, with any stale counts counted and stored first."""
    reports = list(reports)
    refresh([r for r in reports if not is_current(r)])
    return reports


def refresh_stale(reports: QuerySet[Report]) -> int:
    """Count and store the findings of those of `reports` whose counts are stale; how many there were.

    Only the stale reports are read as model instances (with their organisation, which the rules'
    context reads); when none is stale this is one query that returns no row.
    """
    stale = list(reports.filter(~Q(tally_stamp=stamp()) | Q(tally_errors__isnull=True)).select_related("organisation"))
    refresh(stale)
    return len(stale)


def refresh_ids(ids: list[int]) -> int:
    """refresh_stale over the reports with these ids: what one worker process of `refresh_tallies` does with a
    chunk (reports.parallel)."""
    return refresh_stale(Report.objects.filter(pk__in=ids))


def mark_stale(*, reports: Iterable[int] = (), organisation: Organisation | None = None,
               following: Report | None = None) -> None:
    """Mark counts stale: of the given report ids, of an organisation's reports, of the report after one."""
    q = Q(pk__in=list(reports))
    if organisation is not None:
        q |= Q(organisation=organisation)
    if following is not None:
        q |= Q(organisation_id=following.organisation_id, year=following.year + 1)
    Report.objects.filter(q).update(tally_stamp="", tally_generation=F("tally_generation") + 1)


def changed(report: Report, touched: datetime.datetime | None = None) -> None:
    """A report's values, marks or acknowledgements changed: its counts and next year's are stale. `touched`:
    when its data was written, and its `updated_at` is set to it by the same statement."""
    if touched is None:
        mark_stale(reports=[report.pk], following=report)
    else:
        _written(report, touched)


def _written(report: Report, at: datetime.datetime) -> None:
    """After every write through reports.writing (an autosave each time a clerk pauses): the report's and next
    year's counts stale and the report's `updated_at` set, in one UPDATE written once. The ORM's version of the
    same statement (a Case over an OR of two filters) took ~460 µs to build, five times the database's work."""
    connection = connections[router.db_for_write(Report)]
    if connection.vendor not in _WRITTEN_SQL:
        qn = connection.ops.quote_name
        col = {f.name: qn(f.column) for f in Report._meta.concrete_fields}
        generation, updated, pk = col["tally_generation"], col["updated_at"], col["id"]
        _WRITTEN_SQL[connection.vendor] = (
            f"UPDATE {qn(Report._meta.db_table)} SET {col['tally_stamp']} = '', {generation} = {generation} + 1, "
            f"{updated} = CASE WHEN {pk} = %s THEN %s ELSE {updated} END "
            f"WHERE {pk} = %s OR ({col['organisation']} = %s AND {col['year']} = %s)")
    with connection.cursor() as cursor:
        cursor.execute(_WRITTEN_SQL[connection.vendor],
                       [report.pk, connection.ops.adapt_datetimefield_value(at), report.pk,
                        report.organisation_id, report.year + 1])


_WRITTEN_SQL: dict[str, str] = {}  # by database vendor


@receiver(counts_stale, sender=Report, dispatch_uid="reports.tallies.counts_stale")
def _counts_stale(sender, report: Report, following_only: bool = False,
                  touched: datetime.datetime | None = None, **kwargs) -> None:
    if following_only:
        mark_stale(following=report)
    else:
        changed(report, touched)


@receiver(post_save, sender=Organisation, dispatch_uid="reports.tallies.organisation_saved")
def _organisation_saved(sender, instance: Organisation, created: bool, **kwargs) -> None:
    if not created:  # its name and kind are in the rules' context
        mark_stale(organisation=instance)
