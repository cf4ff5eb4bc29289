"""Hostile values posted to the six section editors: the live check, the autosave and the plain-form save.

Whatever is posted, the answer is never a 500; a refused save changes nothing at all; an accepted one
stores only valid values, and never touches another organisation's report.
"""

from __future__ import annotations

from urllib.parse import quote

import pytest
from django.urls import reverse
from hypothesis import event, given
from hypothesis import strategies as st

from reports.forms import SECTION_FORMS
from reports.models import Report

from .conftest import make_report
from .hostile_support import (
    assert_valid_storage,
    form_data,
    hostile_text,
    logged_in,
    others,
    post,
    rolled_back,
    snapshot,
)
from .properties import examples

pytestmark = pytest.mark.django_db
SECTIONS = list(SECTION_FORMS)
MISSING = 10**12  # a report id that does not exist


@pytest.fixture
def other_report(sibling):
    """郇封镇's draft: a drafter of 西村乡 must never reach it."""
    return make_report(sibling, 2023)


def _revision(report: Report, section: str) -> int:
    return getattr(Report.objects.get(pk=report.pk), section).revision


@st.composite
def editor_post(draw, report: Report, section: str):
    """The editor's form as posted: whole, as the autosave sends it, with hostile values typed over it."""
    form = SECTION_FORMS[section](report)
    data = draw(form_data(form.keys, form.texts(form.saved, report)))
    revision = _revision(report, section)
    choice = draw(st.sampled_from(["right", "stale", "future", "hostile", "missing"]))
    if choice != "missing":
        data["revision"] = {"right": str(revision), "stale": str(revision - 1), "future": str(revision + 1)}.get(
            choice) or draw(hostile_text())
    return data, choice == "right"


def _target(which: str, report: Report, other: Report) -> int:
    return {"own": report.pk, "other": other.pk, "missing": MISSING}[which]


@pytest.mark.parametrize("section", SECTIONS)
@examples(8)
@given(data=st.data())
def test_the_live_check_never_fails_and_stores_nothing(data, section, report, other_report, drafter):
    client = logged_in(drafter)
    with rolled_back():
        before = snapshot()
        body, _ = data.draw(editor_post(report, section))
        which = data.draw(st.sampled_from(["own", "own", "own", "other", "missing"]))
        response = post(client, reverse("section_check", args=[_target(which, report, other_report), section]),
                        body, urlencoded=data.draw(st.booleans()))
        assert response.status_code < 500
        event(f"HTTP {response.status_code}")
        # 400 only for a request too large to read (Django's DATA_UPLOAD_MAX_MEMORY_SIZE)
        assert response.status_code in ((200, 400) if which == "own" else (404,)), response.status_code
        if response.status_code == 200:
            assert response["Content-Type"].startswith("application/json")
        assert snapshot() == before


@pytest.mark.parametrize("section", SECTIONS)
@examples(10)
@given(data=st.data())
def test_the_autosave_stores_valid_values_or_nothing(data, section, report, other_report, drafter):
    client = logged_in(drafter)
    with rolled_back():
        before = snapshot()
        body, right_revision = data.draw(editor_post(report, section))
        which = data.draw(st.sampled_from(["own", "own", "own", "other", "missing"]))
        response = post(client, reverse("section_save", args=[_target(which, report, other_report), section]),
                        body, urlencoded=data.draw(st.booleans()))
        assert response.status_code < 500
        event(f"HTTP {response.status_code}")
        after = snapshot()
        if response.status_code == 200:
            assert which == "own" and right_revision
            assert response.json()["revision"] == _revision(report, section) == before["reports"][report.pk][
                "revisions"][SECTIONS.index(section)] + 1
            assert others(after, report.pk) == others(before, report.pk)
            assert_valid_storage()
        else:
            assert response.status_code in (400, 403, 404, 409), response.status_code
            assert after == before


@pytest.mark.parametrize("section", SECTIONS)
@examples(5)
@given(data=st.data())
def test_the_plain_form_save_stores_valid_values_or_nothing(data, section, report, other_report, drafter):
    client = logged_in(drafter)
    with rolled_back():
        before = snapshot()
        body, right_revision = data.draw(editor_post(report, section))
        which = data.draw(st.sampled_from(["own", "own", "own", "own", "other"]))
        response = post(client, reverse("section_edit", args=[_target(which, report, other_report), section]),
                        body, urlencoded=data.draw(st.booleans()))
        assert response.status_code < 500
        event(f"HTTP {response.status_code}")
        after = snapshot()
        if response.status_code in (200, 302):  # 200: saved with refused cells, shown again marked 待改正
            assert which == "own" and right_revision
            assert others(after, report.pk) == others(before, report.pk)
            assert_valid_storage()
        else:
            assert response.status_code in (400, 404, 409), response.status_code
            assert after == before


@examples(10)
@given(section=st.one_of(st.sampled_from(["nope", "total", "revision", "Overview", "overview%00", "..", "%2e%2e"]),
                         st.text(min_size=1, max_size=12).filter(lambda s: s.strip("./") and s not in SECTIONS)),
       action=st.sampled_from(["", "check/", "save/"]))
def test_an_unknown_section_is_a_404_and_changes_nothing(section, action, report, drafter):
    client = logged_in(drafter)
    before = snapshot()
    response = client.post(f"/reports/{report.pk}/edit/{quote(section, safe='%')}/{action}", {"revision": "0"})
    assert response.status_code == 404
    assert snapshot() == before


@pytest.mark.parametrize("action", ["section_check", "section_save"])
def test_a_request_too_large_to_read_is_refused_with_a_400(action, report, drafter):
    client = logged_in(drafter)
    before = snapshot()
    response = client.post(reverse(action, args=[report.pk, "problems"]),
                           {"prose.problems": "字" * 1_000_000, "revision": "0"})
    assert response.status_code == 400
    assert snapshot() == before


def test_too_many_fields_are_refused_with_a_400(report, drafter):
    client = logged_in(drafter)
    before = snapshot()
    body = {f"table3.new.x{i}": "1" for i in range(1200)} | {"revision": "0"}
    response = client.post(reverse("section_save", args=[report.pk, "applications"]), body)
    assert response.status_code == 400
    assert snapshot() == before


@pytest.mark.parametrize("section, key", [("problems", "prose.problems"), ("overview", "prose.overview_platform"),
                                          ("overview", "signature.name"), ("other_matters", "prose.other_matters")])
def test_invisible_control_characters_are_dropped_and_the_rest_is_saved(section, key, report, drafter):
    client = logged_in(drafter)
    form = SECTION_FORMS[section](report)
    body = form.texts(form.saved, report) | {key: "含有\x00空字符\x01，\x0b换行\x1b[31m", "revision": str(
        _revision(report, section))}
    response = client.post(reverse("section_save", args=[report.pk, section]), body)
    assert response.status_code == 200
    fresh = Report.objects.get(pk=report.pk)
    assert SECTION_FORMS[section].texts(fresh.values(), fresh)[key] == "含有空字符，\n换行[31m"
    assert_valid_storage()
