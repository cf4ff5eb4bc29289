"""Two saves of one section from the same revision at the same moment: exactly one wins (PostgreSQL)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from reports.forms import SECTION_FORMS, Conflict
from reports.models import Report

from .conftest import Role, make_org, make_report, make_user

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL (set DATABASE_URL) for real locks"),
]


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("section, key", [("applications", "table3.new.natural"), ("problems", "prose.problems")])
def test_two_simultaneous_saves_from_one_revision_cannot_both_win(section, key):
    report = make_report(make_org(), 2024)
    people = [make_user(f"clerk{i}", report.organisation, Role.DRAFTER) for i in range(2)]
    rounds = 5
    for round_ in range(rounds):
        start = getattr(Report.objects.get(pk=report.pk), section).revision
        barrier = threading.Barrier(2)
        outcome: list[str] = []

        def save(person, value):
            try:
                fresh = Report.objects.get(pk=report.pk)
                form = SECTION_FORMS[section](fresh, {key: value, "revision": str(start)})
                assert form.is_valid(), form.errors
                barrier.wait()
                form.save(revision=start, by=person)
                outcome.append(value)
            except Conflict:
                outcome.append("conflict")
            finally:
                connections.close_all()

        threads = [threading.Thread(target=save, args=(p, str(10 * round_ + i))) for i, p in enumerate(people)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        winners = [o for o in outcome if o != "conflict"]
        assert len(winners) == 1 and outcome.count("conflict") == 1, outcome
        fresh = Report.objects.get(pk=report.pk)
        assert getattr(fresh, section).revision == start + 1
        stored = SECTION_FORMS[section].texts(fresh.values(), fresh)[key]
        assert stored == winners[0]


def _client(person):
    from django.test import Client

    client = Client()
    client.force_login(person)
    return client


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("section, key", [("applications", "table3.new.natural"), ("overview", "prose.overview_platform")])
def test_a_save_arriving_while_another_is_written_waits_for_it_and_gets_a_conflict_not_an_overwrite(section, key):
    from django.urls import reverse

    from reports.signals import section_saved

    from .race_support import Race

    report = make_report(make_org(), 2024)
    first, second = (make_user(f"clerk{i}", report.organisation, Role.DRAFTER) for i in range(2))
    start = getattr(report, section).revision
    texts = SECTION_FORMS[section].texts(report.values(), report)
    url = reverse("section_save", args=[report.pk, section])
    race = Race()
    # The first save stops after its writes, inside its transaction (receivers run there).
    section_saved.connect(race.hold, dispatch_uid="tests.race.hold")
    try:
        outcomes = race.run(
            lambda: _client(first).post(url, texts | {key: "11", "revision": str(start)}),
            lambda: _client(second).post(url, texts | {key: "22", "revision": str(start)}),
        )
    finally:
        section_saved.disconnect(dispatch_uid="tests.race.hold")
    assert race.second_waited, "the second save never waited on the first's lock: no race happened"
    (kind_1, mine), (kind_2, theirs) = outcomes["first"], outcomes["second"]
    assert (kind_1, mine.status_code, mine.json()["revision"]) == ("done", 200, start + 1)
    # The second person is told, and shown what the first saved; nothing of the first's is overwritten.
    assert (kind_2, theirs.status_code) == ("done", 409)
    assert theirs.json()["values"][key] == "11" and theirs.json()["revision"] == start + 1
    fresh = Report.objects.get(pk=report.pk)
    assert getattr(fresh, section).revision == start + 1
    assert SECTION_FORMS[section].texts(fresh.values(), fresh)[key] == "11"


def _two_sections_saved_at_once(report, first_edit: tuple[str, str, str]):
    """Two drafters save at once: the first `first_edit` (section, key, text), held inside its transaction once
    written; the second §五's text, which waits on the report's lock. (the Race, each one's outcome)."""
    from django.urls import reverse

    from reports.signals import section_saved

    from .race_support import Race

    first, second = (make_user(f"clerk{i}", report.organisation, Role.DRAFTER) for i in range(2))

    def save(person, section, key, text):
        texts = SECTION_FORMS[section].texts(report.values(), report)
        revision = getattr(Report.objects.get(pk=report.pk), section).revision
        return _client(person).post(reverse("section_save", args=[report.pk, section]),
                                    texts | {key: text, "revision": str(revision)})

    race = Race()
    section_saved.connect(race.hold, dispatch_uid="tests.race.hold")
    try:
        outcomes = race.run(lambda: save(first, *first_edit),
                            lambda: save(second, "problems", "prose.problems", "第二个人的文字"))
    finally:
        section_saved.disconnect(dispatch_uid="tests.race.hold")
    return race, outcomes


@pytest.mark.django_db(transaction=True)
def test_two_people_saving_different_sections_at_once_both_keep_their_edit():
    report = make_report(make_org(), 2024)
    race, outcomes = _two_sections_saved_at_once(report, ("applications", "table3.new.natural", "11"))
    assert race.second_waited  # on the report row the first is writing
    assert [o[1].status_code for o in outcomes.values()] == [200, 200]
    values = Report.objects.get(pk=report.pk).values()
    assert values.t3("new", "natural") == 11 and values.prose["problems"] == "第二个人的文字"
    numbers = list(report.versions.order_by("number").values_list("number", "section"))
    assert numbers == [(1, "applications"), (2, "problems")]


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("first_section, first_key, value", [
    ("overview", "prose.overview_platform", "第一个人写的平台建设情况。"),
    ("review_litigation", "table4.review.maintained", "7"),
    ("applications", "table3.new.natural", "11"),
])
def test_the_version_of_a_save_that_waited_holds_what_the_other_save_wrote(first_section, first_key, value):
    """A save that waited on the report's lock while another section was saved makes its version from what it
    read under the lock: that must be the other's write too, or the version is not the report (PostgreSQL's
    locking read gives the locked row afresh but may give joined rows as they were before the wait)."""
    from reports.exports.data import report_to_json

    report = make_report(make_org(), 2024)
    race, outcomes = _two_sections_saved_at_once(report, (first_section, first_key, value))
    assert race.second_waited
    assert [o[1].status_code for o in outcomes.values()] == [200, 200]
    last = report.versions.order_by("-number").first()
    assert last.section == "problems"
    assert last.data == report_to_json(Report.objects.get(pk=report.pk))


def _held_at(monkeypatch, race, module, name: str) -> None:
    original = getattr(module, name)

    def held(*args, **kwargs):
        race.hold()
        return original(*args, **kwargs)

    monkeypatch.setattr(module, name, held)


@pytest.mark.django_db(transaction=True)
def test_a_save_arriving_while_the_report_is_submitted_waits_and_is_refused(monkeypatch):
    """Issue 12: the save passed the view's check while the report was a draft; the submission commits
    first; the save must then find the report locked and write nothing."""
    from django.urls import reverse

    from reports import workflow

    from .race_support import Race
    from .workflow_support import complete_report

    org = make_org()
    report = complete_report(org)
    drafter = make_user("clerk", org, Role.DRAFTER)
    texts = SECTION_FORMS["problems"].texts(report.values(), report)
    url = reverse("section_save", args=[report.pk, "problems"])
    race = Race()
    _held_at(monkeypatch, race, workflow, "record_version")  # the submission stops after its status write
    outcomes = race.run(
        lambda: workflow.submit(Report.objects.get(pk=report.pk), by=drafter),
        lambda: _client(drafter).post(url, texts | {"prose.problems": "迟到的修改",
                                                    "revision": str(report.problems.revision)}),
    )
    assert race.second_waited, "the save never waited on the submission's lock: no race happened"
    assert outcomes["first"][0] == "done"
    kind, response = outcomes["second"]
    assert (kind, response.status_code) == ("done", 423), response.content
    fresh = Report.objects.get(pk=report.pk)
    assert fresh.status == Report.Status.SUBMITTED and fresh.problems.text != "迟到的修改"
    assert fresh.versions.order_by("-number").first().kind == "submit"


@pytest.mark.django_db(transaction=True)
def test_a_submission_arriving_during_a_save_waits_and_includes_it(monkeypatch):
    """The other order: the save holds the report's lock, the submission waits, then sees the saved text."""
    from django.urls import reverse

    from reports import workflow
    from reports.signals import section_saved

    from .race_support import Race
    from .workflow_support import complete_report

    org = make_org()
    report = complete_report(org)
    drafter = make_user("clerk", org, Role.DRAFTER)
    texts = SECTION_FORMS["problems"].texts(report.values(), report)
    text = texts["prose.problems"] + "另外，个别栏目更新不够及时，下一步将加强督促检查。"
    url = reverse("section_save", args=[report.pk, "problems"])
    race = Race()
    section_saved.connect(race.hold, dispatch_uid="tests.race.hold")
    try:
        outcomes = race.run(
            lambda: _client(drafter).post(url, texts | {"prose.problems": text,
                                                        "revision": str(report.problems.revision)}),
            lambda: workflow.submit(Report.objects.get(pk=report.pk), by=drafter),
        )
    finally:
        section_saved.disconnect(dispatch_uid="tests.race.hold")
    assert race.second_waited, "the submission never waited on the save's lock: no race happened"
    assert outcomes["first"][1].status_code == 200 and outcomes["second"][0] == "done", outcomes
    fresh = Report.objects.get(pk=report.pk)
    save, sub = fresh.versions.order_by("-number")[1], fresh.versions.order_by("-number")[0]
    assert (save.kind, sub.kind) == ("save", "submit")
    assert sub.data["prose"]["problems"] == text
