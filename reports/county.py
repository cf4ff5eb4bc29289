"""The county office's view: who is late, what is wrong, the consolidated tables and the trends.

Everything here reads many reports at once in a constant number of queries (`with_sections` joins
the sections, `bulk_values` reads every 表三 row in one more), then works on plain `ReportValues`.
"""

from __future__ import annotations

import datetime
import re
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from decimal import Decimal
from typing import Iterable

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Count, Q, QuerySet
from django.db.models.expressions import RawSQL

from . import county_sums, tallies
from .county_sums import add_cells, add_sums, summed_reports
from .bulk import bulk_contexts, bulk_values  # noqa: F401  (read many reports; also used from here)
from .catalogue import MAX_COUNT, Format, format_for_year, get_format
from .models import Membership, Organisation, Report
from .permissions import EDITABLE_STATES, subtree_ids
from .services import create_report, save_values
from .values import ReportValues, sum_or_none
from .values import Count as CellCount
from .writing import How, WriteRefused, writing

Status = Report.Status
Kind = Organisation.Kind

# A report counts for the county once its organisation's approver has passed it: these are summed,
# and an organisation whose report has reached one of them by the deadline is not late.
COUNTED_STATES = (Status.APPROVED, Status.PUBLISHED)
NO_REPORT = "none"
NO_REPORT_LABEL = "未创建"
# Progress order, for sorting and the summary line.
STATE_ORDER = (NO_REPORT, Status.DRAFT, Status.RETURNED, Status.SUBMITTED, Status.APPROVED, Status.PUBLISHED)

# 国办公开办函〔2021〕30号 二、(二): the consolidated reports of 县级、地市级、省级 governments.
CONSOLIDATED_DEADLINES = {Kind.COUNTY_GOV: "02-20", Kind.CITY_GOV: "03-10", Kind.PROVINCE_GOV: "03-31"}
# The same 二、(二): a county's office sums its departments' and townships' reports, a city's its departments' and the
# county governments', a province's its departments' and the cities'. So a government of these kinds below the root
# is summed by its own report, the consolidation of everything below it, and what is below it is not summed again.
CONSOLIDATING_KINDS = frozenset(CONSOLIDATED_DEADLINES)
GENERIC_DEADLINE = "01-31"


def reporting_year(today: datetime.date) -> int:
    """The year whose reports are due next: last year's until the end of March (the last deadline of
    the cycle, for provinces), this year's from April on, when offices start preparing."""
    return today.year - 1 if today.month <= 3 else today.year


def supervised_organisations(user) -> list[Organisation]:
    """The organisations where the user is a supervisor (the county office), by name."""
    if not user.is_authenticated:
        return []
    return list(
        Organisation.objects.filter(memberships__user=user, memberships__role=Membership.Role.SUPERVISOR)
        .distinct()
        .order_by("name")
    )


def subordinate_ids(root: Organisation) -> set[int]:
    """Every organisation below `root` (not `root` itself)."""
    return subtree_ids([root]) - {root.pk}


def subordinates(root: Organisation, *, summed: bool = False) -> QuerySet[Organisation]:
    """Every organisation below `root` (not `root` itself), found by the database in the same query; `summed`:
    those `root`'s consolidated report sums (not below a consolidating government below it: CONSOLIDATING_KINDS).

    A recursive subquery instead of `pk__in=<every id>`: at 20,000 organisations Django spends longer
    preparing a list of 20,000 parameters than the database takes to walk the tree. UNION (not UNION
    ALL) stops on a cycle, as `subtree_ids` does.
    """
    table, parent = Organisation._meta.db_table, Organisation._meta.get_field("parent").column
    kind = Organisation._meta.get_field("kind").column
    stops = sorted(CONSOLIDATING_KINDS) if summed else []
    through = f" WHERE b.kind NOT IN ({', '.join(['%s'] * len(stops))})" if stops else ""
    below = RawSQL(
        f"WITH RECURSIVE below(id, kind) AS (SELECT id, {kind} FROM {table} WHERE {parent} = %s"
        f" UNION SELECT o.id, o.{kind} FROM {table} o JOIN below b ON o.{parent} = b.id{through})"
        " SELECT id FROM below WHERE id <> %s",
        (root.pk, *stops, root.pk),
    )
    return Organisation.objects.filter(pk__in=below)


def _among(field: str, ids: list[int]) -> Q:
    """`field` is one of `ids`, sent to PostgreSQL as one array parameter (not one parameter per id)."""
    return Q(**{f"{field}__in": RawSQL("SELECT unnest(%s::bigint[])", (ids,))})


def _walk(root: Organisation, fields: tuple[str, ...], *, summed: bool = False) -> list[tuple]:
    """`fields` (the first is pk) of the organisations below `root`, level by level: a query per level of the
    tree, whatever the number of organisations. `summed`: not below a consolidating government (`subordinates`).

    PostgreSQL only: there the recursive subquery of `subordinates` is estimated a thousand times too
    large, which switches on its JIT compiler (20–30 ms a query) and poor joins.
    """
    read = fields if not summed or "kind" in fields else (*fields, "kind")
    kind = read.index("kind") if summed else None
    out, seen, frontier = [], {root.pk}, [root.pk]
    while frontier:
        level = [t for t in Organisation.objects.filter(_among("parent_id", frontier)).order_by().values_list(*read)
                 if t[0] not in seen]
        seen.update(t[0] for t in level)
        frontier = [t[0] for t in level if kind is None or t[kind] not in CONSOLIDATING_KINDS]
        out += level if read is fields else [t[:len(fields)] for t in level]
    return out


def _below_ids(root: Organisation, *, summed: bool = False) -> list[int]:
    return [pk for pk, in _walk(root, ("pk",), summed=summed)]


def reports_below(root: Organisation, organisations: list[OrganisationLine] | None = None, *,
                  summed: bool = False) -> QuerySet[Report]:
    """The reports of the organisations below `root` (`organisations`: those already read, to save a walk);
    `summed`: of those `root`'s consolidated report sums (`subordinates`)."""
    if connection.vendor == "postgresql":
        ids = [o.pk for o in organisations] if organisations is not None else _below_ids(root, summed=summed)
        return Report.objects.filter(_among("organisation_id", ids))
    return Report.objects.filter(organisation__in=subordinates(root, summed=summed))


@dataclass(frozen=True, slots=True)
class OrganisationLine:
    """The columns of an organisation that lists of thousands show (cheaper than a model instance)."""

    pk: int
    name: str
    short_name: str
    kind: str
    deadline_month_day: str

    FIELDS = ("pk", "name", "short_name", "kind", "deadline_month_day")

    def get_kind_display(self) -> str:
        return _KIND_LABELS.get(self.kind, self.kind)

    def deadline(self, year: int) -> datetime.date:
        return _deadline(self.deadline_month_day, year)


@dataclass(slots=True)
class ReportLine:
    """The columns of a report that lists of thousands show; `organisation` is its OrganisationLine."""

    pk: int
    organisation_id: int
    status: str
    format_version: str
    # Read for the dashboard (FIELDS), not for the consolidated tables (SUMMED_FIELDS).
    updated_at: datetime.datetime | None = None
    tally_errors: int | None = None
    tally_warnings: int | None = None
    tally_open: int | None = None
    tally_stamp: str = ""
    organisation: OrganisationLine | None = None
    left_out_reason: str = ""

    FIELDS = ("pk", "organisation_id", "status", "format_version", "updated_at", "tally_errors", "tally_warnings",
              "tally_open", "tally_stamp")
    SUMMED_FIELDS = FIELDS[:4]

    def get_status_display(self) -> str:
        return _STATUS_LABELS.get(self.status, self.status)

    @property
    def format(self) -> Format:
        return get_format(self.format_version)


_KIND_LABELS = dict(Kind.choices)
_STATUS_LABELS = dict(Status.choices)


@lru_cache(maxsize=512)
def _deadline(month_day: str, year: int) -> datetime.date:
    month, day = (int(p) for p in month_day.split("-"))
    return datetime.date(year + 1, month, day)


def organisation_lines(root: Organisation, *, summed: bool = False) -> list[OrganisationLine]:
    """The organisations below `root`, by name (code point order, as the dashboard sorts them); a query, or on
    PostgreSQL one per level of the tree. `summed`: those `root`'s consolidated report sums (`subordinates`)."""
    if connection.vendor == "postgresql":
        return sorted((OrganisationLine(*t) for t in _walk(root, OrganisationLine.FIELDS, summed=summed)),
                      key=lambda o: o.name)
    return [OrganisationLine(*t) for t in
            subordinates(root, summed=summed).order_by("name").values_list(*OrganisationLine.FIELDS)]


def report_lines(root: Organisation, year: int, organisations: list[OrganisationLine],
                 fields: tuple[str, ...] = ReportLine.FIELDS, *, summed: bool = False) -> dict[int, ReportLine]:
    """The `year` reports of the organisations below `root` by organisation id, with `fields`; one query.
    `summed`: `organisations` are those `root`'s consolidated report sums."""
    by_pk = {o.pk: o for o in organisations}
    out = {}
    for t in (reports_below(root, organisations, summed=summed).filter(year=year).order_by()
              .values_list(*fields)):
        line = ReportLine(*t)
        line.organisation = by_pk.get(line.organisation_id)
        out[line.organisation_id] = line
    return out


# ---------------------------------------------------------------- reading many reports: reports.bulk


# ---------------------------------------------------------------- the dashboard


@dataclass(slots=True)
class DashboardRow:
    organisation: OrganisationLine
    report: ReportLine | None
    deadline: datetime.date
    days_left: int  # negative once the deadline has passed
    errors: int | None = None  # None when there is no report to check
    warnings: int | None = None  # still to be confirmed by the drafters
    acknowledged: int | None = None

    @property
    def state(self) -> str:
        return self.report.status if self.report else NO_REPORT

    @property
    def state_label(self) -> str:
        return self.report.get_status_display() if self.report else NO_REPORT_LABEL

    @property
    def last_change(self) -> datetime.datetime | None:
        return self.report.updated_at if self.report else None

    @property
    def counted(self) -> bool:
        return self.state in COUNTED_STATES

    @property
    def days_overdue(self) -> int:
        return -self.days_left

    @property
    def overdue(self) -> bool:
        return self.days_left < 0 and not self.counted


def state_choices() -> list[tuple[str, str]]:
    labels = dict(Status.choices) | {NO_REPORT: NO_REPORT_LABEL}
    return [(s, labels[s]) for s in STATE_ORDER]


def dashboard_rows(root: Organisation, year: int, today: datetime.date) -> list[DashboardRow]:
    """One row per organisation below `root`: its report for `year`, deadline, and finding counts.

    Rows carry only the columns the page shows (no model instances: at 20,000 organisations building
    them was a quarter of the page's time); stale finding counts are counted and stored first.
    """
    # The findings are counted when reports change (reports.tallies); here only the stale ones, if any.
    organisations = organisation_lines(root)
    reports = report_lines(root, year, organisations)
    stamp = tallies.stamp()
    stale = [r.pk for r in reports.values() if r.tally_stamp != stamp or r.tally_errors is None]
    if stale:  # counted and stored now, then read again
        tallies.refresh_stale(Report.objects.filter(_among("pk", stale) if connection.vendor == "postgresql"
                                                    else Q(pk__in=stale)))
        reports = report_lines(root, year, organisations)
    rows = []
    for org in organisations:
        deadline = org.deadline(year)
        row = DashboardRow(org, reports.get(org.pk), deadline, (deadline - today).days)
        if row.report is not None:
            # As every page counts them (findings.counts): errors, warnings still to confirm, confirmed ones.
            r = row.report
            row.errors, row.warnings = r.tally_errors, r.tally_open - r.tally_errors
            row.acknowledged = r.tally_warnings - row.warnings
        rows.append(row)
    return rows


SORT_KEYS = {
    "name": lambda r: r.organisation.name,
    "kind": lambda r: (r.organisation.kind, r.organisation.name),
    "state": lambda r: (STATE_ORDER.index(r.state), r.organisation.name),
    "changed": lambda r: (r.last_change is not None, r.last_change or datetime.datetime.min, r.organisation.name),
    "deadline": lambda r: (r.counted, r.days_left, r.organisation.name),
    "errors": lambda r: (r.errors is not None, r.errors or 0, r.warnings or 0, r.organisation.name),
    "warnings": lambda r: (r.warnings is not None, r.warnings or 0, r.errors or 0, r.organisation.name),
}


def filter_and_sort(rows: list[DashboardRow], *, state: str = "", kind: str = "", overdue: bool = False,
                    sort: str = "name") -> list[DashboardRow]:
    """Rows of one state and kind (blank: all), only overdue ones if asked, sorted by `sort` (-key: descending)."""
    out = [r for r in rows if (not state or r.state == state) and (not kind or r.organisation.kind == kind)
           and (not overdue or r.overdue)]
    key = sort.removeprefix("-")
    if key in SORT_KEYS:
        out.sort(key=SORT_KEYS[key], reverse=sort.startswith("-"))
    return out


def state_summary(rows: list[DashboardRow]) -> list[tuple[str, str, int]]:
    """(state, label, how many) in progress order, for the line above the table."""
    counts: dict[str, int] = defaultdict(int)
    for r in rows:
        counts[r.state] += 1
    return [(s, label, counts[s]) for s, label in state_choices()]


# ---------------------------------------------------------------- consolidated tables


def consolidate(parts: Iterable[ReportValues], format_version: str | None = None) -> ReportValues:
    """The cell-wise sums of 表二, 表三 and 表四 (entered cells; every 总计 is derived from them)."""
    parts = list(parts)
    version = format_version or (parts[0].format_version if parts else get_format().version)
    if any(p.format_version != version for p in parts):
        raise ValueError("不同格式的报告不能汇总。")
    out = ReportValues(format_version=version)
    fmt = out.format
    for v in parts:
        # Decimal addition is exact: 16 digits per amount leave room for 10¹² reports in 28 digits.
        for key in fmt.table2.fields:
            out.table2[key] = add_cells(out.table2[key], v.table2[key])
        for row in fmt.table3.entered_rows:
            target, source = out.table3[row.code], v.table3[row.code]
            for col in fmt.table3.entered_columns:
                target[col.code] = add_cells(target[col.code], source[col.code])
        for group in fmt.table4.groups:
            target, source = out.table4[group.code], v.table4[group.code]
            for col in fmt.table4.entered_columns:
                target[col.code] = add_cells(target[col.code], source[col.code])
    return out


def summed(reports: QuerySet[Report]) -> dict[int, tuple[int, ReportValues]]:
    """By year: how many reports, and the cell-wise sums of 表二, 表三 and 表四, summed by the database.

    A year is summed in its own format (catalogue.format_for_year): one year, one format; a report of that
    year in the other format (a 2020 report kept in the 2021 format) is not added in (`consolidation` says
    so). SQL's SUM skips NULL and is NULL when every value is — a blank cell adds nothing, as in
    `consolidate`. Five queries whatever the number of reports; amounts (exact decimals, as entered) are
    added here.
    """
    out: dict[int, tuple[int, ReportValues]] = {}
    for year, version, n in (reports.values("year", "format_version").annotate(n=Count("pk"))
                             .values_list("year", "format_version", "n")):
        if n and version == format_for_year(year).version:
            out[year] = (n, ReportValues(format_version=version))
    if not out:
        return out
    by_format: dict[str, list[int]] = defaultdict(list)
    for year, (_n, values) in out.items():
        by_format[values.format_version].append(year)
    same = Q()
    for version, years in by_format.items():
        same |= Q(year__in=years, format_version=version)
    reports = reports.filter(same)
    add_sums({year: values for year, (_n, values) in out.items()}, lambda path: Q(**{f"{path}__in": reports}))
    return out


@dataclass
class Consolidation:
    root: Organisation
    year: int
    reports: list[ReportLine]  # the counted reports of the organisations below root, by organisation name
    values: ReportValues  # the sums
    left_out: list[tuple[OrganisationLine, ReportLine | None]] = field(default_factory=list)

    @property
    def fmt(self) -> Format:
        return self.values.format

    @cached_property
    def parts(self) -> dict[int, ReportValues]:
        """Each counted report's 表二/三/四 by report id (read when one cell is broken down, not for the sums):
        three queries, without the reports' prose."""
        return county_sums.table_values([r.pk for r in self.reports], self.values.format_version)


def consolidation(root: Organisation, year: int) -> Consolidation:
    """The sums of the counted reports below `root` for `year`, and who is left out; a constant number of
    queries, the organisations and reports read as lines (OrganisationLine, ReportLine), not model instances.

    Below a consolidating government (a county's, a city's) its own report is summed, not the reports it sums
    (CONSOLIDATING_KINDS): a city's tables are its departments' and its counties' consolidated reports."""
    organisations = organisation_lines(root, summed=True)
    fmt = format_for_year(year)
    by_org = report_lines(root, year, organisations, ReportLine.SUMMED_FIELDS, summed=True)
    counted, left_out = [], []
    for org in organisations:
        report = by_org.get(org.pk)
        if report is not None and report.status in COUNTED_STATES and report.format_version != fmt.version:
            # One year, one format: a report kept in the other format can't be added cell by cell.
            report.left_out_reason = f"{report.get_status_display()}，但按{report.format.title}填报，未计入{fmt.title}的汇总"
            left_out.append((org, report))
        elif report is not None and report.status in COUNTED_STATES:
            counted.append(report)
        else:
            left_out.append((org, report))
    # The counted reports are known by id: summing them by id spares the database the walk from organisations.
    ids = [r.pk for r in counted]
    # Summed from each report's stored row (county_sums); if those are not exactly the counted reports', the tables.
    values = county_sums.stored_sums(ids, fmt.version)
    if values is None:
        below = ids if connection.vendor == "postgresql" else reports_below(root, summed=True).filter(
            year=year, status__in=COUNTED_STATES, format_version=fmt.version)
        values = summed_reports(below, year, fmt.version)
    return Consolidation(root, year, counted, values, left_out)


def cell_keys(fmt: Format) -> list[str]:
    """Every cell of 表二, 表三 and 表四, entered or derived, with the keys the templates print in data-cell."""
    return [c.key for c in fmt.cells]


def cell_value(values: ReportValues, key: str) -> CellCount | Decimal:
    """The value of a cell named as in `cell_keys`; KeyError for an unknown key."""
    values.format.cell(key)
    return values.get(key)


def cell_label(fmt: Format, key: str) -> str:
    """A cell's readable name, prefixed with its table: 表三 一、本年新收政府信息公开申请数量（自然人）."""
    return fmt.table_cell_name(key)


def cell_breakdown(c: Consolidation, key: str) -> list[tuple[ReportLine, CellCount | Decimal]]:
    """Each counted report's value of one cell, largest first (blank last)."""
    pairs = [(r, cell_value(c.parts[r.pk], key)) for r in c.reports]
    return sorted(pairs, key=lambda p: (p[1] is None, -(p[1] or 0), p[0].organisation.name))


class ConsolidationError(Exception):
    """The consolidated report cannot be (re)filled; the message is for the user."""


@transaction.atomic
def prefill_consolidated_report(root: Organisation, year: int, *, by) -> Report:
    """Create `root`'s own report for `year` (or refill a draft of it) with the consolidated 表二/三/四.

    The prose is left as it is. The report's deadline becomes that of a consolidated report
    (20 February for a county) unless the organisation's deadline was already changed from 01-31.
    """
    report = Report.objects.select_for_update().filter(organisation=root, year=year).first()
    if report is not None and report.status not in EDITABLE_STATES:
        raise ConsolidationError(
            f"{report.title}已处于“{report.get_status_display()}”状态，不能再用汇总数覆盖；"
            "如需更新，请先由审核人退回。"
        )
    if root.deadline_month_day == GENERIC_DEADLINE and root.kind in CONSOLIDATED_DEADLINES:
        root.deadline_month_day = CONSOLIDATED_DEADLINES[root.kind]
        root.save(update_fields=["deadline_month_day"])
    if report is None:
        report = create_report(root, year)
    sums = consolidation(root, year).values
    try:
        with writing(report, by=by, how=How.PREFILL) as report:
            save_values(report, sums, prose=False)
    except ValidationError:
        raise ConsolidationError(
            f"汇总数超出了单元格允许的最大值 {MAX_COUNT}，无法填入{report.title}；请检查下属机关报告中的异常数字。"
        ) from None
    except WriteRefused as exc:
        raise ConsolidationError(str(exc)) from None
    return report


# ---------------------------------------------------------------- trends


def short_label(label: str) -> str:
    """A row label without its trailing note: （二）部分公开（区分处理的，…） → （二）部分公开."""
    return re.sub(r"(?<=[^）])（[^（]*）$", "", label)


@dataclass
class Trend:
    """The main figures per year, for charts: applications, how they were handled, reviews and lawsuits."""

    years: list[int]
    reports: list[int]  # how many reports each year's figures sum
    new: list[CellCount]
    carried_over: list[CellCount]
    results: dict[str, list[CellCount]]  # （一）予以公开 … （六）其他处理
    reviews: list[CellCount]
    litigation: dict[str, list[CellCount]]  # 未经复议直接起诉, 复议后起诉

    @property
    def report_counts(self) -> list[tuple[int, int]]:
        return list(zip(self.years, self.reports))


def trend(sums: dict[int, ReportValues], counts: dict[int, int]) -> Trend:
    """The figures the charts show, from each year's sums (and how many reports each sums)."""
    years = sorted(sums)
    t4 = get_format().table4
    labels = list(dict.fromkeys(short_label(r.group or r.label) for r in get_format().table3.result_rows))

    def group(values: ReportValues, label: str) -> CellCount:
        """A result group's total in the year's own format (（六）其他处理 is one row in the trial format)."""
        rows = [r for r in values.format.table3.result_rows if short_label(r.group or r.label) == label]
        return sum_or_none(values.t3(r.code, "total") for r in rows)

    return Trend(
        years=years,
        reports=[counts[y] for y in years],
        new=[sums[y].t3("new", "total") for y in years],
        carried_over=[sums[y].t3("carried_over", "total") for y in years],
        results={label: [group(sums[y], label) for y in years] for label in labels},
        reviews=[sums[y].t4("review", "total") for y in years],
        litigation={g.label: [sums[y].t4(g.code, "total") for y in years] for g in t4.groups if g.code != "review"},
    )


def _trend_of(reports: QuerySet[Report]) -> Trend:
    """The counted reports' figures, summed by the database year by year."""
    sums = summed(reports.filter(status__in=COUNTED_STATES))
    return trend({year: values for year, (_n, values) in sums.items()}, {year: n for year, (n, _v) in sums.items()})


def organisation_trend(org: Organisation) -> Trend:
    """One organisation's counted reports, year by year; two queries."""
    return _trend_of(Report.objects.filter(organisation=org))


def county_trend(root: Organisation) -> Trend:
    """The counted reports `root`'s consolidated report sums (as `consolidation`), summed year by year: on
    PostgreSQL from their stored rows (county_sums), a query per year once stored."""
    if connection.vendor != "postgresql":
        return _trend_of(reports_below(root, summed=True))
    ids: dict[int, list[int]] = defaultdict(list)
    for pk, year, version in reports_below(root, summed=True).filter(status__in=COUNTED_STATES).order_by().values_list(
            "pk", "year", "format_version"):
        if version == format_for_year(year).version:  # one year, one format, as `summed`
            ids[year].append(pk)
    sums = {year: county_sums.stored_sums(pks, format_for_year(year).version) for year, pks in ids.items()}
    sums = {year: summed_reports(ids[year], year, format_for_year(year).version) if v is None else v
            for year, v in sums.items()}
    return trend(sums, {year: len(pks) for year, pks in ids.items()})
