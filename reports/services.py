"""Creating reports and moving their values between the models and `ReportValues`."""

from __future__ import annotations

from collections import defaultdict
from typing import Callable, Iterable

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import transaction
from django.db.models import QuerySet

from .catalogue import format_for_year, get_format
from .models import (
    ApplicationRow,
    ProactiveCell,
    ApplicationSection,
    OtherMattersSection,
    OverviewSection,
    ProactiveSection,
    ProblemsSection,
    Report,
    ReviewLitigationSection,
)
from .joined import read_report, read_where
from .stored import OVERVIEW_FIELDS, T3_FIELDS, Table3Rows, fee_for_display, read_values, table2_values  # noqa: F401
from .values import ReportValues, decimal_places


@transaction.atomic
def create_report(organisation, year: int, **fields) -> Report:
    """A new, empty report with all six sections and every 表三 row (all cells blank), in the format of
    its year (catalogue.format_for_year) unless `format_version` is given."""
    fields.setdefault("format_version", format_for_year(year).version)
    report = Report.objects.create(organisation=organisation, year=year, **fields)
    ensure_sections(report)
    return report


@transaction.atomic
def ensure_sections(report: Report) -> None:
    """Create whichever sections and 表三 rows the report lacks (e.g. one added in the admin)."""
    for model in (OverviewSection, ReviewLitigationSection, ProblemsSection, OtherMattersSection):
        model.objects.get_or_create(report=report)
    ProactiveSection.objects.get_or_create(report=report)  # its cells are made by the first save
    section, _ = ApplicationSection.objects.get_or_create(report=report)
    have = set(section.rows.values_list("row", flat=True))
    ApplicationRow.objects.bulk_create(
        ApplicationRow(section=section, row=r.code) for r in report.format.table3.entered_rows if r.code not in have
    )


def table2_record(cell, value) -> dict:
    """What a ProactiveCell stores for `value` of the catalogue cell `cell`."""
    if cell.kind == "amount":
        return {"number": None, "amount": value, "places": decimal_places(value)}
    return {"number": value, "amount": None, "places": 0}


def store_table2(section: ProactiveSection, fmt, table2: dict) -> None:
    """Write 表二's cells (by key within the table) as ProactiveCell records; keys of no cell of `fmt` go.

    Only the records that differ from what is stored are written (an autosave changes one cell). Each is checked
    by the catalogue (`Cell.problem`) and by the model's field validators, which say in Python what the table's
    CHECK constraints say; full_clean's own constraint validation asked the database, a query and two savepoints
    per constraint and cell (~90 statements a save), and the constraints still guard every write."""
    stored = {c.key: c for c in section.cells.all()}
    gone = [c.pk for key, c in stored.items() if key not in fmt.table2.fields]
    new, changed = [], []
    for cell in fmt.table2.cells:
        if cell.field not in table2:
            continue
        problem = cell.problem(table2[cell.field])
        if problem:
            raise ValidationError({cell.key: f"{cell.name}：{problem}"})
        wanted = table2_record(cell, table2[cell.field])
        record = stored.get(cell.field)
        if record is not None and all(getattr(record, name) == value for name, value in wanted.items()):
            continue  # as stored (an amount compares by value; its decimals are `places`)
        if record is None:
            record = ProactiveCell(section=section, key=cell.field)
            new.append(record)
        else:
            changed.append(record)
        for name, value in wanted.items():
            setattr(record, name, value)
        record.full_clean(exclude=["section"], validate_constraints=False)
    if gone:
        ProactiveCell.objects.filter(pk__in=gone).delete()
    if new:
        ProactiveCell.objects.bulk_create(new)
    if changed:
        ProactiveCell.objects.bulk_update(changed, ["number", "amount", "places"])


# The sections `read_values` reads: `with_sections` joins them, so many reports are read in one query.
SECTION_RELATIONS = ("proactive", "applications", "review_litigation", "overview", "problems", "other_matters")



def with_sections(reports: QuerySet[Report]) -> QuerySet[Report]:
    """The reports with every section joined: `read_values` then needs one query (表三), `table3_rows` none."""
    return reports.select_related(*SECTION_RELATIONS)


def load_with_values(report_id: int, base: QuerySet[Report] | None = None,
                     check: Callable[[Report], object] | None = None, *,
                     visible: Callable[[Report], bool] | None = None,
                     table2: bool = True, table3: bool = True) -> tuple[Report, ReportValues]:
    """The report with its organisation and six sections joined, and its values: three queries.

    `base` narrows where it is looked for (the reports a user may see: Report.DoesNotExist otherwise); or, read
    by the SELECT written once (`joined.read_report`, no query to build), `visible` says whether the user may
    see it (Report.DoesNotExist otherwise, as `base` would). `check` is called on it before anything else is
    read or created (a permission check that raises).
    Sections or 表三 rows it lacks (a report made in the admin) are created first, then it is read again.
    `table2=False` / `table3=False`: that table's stored cells are not read, and are blank in the values —
    for a request that has them all in its form, or does not look at them (one query less each).
    """
    for attempt in range(2):
        if base is not None:
            report = with_sections(base).get(pk=report_id)
        else:
            report = read_report(report_id)
            if visible is not None and not visible(report):
                raise Report.DoesNotExist("Report matching query does not exist.")
        if check is not None and not attempt:
            check(report)
        try:
            for name in SECTION_RELATIONS:
                getattr(report, name)
            # By SELECTs written once (reports.joined): the same rows as `report.applications.rows` and
            # `report.proactive.cells`, without Django building the query on every editor request.
            rows = ([(r.row, *(getattr(r, f) for f in T3_FIELDS))
                     for r in read_where(ApplicationRow, "section", report.applications.pk)] if table3 else [])
            cells = ([(c.key, c.number, c.amount, c.places)
                      for c in read_where(ProactiveCell, "section", report.proactive.pk)] if table2 else [])
        except ObjectDoesNotExist:
            rows = cells = None
        if attempt or (rows is not None and (not table3 or len(rows) == len(report.format.table3.entered_rows))):
            break
        ensure_sections(report)
    return report, read_values(report, rows, cells)


def table2_cells(section_ids: Iterable[int]) -> dict[int, list[tuple]]:
    """The stored 表二 cells of many ProactiveSections in one query, by section id, for `read_values`."""
    out: dict[int, list[tuple]] = defaultdict(list)
    cells = ProactiveCell.objects.filter(section_id__in=list(section_ids)).values_list(
        "section_id", "key", "number", "amount", "places")
    for section_id, *cell in cells:
        out[section_id].append(tuple(cell))
    return out


def table3_rows(section_ids: Iterable[int]) -> dict[int, list[tuple]]:
    """The stored 表三 rows of many ApplicationSections in one query, by section id, for `read_values`."""
    out: dict[int, list[tuple]] = defaultdict(list)
    rows = ApplicationRow.objects.filter(section_id__in=list(section_ids)).values_list("section_id", "row", *T3_FIELDS)
    for section_id, *cells in rows:
        out[section_id].append(tuple(cells))
    return out


def _bump(section, fields: list[str]) -> None:
    section.revision += 1
    section.full_clean()
    section.save(update_fields=[*fields, "revision", "updated_at"])


@transaction.atomic
def save_values(report: Report, values: ReportValues, *, prose: bool = True) -> None:
    """Store every value of `values` in the report's sections (the numbers; the prose too if asked)."""
    fmt = get_format(values.format_version)
    if fmt.version != report.format_version:
        report.format_version = fmt.version
        report.save(update_fields=["format_version", "updated_at"])
    p = report.proactive
    store_table2(p, fmt, values.table2)
    _bump(p, [])

    section = report.applications
    entered = [r.code for r in fmt.table3.entered_rows]
    section.rows.exclude(row__in=entered).delete()
    ensure_sections(report)
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
