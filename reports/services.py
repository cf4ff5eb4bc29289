"""Creating reports and moving their values between the models and `ReportValues`."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Iterable, Sequence

from django.db import transaction
from django.db.models import QuerySet

from .catalogue import get_format
from .models import (
    ApplicationRow,
    ApplicationSection,
    OtherMattersSection,
    OverviewSection,
    ProactiveSection,
    ProblemsSection,
    Report,
    ReviewLitigationSection,
)
from .values import ReportValues, decimal_places

OVERVIEW_FIELDS = ("proactive", "on_request", "management", "platform", "oversight")


@transaction.atomic
def create_report(organisation, year: int, **fields) -> Report:
    """A new, empty report with all six sections and every 表三 row (all cells blank)."""
    report = Report.objects.create(organisation=organisation, year=year, **fields)
    ensure_sections(report)
    return report


@transaction.atomic
def ensure_sections(report: Report) -> None:
    """Create whichever sections and 表三 rows the report lacks (e.g. one added in the admin)."""
    for model in (OverviewSection, ProactiveSection, ReviewLitigationSection, ProblemsSection, OtherMattersSection):
        model.objects.get_or_create(report=report)
    section, _ = ApplicationSection.objects.get_or_create(report=report)
    have = set(section.rows.values_list("row", flat=True))
    ApplicationRow.objects.bulk_create(
        ApplicationRow(section=section, row=r.code) for r in report.format.table3.entered_rows if r.code not in have
    )


def fee_for_display(value: Decimal | None, places: int) -> Decimal | None:
    """The stored fee with exactly the decimals that were entered."""
    if value is None:
        return None
    return value.quantize(Decimal(1).scaleb(-places)) if places else value.quantize(Decimal(1))


# The sections `read_values` reads: `with_sections` joins them, so many reports are read in one query.
SECTION_RELATIONS = ("proactive", "applications", "review_litigation", "overview", "problems", "other_matters")
# The cells of an ApplicationRow, in the catalogue's column order.
T3_FIELDS = tuple(c.code for c in get_format().table3.entered_columns)

Table3Rows = Iterable[Sequence]  # (row code, *cells in T3_FIELDS order), one per stored 表三 row


def with_sections(reports: QuerySet[Report]) -> QuerySet[Report]:
    """The reports with every section joined: `read_values` then needs one query (表三), `table3_rows` none."""
    return reports.select_related(*SECTION_RELATIONS)


def table3_rows(section_ids: Iterable[int]) -> dict[int, list[tuple]]:
    """The stored 表三 rows of many ApplicationSections in one query, by section id, for `read_values`."""
    out: dict[int, list[tuple]] = defaultdict(list)
    rows = ApplicationRow.objects.filter(section_id__in=list(section_ids)).values_list("section_id", "row", *T3_FIELDS)
    for section_id, *cells in rows:
        out[section_id].append(tuple(cells))
    return out


def read_values(report: Report, rows: Table3Rows | None = None) -> ReportValues:
    """The report's values; `rows` are its 表三 rows when already read in bulk (see `table3_rows`)."""
    fmt = report.format
    v = ReportValues(format_version=report.format_version, printed_totals=dict(report.printed_totals or {}))
    p = report.proactive
    for key in fmt.table2.count_fields:
        v.table2[key] = getattr(p, key)
    v.fees_10k_yuan = fee_for_display(p.fees_10k_yuan, p.fees_10k_yuan_places)
    if rows is None:
        rows = report.applications.rows.values_list("row", *T3_FIELDS)
    for code, *cells in rows:
        v.table3[code].update(zip(T3_FIELDS, cells))
    rl = report.review_litigation
    for group in fmt.table4.groups:
        for col in fmt.table4.entered_columns:
            v.table4[group.code][col.code] = getattr(rl, fmt.table4.field(group.code, col.code))
    v.prose["preface"] = report.preface
    for name in OVERVIEW_FIELDS:
        v.prose[f"overview_{name}"] = getattr(report.overview, name)
    v.prose["problems"] = report.problems.text
    om = report.other_matters
    v.prose["other_matters"] = om.text
    v.processing_fee_yuan = om.processing_fee_yuan
    v.processing_fee_count = om.processing_fee_count
    return v


def _bump(section, fields: list[str]) -> None:
    section.revision += 1
    section.full_clean()
    section.save(update_fields=[*fields, "revision", "updated_at"])


@transaction.atomic
def save_values(report: Report, values: ReportValues, *, prose: bool = True) -> None:
    """Store every value of `values` in the report's sections (the numbers; the prose too if asked)."""
    fmt = get_format(values.format_version)
    p = report.proactive
    for key in fmt.table2.count_fields:
        setattr(p, key, values.table2[key])
    p.fees_10k_yuan = values.fees_10k_yuan
    p.fees_10k_yuan_places = decimal_places(values.fees_10k_yuan)
    _bump(p, [*fmt.table2.count_fields, "fees_10k_yuan", "fees_10k_yuan_places"])

    section = report.applications
    rows = {r.row: r for r in section.rows.all()}
    columns = [c.code for c in fmt.table3.entered_columns]
    for code, record in rows.items():
        for col in columns:
            setattr(record, col, values.table3[code][col])
        record.full_clean(exclude=["section"])
    ApplicationRow.objects.bulk_update(rows.values(), columns)
    _bump(section, [])

    rl = report.review_litigation
    t4_fields = []
    for group in fmt.table4.groups:
        for col in fmt.table4.entered_columns:
            name = fmt.table4.field(group.code, col.code)
            setattr(rl, name, values.table4[group.code][col.code])
            t4_fields.append(name)
    _bump(rl, t4_fields)

    report.printed_totals = values.printed_totals
    report.save(update_fields=["printed_totals", "updated_at"])

    if prose:
        report.preface = values.prose["preface"]
        report.save(update_fields=["preface", "updated_at"])
        ov = report.overview
        for name in OVERVIEW_FIELDS:
            setattr(ov, name, values.prose[f"overview_{name}"])
        _bump(ov, list(OVERVIEW_FIELDS))
        report.problems.text = values.prose["problems"]
        _bump(report.problems, ["text"])
        om = report.other_matters
        om.text = values.prose["other_matters"]
        om.processing_fee_yuan = values.processing_fee_yuan
        om.processing_fee_count = values.processing_fee_count
        _bump(om, ["text", "processing_fee_yuan", "processing_fee_count"])
