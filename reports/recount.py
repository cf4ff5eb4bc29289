"""Findings counts stored soon after a report changes, by the worker, so that no page has to count them.

reports.tallies marks a report's counts stale when something they depend on changes, and a page that lists
reports counts the stale ones before it shows them. That is enough for a county (a few dozen reports), not for a
province's dashboard in the last week of January, when thousands of reports change between two looks at it
(1,000 stale reports: 3.6 s at 20,000 organisations). So, with a task broker configured (GKPORTAL_REDIS_URL), every
change that makes counts stale also asks the worker, once the change is committed, to count every stale report
DELAY seconds later (`recount_stale`, scheduled: the worker runs with `--with-scheduler`); at most one such run
waits at a time, and a change after it started asks for the next. So a report is counted within seconds of its
last change, however many clerks type, and the worker starts one run per DELAY seconds, not one per autosave
(a run every save cost two hundred clerks' load test half its capacity: a job is a forked process). The
dashboard then finds the counts stored and counts only what changed in the last seconds.

Without a broker (`make run`, the tests) the task would run inside the request that saved: nothing is asked,
and pages count what is stale, as before. What the counts are and when they are stale: reports.tallies.
"""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Q
from django.dispatch import receiver
from django.utils import timezone
from django_tasks import task

from . import tallies
from .models import Report
from .signals import counts_stale

log = logging.getLogger(__name__)

# Set while a run is asked for and not started (cache.add: one asker wins, across processes with Redis).
ASKED = "gkportal:recount-stale:asked"
ASKED_SECONDS = 300  # if the worker is down, ask again after this long, not on every save
DELAY = 5  # seconds from the first change to the run that counts it and the changes after it
BATCH = 500  # reports counted and stored together (tallies.refresh)
MOST = 20_000  # reports one run counts before it asks for another run and ends (others wait behind it)


def broker_configured() -> bool:
    """A worker does the tasks (not the in-process backend, which would count inside the saving request)."""
    return not settings.TASKS["default"]["BACKEND"].endswith("ImmediateBackend")


def ask() -> bool:
    """Ask the worker to count the stale reports, unless a run is already asked for; True if this asked."""
    if not cache.add(ASKED, 1, ASKED_SECONDS):
        return False
    try:
        recount_stale.using(queue_name=settings.GKPORTAL_TASK_QUEUE,
                            run_after=timezone.now() + datetime.timedelta(seconds=DELAY)).enqueue()
    except Exception:  # noqa: BLE001 - the broker down: the pages count what is stale, as without one
        cache.delete(ASKED)
        log.exception("asking the worker to count stale reports failed")
        return False
    return True


@receiver(counts_stale, sender=Report, dispatch_uid="reports.recount.counts_stale")
def _counts_stale(sender, report: Report, **kwargs) -> None:
    if broker_configured():
        transaction.on_commit(ask)  # after the change is committed: the worker reads it


def _stale() -> Q:
    return ~Q(tally_stamp=tallies.stamp()) | Q(tally_errors__isnull=True)


@task(queue_name=settings.GKPORTAL_TASK_QUEUE)
def recount_stale() -> int:
    """Count and store the findings of every report whose counts are stale, BATCH at a time; how many."""
    cache.delete(ASKED)  # a change from now on asks for another run, which sees it
    done = 0
    while done < MOST:
        ids = list(Report.objects.filter(_stale()).order_by("pk").values_list("pk", flat=True)[:BATCH])
        if not ids:
            return done
        counted = tallies.refresh_ids(ids)
        done += counted
        if not counted:  # counted meanwhile by a page or another run: nothing left to do here
            return done
    ask()  # more than one run's worth: the rest in a run of its own, behind whatever else is queued
    return done
