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
