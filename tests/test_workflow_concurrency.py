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


def _race_at(monkeypatch, target: str):
    """A Race whose first thread stops inside its transaction when it calls `target` (module.function)."""
    import importlib

    from .race_support import Race

    race = Race()
    module_name, name = target.rsplit(".", 1)
    module = importlib.import_module(module_name)
    original = getattr(module, name)

    def held(*args, **kwargs):
        race.hold()
        return original(*args, **kwargs)

    monkeypatch.setattr(module, name, held)
    return race


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("action", ["submit", "approve", "publish"])
def test_the_same_transition_twice_at_once_happens_once(action, township, drafter, approver, county_officer,
                                                        monkeypatch):
    from reports.workflow import TRANSITION_FUNCTIONS

    from .workflow_support import set_status

    state, people = {
        "submit": (Report.Status.DRAFT, [drafter, make_user("drafter2", township, Role.DRAFTER)]),
        "approve": (Report.Status.SUBMITTED, [approver, make_user("approver2", township, Role.APPROVER)]),
        "publish": (Report.Status.APPROVED, [county_officer, county_officer]),  # a double click
    }[action]
    report = set_status(complete_report(township), state)
    # The first stops after its status, event and (for publish) frozen PDF are written, before committing.
    race = _race_at(monkeypatch, "reports.workflow.record_version")
    act = TRANSITION_FUNCTIONS[action]
    outcomes = race.run(lambda: act(Report.objects.get(pk=report.pk), by=people[0]),
                        lambda: act(Report.objects.get(pk=report.pk), by=people[1]))
    assert race.second_waited, "the second never waited on the first's lock: no race happened"
    assert outcomes["first"][0] == "done"
    kind, error = outcomes["second"]
    assert kind == "error" and isinstance(error, WorkflowError) and error.code == "wrong_state", outcomes
    assert report.events.filter(action=action).count() == 1
    assert report.versions.filter(kind=action).count() == 1
    assert report.publications.count() == (1 if action == "publish" else 0)


@pytest.mark.django_db(transaction=True)
def test_two_acknowledgements_of_one_warning_at_once_leave_one_with_the_later_explanation(township, drafter,
                                                                                         monkeypatch):
    from reports.findings import acknowledge, findings_for_report

    report = complete_report(township, 2022)  # its prose speaks of 2023: S-PERIOD warnings
    key = next(f.key for f in findings_for_report(report) if f.severity == "warning")
    second = make_user("drafter2", township, Role.DRAFTER)
    # Inside acknowledge(), after the report's lock and before the write.
    race = _race_at(monkeypatch, "reports.findings.findings_for_report")
    outcomes = race.run(lambda: acknowledge(Report.objects.get(pk=report.pk), key, by=drafter, explanation="第一"),
                        lambda: acknowledge(Report.objects.get(pk=report.pk), key, by=second, explanation="第二"))
    assert race.second_waited
    assert [o[0] for o in outcomes.values()] == ["done", "done"], outcomes
    ack = report.acknowledgements.get()
    assert (ack.explanation, ack.by) == ("第二", second)  # the one who came second replaced the first's


@pytest.mark.django_db(transaction=True)
def test_an_acknowledgement_arriving_during_the_submission_is_refused_not_slipped_in(township, drafter, monkeypatch):
    from django.core.exceptions import PermissionDenied

    from reports.findings import acknowledge, findings_for_report
    from reports.workflow import submit

    report = complete_report(township, 2022)
    keys = [f.key for f in findings_for_report(report) if f.severity == "warning"]
    for key in keys[1:]:
        acknowledge(report, key, by=drafter)
    acknowledge(report, keys[0], by=drafter, explanation="先确认")
    race = _race_at(monkeypatch, "reports.workflow.record_version")
    outcomes = race.run(lambda: submit(Report.objects.get(pk=report.pk), by=drafter),
                        lambda: acknowledge(Report.objects.get(pk=report.pk), keys[0], by=drafter,
                                            explanation="提交途中改的说明"))
    assert race.second_waited
    assert outcomes["first"][0] == "done"
    assert outcomes["second"][0] == "error" and isinstance(outcomes["second"][1], PermissionDenied)
    assert report.acknowledgements.get(key=keys[0]).explanation == "先确认"  # what the approver reviews
