"""Reading many reports at once: their values and the rules' contexts, in a constant number of queries."""

from __future__ import annotations

from typing import Iterable

from django.db.models import prefetch_related_objects

from .findings import context_for
from .models import Report
from .rules import Context
from .services import SECTION_RELATIONS, read_values, table2_cells, table3_rows, with_sections
from .values import ReportValues


def bulk_values(reports: Iterable[Report]) -> dict[int, ReportValues]:
    """Each report's values by report id: one query for the 表三 rows (and six more unless `with_sections` ran)."""
    reports = list(reports)
    prefetch_related_objects(reports, *SECTION_RELATIONS)
    rows = table3_rows(r.applications.pk for r in reports)
    cells = table2_cells(r.proactive.pk for r in reports)
    return {r.pk: read_values(r, rows.get(r.applications.pk, ()), cells.get(r.proactive.pk, ())) for r in reports}


def bulk_contexts(reports: Iterable[Report]) -> dict[int, Context]:
    """The rules' Context of each report, with last year's values, by report id; three queries at most."""
    reports = list(reports)
    wanted = {(r.organisation_id, r.year - 1) for r in reports}
    previous: dict[tuple[int, int], Report] = {}
    if wanted:
        qs = with_sections(
            Report.objects.filter(
                organisation_id__in={org for org, _ in wanted}, year__in={year for _, year in wanted}
            )
        )
        previous = {(r.organisation_id, r.year): r for r in qs if (r.organisation_id, r.year) in wanted}
    previous_values = bulk_values(previous.values())
    prefetch_related_objects(reports, "organisation")
    out = {}
    for r in reports:
        prev = previous.get((r.organisation_id, r.year - 1))
        out[r.pk] = context_for(r.organisation, r.year, prev, previous_values[prev.pk] if prev else None)
    return out
