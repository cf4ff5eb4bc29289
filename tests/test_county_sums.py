"""The consolidated tables summed from each counted report's stored row (reports.county_sums): always the
sums of the reports' cells as they are, after edits, imports, returns and approvals."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection

from reports import county_sums
from reports.catalogue import format_for_year, get_format
from reports.county import cell_keys, cell_value, consolidate, consolidation, summed_reports
from reports.importing.apply import import_into
from reports.models import Report, ReportSums
from reports.services import save_values
from reports.workflow import approve, reopen, return_report
from reports.writing import How, WriteRefused, writing

from .conftest import complete_values, make_org, make_report

pytestmark = pytest.mark.django_db

Status = Report.Status
YEAR = 2023
FMT = get_format()


def assert_sums(county, parts, year=YEAR):
    """The tables' sums equal the plain sums of `parts`, cell by cell, read from stored rows and summed live."""
    fmt = format_for_year(year)
    expected = consolidate(parts, fmt.version)
    result = consolidation(county, year)
    live = summed_reports(Report.objects.filter(pk__in=[r.pk for r in result.reports]), year, fmt.version)
    for key in cell_keys(fmt):
        assert cell_value(result.values, key) == cell_value(expected, key) == cell_value(live, key), key
    return result


def values_with(new_natural: int, fee: Decimal | None = None):
    v = complete_values()
    v.table3["new"]["natural"] += new_natural
    v.table3["granted"]["natural"] += new_natural
    if fee is not None:
        v.table2["fees_10k_yuan"] = fee
    return v


def submitted(report: Report) -> None:
    """Submitted, as a drafter would once the warnings are confirmed (submission's checks are not the subject)."""
    Report.objects.filter(pk=report.pk).update(status=Status.SUBMITTED)


def test_a_counted_report_is_stored_once_and_then_summed_from_its_row(county, township, sibling):
    a, b = values_with(1, Decimal("0.1")), values_with(2, Decimal("12.345"))
    make_report(township, YEAR, a, status=Status.APPROVED)
    make_report(sibling, YEAR, b, status=Status.PUBLISHED)
    make_report(make_org("城关镇人民政府", parent=county), YEAR, values_with(1000), status=Status.RETURNED)
    first = assert_sums(county, [a, b])
    assert ReportSums.objects.count() == 2  # the returned report is not stored
    assert str(first.values.table2["fees_10k_yuan"]) == "12.445"  # with the decimals entered, as summed live
    second = assert_sums(county, [a, b])
    assert second.values == first.values


def test_the_sums_follow_a_return_an_edit_an_import_and_the_approval(county, township, drafter, approver,
                                                                    county_officer):
    old = values_with(1)
    report = make_report(township, YEAR, old, status=Status.SUBMITTED)
    approve(report, by=approver)
    assert_sums(county, [old])
    assert ReportSums.objects.filter(report=report).exists()

    return_report(report, by=county_officer, comment="请核对申请数")
    assert not ReportSums.objects.filter(report=report).exists()  # its state changed: no longer trusted
    assert_sums(county, [])  # returned: not counted, and not stored again

    edited = values_with(5)
    with writing(report, by=drafter, how=How.SAVE):
        save_values(report, edited, prose=False)
    submitted(report)
    approve(report, by=approver)
    assert_sums(county, [edited])

    reopen(report, by=approver, comment="请导入定稿")
    imported = values_with(9, Decimal("3.5"))
    import_into(report, imported, by=drafter, prose_fields=[])
    submitted(report)
    approve(report, by=approver)
    result = assert_sums(county, [imported])
    assert result.values.t3("new", "natural") == imported.t3("new", "natural")


def test_no_path_writes_a_stored_report_and_a_transition_deletes_its_row(county, township, county_officer):
    report = make_report(township, YEAR, values_with(1), status=Status.APPROVED)
    consolidation(county, YEAR)
    for how in (How.SAVE, How.IMPORT, How.CARRYOVER, How.PREFILL, How.COMMAND, How.ADMIN):
        with pytest.raises(WriteRefused):
            with writing(report, by=None, how=how):
                save_values(report, values_with(7), prose=False)
    assert ReportSums.objects.filter(report=report).exists()
    reopen(report, by=county_officer, comment="更正")
    assert not ReportSums.objects.filter(report=report).exists()


def test_a_row_of_another_layout_is_not_used_but_stored_again(county, township):
    v = values_with(3)
    report = make_report(township, YEAR, v, status=Status.APPROVED)
    consolidation(county, YEAR)
    ReportSums.objects.filter(report=report).update(layout="old", t3_new_natural=999_999)
    assert_sums(county, [v])
    assert ReportSums.objects.get(report=report).layout == county_sums.LAYOUT


def test_when_the_rows_are_not_exactly_the_counted_reports_the_tables_are_summed(county, township, sibling,
                                                                               monkeypatch):
    a, b = values_with(1), values_with(2)
    make_report(township, YEAR, a, status=Status.APPROVED)
    make_report(sibling, YEAR, b, status=Status.APPROVED)
    monkeypatch.setattr(county_sums, "store", lambda ids, version: 0)  # e.g. each left the counted states meanwhile
    assert county_sums.stored_sums([r.pk for r in Report.objects.all()], FMT.version) is None
    assert_sums(county, [a, b])
    assert not ReportSums.objects.exists()


def test_a_row_is_stored_only_for_a_report_still_counted(county, township):
    report = make_report(township, YEAR, values_with(1), status=Status.RETURNED)
    assert county_sums.store([report.pk], FMT.version) == 0
    assert not ReportSums.objects.exists()


def test_the_trial_format_with_signed_counts_and_its_amount(county, township, sibling):
    year = 2020
    fmt = format_for_year(year)
    parts = []
    for org, change, amount in ((township, -3, Decimal("1.25")), (sibling, 5, Decimal("100"))):
        v = consolidate([], fmt.version)
        for cell in fmt.table2.cells:
            v.table2[cell.field] = amount if cell.kind == "amount" else change if cell.kind == "signed" else 4
        for row in fmt.table3.entered_rows:
            for col in fmt.table3.entered_columns:
                v.table3[row.code][col.code] = 2
        make_report(org, year, v, status=Status.APPROVED, format_version=fmt.version)
        parts.append(v)
    result = assert_sums(county, parts, year)
    assert str(result.values.table2["procurement_amount"]) == "101.25"
    assert ReportSums.objects.filter(format_version=fmt.version).count() == 2


def test_the_command_stores_every_counted_report_once_and_rebuilds(county, township, sibling):
    from io import StringIO

    from django.core.management import call_command

    a, b = values_with(1), values_with(2)
    make_report(township, YEAR, a, status=Status.APPROVED)
    make_report(sibling, YEAR, b, status=Status.DRAFT)
    out = StringIO()
    call_command("store_county_sums", stdout=out)
    assert "已存好 1 份" in out.getvalue() and ReportSums.objects.count() == 1
    ReportSums.objects.update(t3_new_natural=999_999)  # as if wrong: --rebuild computes it again
    call_command("store_county_sums", "--rebuild", stdout=StringIO())
    assert_sums(county, [a])
    assert ReportSums.objects.get().t3_new_natural == a.t3("new", "natural")


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite has no row locks: run with DATABASE_URL")
@pytest.mark.django_db(transaction=True)
def test_a_reopening_while_the_row_is_being_stored_waits_and_then_deletes_it(county, township, county_officer,
                                                                            monkeypatch):
    from .race_support import Race

    report = make_report(township, YEAR, values_with(1), status=Status.APPROVED)
    race = Race()
    original = county_sums.table_values

    def held(*args, **kwargs):  # inside store(), the report locked and read as counted, before the INSERT
        race.hold()
        return original(*args, **kwargs)

    monkeypatch.setattr(county_sums, "table_values", held)
    outcomes = race.run(lambda: county_sums.store([report.pk], FMT.version),
                        lambda: reopen(Report.objects.get(pk=report.pk), by=county_officer, comment="更正"))
    assert race.second_waited, "the reopening never waited for the row being stored"
    assert outcomes["first"] == ("done", 1) and outcomes["second"][0] == "done", outcomes
    assert not ReportSums.objects.filter(report=report).exists()  # stored, then deleted by the transition
    assert consolidation(county, YEAR).reports == []


@pytest.mark.parametrize("year", [YEAR, 2020])
def test_the_breakdown_reads_each_reports_cells_as_the_report_holds_them(county, township, sibling, year):
    from reports.county import cell_breakdown

    fmt = format_for_year(year)
    for org, n in ((township, 1), (sibling, 2)):
        v = consolidate([], fmt.version)
        for i, cell in enumerate(fmt.table2.cells):
            v.table2[cell.field] = Decimal("1.5") * n if cell.kind == "amount" else -n if cell.kind == "signed" else i
        for i, row in enumerate(fmt.table3.entered_rows):
            for col in fmt.table3.entered_columns:
                v.table3[row.code][col.code] = None if i % 5 == 0 else i * n
        make_report(org, year, v, status=Status.APPROVED, format_version=fmt.version)
    c = consolidation(county, year)
    for key in cell_keys(fmt):
        for line, value in cell_breakdown(c, key):
            assert value == cell_value(Report.objects.get(pk=line.pk).values(), key), key
