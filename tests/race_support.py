"""Two requests at the same moment, made to overlap for certain (PostgreSQL).

A barrier only makes two threads start together; whether their transactions overlap is then luck. `Race`
holds the first thread inside its transaction (at a pause point the test chooses: a receiver, a wrapped
function), starts the second, and lets the first go on only once the second is waiting on a lock, or has
finished. With the locking in place the second is always found waiting; without it the second finishes
first, and the assertions of the test see the lost edit. Either way the outcome does not depend on timing.
"""

from __future__ import annotations

import threading
import time
from typing import Any, Callable

from django.db import connection, connections

WAIT_SECONDS = 15


def waiting_on_a_lock() -> int:
    """How many sessions of this database wait for a lock held by another transaction."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                       "AND wait_event_type = 'Lock'")
        return cursor.fetchone()[0]


class Race:
    def __init__(self) -> None:
        self.inside = threading.Event()
        self.release = threading.Event()
        self.second_waited = False

    def hold(self, *args: Any, **kwargs: Any) -> None:
        """The pause point: the first thread stops here, inside its transaction, until released."""
        if threading.current_thread().name == "race-first" and not self.inside.is_set():
            self.inside.set()
            if not self.release.wait(WAIT_SECONDS):
                raise TimeoutError("the race was never released")

    def run(self, first: Callable[[], Any], second: Callable[[], Any]) -> dict[str, tuple[str, Any]]:
        """Both callables' outcomes: ("done", value) or ("error", exception), by "first" and "second"."""
        outcomes: dict[str, tuple[str, Any]] = {}

        def call(name: str, fn: Callable[[], Any]) -> None:
            try:
                outcomes[name] = ("done", fn())
            except Exception as exc:  # the test looks at what each got
                outcomes[name] = ("error", exc)
            finally:
                connections.close_all()

        one = threading.Thread(target=call, args=("first", first), name="race-first")
        one.start()
        if not self.inside.wait(WAIT_SECONDS):
            self.release.set()
            one.join(WAIT_SECONDS)
            raise AssertionError(f"the first never reached the pause point: {outcomes}")
        two = threading.Thread(target=call, args=("second", second), name="race-second")
        two.start()
        deadline = time.monotonic() + WAIT_SECONDS
        while two.is_alive() and time.monotonic() < deadline:
            if waiting_on_a_lock():
                self.second_waited = True
                break
            time.sleep(0.005)
        self.release.set()
        one.join(WAIT_SECONDS)
        two.join(WAIT_SECONDS)
        assert not one.is_alive() and not two.is_alive(), "a thread of the race is stuck"
        return outcomes
