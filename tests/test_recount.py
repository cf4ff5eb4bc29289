"""With a worker, a report's findings counts are stored soon after it changes (reports.recount), not counted by the
page that shows them; without one, pages count what is stale, as before."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import override_settings
from django.utils import timezone
from django_tasks import default_task_backend

from reports import recount, tallies
from reports.county import dashboard_rows
from reports.models import Report
from reports.services import save_values
from reports.writing import How, writing

from .conftest import complete_values, make_report

pytestmark = pytest.mark.django_db

DUMMY = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend", "QUEUES": []}}


@pytest.fixture(autouse=True)
def _no_request_left():
    cache.delete(recount.ASKED)
    yield
    cache.delete(recount.ASKED)


def change(report: Report, new: int) -> None:
    values = report.values()
    values.table3["new"]["natural"] = new
    with writing(report, by=None, how=How.COMMAND) as locked:
        save_values(locked, values)


def test_with_a_worker_a_change_asks_once_and_the_run_stores_every_stale_count(township, county,
                                                                             django_capture_on_commit_callbacks):
    report = make_report(township, 2023, complete_values())
    following = make_report(township, 2024, complete_values())  # compares with 2023: stale with it
    tallies.refresh([report, following])
    with override_settings(TASKS=DUMMY):
        default_task_backend.clear()
        with django_capture_on_commit_callbacks(execute=True):
            change(report, 7)
        with django_capture_on_commit_callbacks(execute=True):
            change(report, 8)  # while the first request waits: not asked again
        assert [r.task.name for r in default_task_backend.results] == ["recount_stale"]
        waits = default_task_backend.results[0].task.run_after - timezone.now()  # one run per DELAY, not per save
        assert recount.DELAY - 2 < waits.total_seconds() <= recount.DELAY
        both = [report.pk, following.pk]
        assert not any(tallies.is_current(r) for r in Report.objects.filter(pk__in=both))
        assert recount.recount_stale.call() == 2
        assert all(tallies.is_current(r) for r in Report.objects.filter(pk__in=both))
        with django_capture_on_commit_callbacks(execute=True):
            change(report, 9)  # after the run started: asked again
        assert len(default_task_backend.results) == 2
    counted = Report.objects.get(pk=report.pk)
    assert counted.tally_errors is not None and not tallies.is_current(counted)  # the last change not yet counted


def test_the_dashboard_counts_nothing_after_the_worker_has(township, county, django_capture_on_commit_callbacks,
                                                           django_assert_max_num_queries):
    import datetime

    report = make_report(township, 2023, complete_values())
    with override_settings(TASKS=DUMMY), django_capture_on_commit_callbacks(execute=True):
        change(report, 7)
    recount.recount_stale.call()
    with django_assert_max_num_queries(3):  # organisations, reports, nothing stale to read or count
        rows = dashboard_rows(county, 2023, datetime.date(2024, 1, 10))
    assert [r.organisation.name for r in rows if r.report is not None] == [township.name]


def test_without_a_worker_nothing_is_asked_and_pages_count_what_is_stale(township, county,
                                                                        django_capture_on_commit_callbacks):
    report = make_report(township, 2023, complete_values())
    with django_capture_on_commit_callbacks(execute=True):  # the tests' settings: tasks in-process
        change(report, 7)
    assert cache.get(recount.ASKED) is None and not tallies.is_current(Report.objects.get(pk=report.pk))


def test_a_run_counts_at_most_its_share_and_asks_for_the_rest(township, county, monkeypatch):
    reports = [make_report(township, year, complete_values()) for year in (2021, 2022, 2023)]
    monkeypatch.setattr(recount, "BATCH", 1)
    monkeypatch.setattr(recount, "MOST", 2)
    with override_settings(TASKS=DUMMY):
        default_task_backend.clear()
        assert recount.recount_stale.call() == 2
        assert [r.task.name for r in default_task_backend.results] == ["recount_stale"]  # the third: next run
        assert recount.recount_stale.call() == 1
    assert all(tallies.is_current(r) for r in Report.objects.filter(pk__in=[r.pk for r in reports]))
