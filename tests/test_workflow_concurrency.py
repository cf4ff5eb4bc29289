"""Two people acting on the same report at the same moment: the row lock lets exactly one through."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from reports.models import Report
from reports.workflow import WorkflowError, approve, return_report, submit

from .conftest import Role, make_user
from .workflow_support import complete_report

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite has no row locks: run with DATABASE_URL"),
]


@pytest.mark.django_db(transaction=True)
def test_an_approval_and_a_return_at_the_same_moment_leave_one_event(township, drafter, approver):
    second = make_user("approver2", township, Role.APPROVER)
    report = complete_report(township)
    submit(report, by=drafter)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def act(fn, user, **kw):
        try:
            barrier.wait(timeout=5)
            fn(Report.objects.get(pk=report.pk), by=user, **kw)
            outcomes.append("done")
        except WorkflowError as exc:
            outcomes.append(exc.code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=act, args=(approve, approver)),
               threading.Thread(target=act, args=(return_report, second), kwargs={"comment": "请修改"})]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=20)
    assert sorted(outcomes) == ["done", "wrong_state"]
    assert report.events.filter(action__in=["approve", "return"]).count() == 1
    assert report.versions.filter(kind__in=["approve", "return"]).count() == 1
