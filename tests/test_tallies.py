"""Findings counted when reports change (reports.tallies): the county's pages read them, never stale ones."""

from __future__ import annotations

import pytest

from reports import tallies
from reports.findings import acknowledge, blocking_findings, findings_for_report
from reports.models import Report
from reports.workflow import approve, submit

from .test_county import BEFORE, YEAR, department, landscape, rows_by_name, set_status  # noqa: F401  (fixtures)
from .conftest import complete_values, make_report
from .workflow_support import complete_report, edit

pytestmark = pytest.mark.django_db


def truth(report: Report) -> tuple[int, int, int]:
    """The counts as the report's own page finds them, one report at a time."""
    findings = findings_for_report(report)
    return (sum(f.severity == "error" for f in findings), sum(f.severity == "warning" for f in findings),
            len(blocking_findings(report)))


def stored(report: Report) -> tuple[int | None, int | None, int | None]:
    fresh = Report.objects.get(pk=report.pk)
    return fresh.tally_errors, fresh.tally_warnings, fresh.tally_open


def test_the_dashboard_counts_what_each_reports_page_finds(landscape):
    from reports.county import dashboard_rows

    rows = rows_by_name(dashboard_rows(landscape, YEAR, BEFORE))
    for row in rows.values():
        if row.report is not None:
            report = Report.objects.get(pk=row.report.pk)  # the row carries a ReportLine, not the model
            assert (row.errors, row.warnings) == truth(report)[:2]
            assert stored(report) == truth(report)


def test_a_second_look_runs_no_rule(landscape, monkeypatch):
    from reports.county import dashboard_rows

    dashboard_rows(landscape, YEAR, BEFORE)

    def no_rules(*args, **kwargs):
        raise AssertionError("the rules ran again for unchanged reports")

    monkeypatch.setattr(tallies, "check", no_rules)
    rows = rows_by_name(dashboard_rows(landscape, YEAR, BEFORE))
    assert rows["西村乡"].errors >= 2


def test_an_editor_save_makes_the_counts_stale_and_the_next_look_counts_again(township, drafter):
    report = complete_report(township)
    tallies.current([report])
    assert stored(report)[0] == 0
    edit(report, drafter, new__natural=report.values().t3("new", "natural") + 1)  # T3-BAL breaks
    assert Report.objects.get(pk=report.pk).tally_stamp == ""
    fresh = tallies.current([Report.objects.get(pk=report.pk)])[0]
    assert fresh.tally_errors >= 1 and stored(report) == truth(report)


def test_a_transition_of_last_years_report_makes_this_years_counts_stale(township, drafter, approver):
    last = complete_report(township, 2023)
    this = make_report(township, 2024, complete_values())
    tallies.current([this])
    submit(last, by=drafter)
    assert Report.objects.get(pk=this.pk).tally_stamp == ""
    tallies.current([Report.objects.get(pk=this.pk)])
    approve(last, by=approver)
    assert Report.objects.get(pk=this.pk).tally_stamp == ""
    assert stored(tallies.current([Report.objects.get(pk=this.pk)])[0]) == truth(this)


def test_an_acknowledged_warning_leaves_the_open_count(township, drafter):
    from reports.carryover import start_from_previous

    complete_report(township, 2023)
    report = start_from_previous(township, 2024, by=drafter)  # its copied prose: warnings to acknowledge
    before = tallies.current([Report.objects.get(pk=report.pk)])[0]
    warning = next(f for f in findings_for_report(report) if f.severity == "warning")
    acknowledge(report, warning.key, by=drafter, explanation="本年确无问题。")
    after = tallies.current([Report.objects.get(pk=report.pk)])[0]
    assert after.tally_warnings == before.tally_warnings and after.tally_open == before.tally_open - 1


def test_renaming_the_organisation_or_changing_a_setting_makes_counts_stale(township, settings):
    report = complete_report(township)
    tallies.current([report])
    township.name = "西村镇人民政府"
    township.save()
    assert Report.objects.get(pk=report.pk).tally_stamp == ""
    fresh = tallies.current([Report.objects.get(pk=report.pk)])[0]
    assert tallies.is_current(fresh)
    settings.GKPORTAL_OTHER_HANDLING_WARN_SHARE = 0.01
    assert not tallies.is_current(Report.objects.get(pk=report.pk))


def test_counts_of_a_report_with_nothing_stale_are_not_rewritten(township, django_assert_max_num_queries):
    reports = [set_status(complete_report(township, year), Report.Status.PUBLISHED) for year in (2021, 2022, 2023)]
    tallies.current(reports)
    fresh = list(Report.objects.filter(pk__in=[r.pk for r in reports]))
    with django_assert_max_num_queries(0):
        counted = [(r.tally_errors, r.tally_warnings, r.tally_open) for r in tallies.current(fresh)]
    assert counted == [truth(r) for r in fresh]


def test_refresh_tallies_counts_every_stale_report_ahead_of_the_pages_and_then_nothing(landscape, monkeypatch):
    from io import StringIO

    from django.core.management import call_command

    Report.objects.update(tally_stamp="older-rules")  # another release's stamp
    reports = list(Report.objects.all())
    assert len(reports) >= 2
    monkeypatch.setattr("reports.management.commands.refresh_tallies.CHUNK", 1)  # several chunks
    out = StringIO()
    call_command("refresh_tallies", stdout=out)
    assert f"已统计 {len(reports)} 份" in out.getvalue()
    for report in reports:
        assert Report.objects.get(pk=report.pk).tally_stamp == tallies.stamp()
        assert stored(report) == truth(report)

    def no_rules(*args, **kwargs):
        raise AssertionError("counted again")

    monkeypatch.setattr(tallies, "check", no_rules)
    out = StringIO()
    call_command("refresh_tallies", stdout=out)
    assert "已统计 0 份" in out.getvalue()


def _watch_pools(monkeypatch) -> list[int]:
    """The worker counts of the process pools reports.parallel starts, as they start."""
    from reports import parallel

    started: list[int] = []

    class Watched(parallel.ProcessPoolExecutor):
        def __init__(self, max_workers, **kwargs):
            started.append(max_workers)
            super().__init__(max_workers, **kwargs)

    monkeypatch.setattr(parallel, "ProcessPoolExecutor", Watched)
    return started


@pytest.mark.django_db(transaction=True)  # committed: the worker processes read the reports on their own connections
def test_refresh_tallies_on_every_core_stores_what_one_process_counts(landscape, monkeypatch):
    """`refresh_tallies --jobs 2`: two worker processes (started fresh, on the parent's database) each read, check
    and store whole chunks: the same counts as each report's own page."""
    from io import StringIO

    from django.core.management import call_command
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("worker processes cannot open an SQLite database in memory (they count in this process)")
    started = _watch_pools(monkeypatch)
    monkeypatch.setattr("reports.management.commands.refresh_tallies.CHUNK", 1)  # several chunks
    Report.objects.update(tally_stamp="older-rules")
    reports = list(Report.objects.all())
    out = StringIO()
    call_command("refresh_tallies", jobs=2, stdout=out)
    assert started == [2]
    assert f"已统计 {len(reports)} 份" in out.getvalue() and f"已统计 1 / {len(reports)} 份" in out.getvalue()
    for report in reports:
        assert stored(report) == truth(report)


def test_without_a_database_the_workers_can_open_the_chunks_are_counted_here(landscape, monkeypatch):
    """SQLite in memory, or a caller inside a transaction (as this test is): the workers would see no report."""
    from io import StringIO

    from django.core.management import call_command

    started = _watch_pools(monkeypatch)
    monkeypatch.setattr("reports.management.commands.refresh_tallies.CHUNK", 1)
    Report.objects.update(tally_stamp="older-rules")
    reports = list(Report.objects.all())
    call_command("refresh_tallies", jobs=2, stdout=StringIO())
    assert started == []
    for report in reports:
        assert stored(report) == truth(report)


def test_refresh_tallies_refuses_no_processes():
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError, match="至少为 1"):
        call_command("refresh_tallies", jobs=0)


def test_a_save_that_lands_while_the_rules_run_keeps_the_report_stale(township, drafter, monkeypatch):
    """The counts were made from the values read before the save: storing them as current would show the
    county the old errors until the next change. The report stays stale and the next look counts again."""
    report = complete_report(township)
    Report.objects.filter(pk=report.pk).update(tally_stamp="")
    real_check = tallies.check

    def check_while_a_clerk_saves(values, context):
        findings = real_check(values, context)  # made from the values as read: balanced, no error
        edit(report, drafter, new__natural=report.values().t3("new", "natural") + 1)  # T3-BAL now breaks
        return findings

    monkeypatch.setattr(tallies, "check", check_while_a_clerk_saves)
    assert tallies.refresh_stale(Report.objects.filter(pk=report.pk)) == 1
    assert Report.objects.get(pk=report.pk).tally_stamp == ""  # not the counts from before the save
    monkeypatch.setattr(tallies, "check", real_check)
    tallies.refresh_stale(Report.objects.filter(pk=report.pk))
    fresh = Report.objects.get(pk=report.pk)
    assert fresh.tally_stamp == tallies.stamp() and fresh.tally_errors >= 1
    assert stored(report) == truth(report)
