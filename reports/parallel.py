"""The rules over many reports on every core of the machine: for the commands that count in bulk.

`check()` is a pure function of a report's values and its context (reports.rules), so a worker process needs no
database: it is handed (values, context) pairs and returns their findings. One process runs the rules at about
1,100–1,500 reports a second; after a rules release `refresh_tallies` has every report of a province to count,
and the machine has more cores than one.

The workers are started fresh (`spawn`) and set Django up themselves, so that none inherits the parent's
database connections (a forked child closing an inherited PostgreSQL socket ends the parent's session) or its
threads. Starting them costs about a second, so a small batch is checked in this process.
"""

from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from typing import Callable, Iterable, Sequence

from .rules import Context, Finding, check
from .values import ReportValues

# Reports per worker below which a batch is checked in this process: sending the values costs ~5 % of
# checking them, starting the pool about a second once.
MIN_PER_WORKER = 100
PARTS_PER_WORKER = 4  # a batch is cut in this many parts a worker, so that no worker waits for a slow one


def default_jobs() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _start_worker() -> None:
    import django

    django.setup()  # the rules read the organisation kinds from the models


def _check_part(part: Sequence[tuple[ReportValues, Context]]) -> list[list[Finding]]:
    return [check(values, context) for values, context in part]


class Checker:
    """`check()` over many reports in `jobs` worker processes (one: in this process). Use as a context manager;
    the pool is started at the first batch big enough to need it and kept for the next ones."""

    def __init__(self, jobs: int | None = None):
        self.jobs = max(1, jobs if jobs is not None else default_jobs())
        self._pool: ProcessPoolExecutor | None = None

    def __enter__(self) -> Checker:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)
            self._pool = None

    def check(self, items: Iterable[tuple[ReportValues, Context]]) -> list[list[Finding]]:
        """The findings of each (values, context), in order: what [check(v, c) for v, c in items] gives."""
        return self.start(items)()

    def start(self, items: Iterable[tuple[ReportValues, Context]]) -> Callable[[], list[list[Finding]]]:
        """check(items), begun now on the workers: call what it returns for the findings (it waits for them). In
        this process, the rules run when it is called."""
        items = list(items)
        if self.jobs == 1 or len(items) < 2 * MIN_PER_WORKER:
            return lambda: _check_part(items)
        if self._pool is None:
            self._pool = ProcessPoolExecutor(self.jobs, mp_context=multiprocessing.get_context("spawn"),
                                             initializer=_start_worker)
        size = -(-len(items) // (self.jobs * PARTS_PER_WORKER))
        parts = self._pool.map(_check_part, [items[i:i + size] for i in range(0, len(items), size)])
        return lambda: [findings for part in parts for findings in part]
