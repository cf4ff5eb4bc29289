"""Bulk work on every core of the machine: worker processes that each take whole chunks of it.

After a rules release `refresh_tallies` has every report of a province to count again: reading each report with
last year's (~0.9 ms), running the rules (~0.6 ms) and storing the counts, one chunk of reports after another. The
chunks are independent (a count is stored only where the report did not change meanwhile: tallies._store), so
one worker process a core can each take a chunk and do all of it, database reads included.

The workers are started fresh (`spawn`), set Django up and then use the parent's database settings (a test
run's database, say), so that none inherits the parent's open connections (a forked child closing an inherited
PostgreSQL socket ends the parent's session) or its threads. Starting them costs about a second. A database the
workers cannot open (SQLite in memory, as in some test runs), or a caller inside a transaction (whose changes the
workers would not see), keeps the work in this process.
"""

from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from typing import Any, Callable, Iterable, Iterator, TypeVar

T = TypeVar("T")
R = TypeVar("R")


def default_jobs() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def workers_can_share_the_database() -> bool:
    """Whether other processes see this process's database as it is: not SQLite in memory, and not inside a
    transaction (they would not see what it has not committed)."""
    from django.db import connection

    return not connection.in_atomic_block and not (connection.vendor == "sqlite" and connection.is_in_memory_db())


def _start_worker(database: dict[str, Any]) -> None:
    import django

    django.setup()
    from django.db import connections

    connections["default"].settings_dict.update(database)  # before the first query opens the connection


def in_turn(fn: Callable[[T], R], parts: Iterable[T], jobs: int) -> Iterator[R]:
    """fn(part) for each part, in order: in `jobs` worker processes when there are several parts, jobs > 1 and
    the workers can open the database; else here. `fn` must be importable (a module's top-level function)."""
    parts = list(parts)
    if jobs < 2 or len(parts) < 2 or not workers_can_share_the_database():
        yield from map(fn, parts)
        return
    from django.db import connection

    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(min(jobs, len(parts)), mp_context=context, initializer=_start_worker,
                             initargs=(dict(connection.settings_dict),)) as pool:
        yield from pool.map(fn, parts)
