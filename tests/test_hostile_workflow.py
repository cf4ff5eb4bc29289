"""Hostile values posted to the workflow: transitions, section comments, acknowledgements, versions, the inbox.

Never a 500. A refused request changes nothing; an accepted one writes exactly its own audit row, with
valid values, and leaves the other organisation's report alone.
"""

from __future__ import annotations

import pytest
from django.urls import reverse
from hypothesis import event, given
from hypothesis import strategies as st

from reports.findings import findings_for_report
from reports.models import Report, ReportEvent
from reports.workflow import TARGET, publish, return_report, submit

from .conftest import Kind, Role, make_org, make_user
from .hostile_support import (
    assert_valid_storage,
    form_data,
    hostile_text,
    logged_in,
    others,
    path_to,
    post,
    rolled_back,
    snapshot,
)
from .properties import examples
from .workflow_support import complete_report, confirmation, set_status

pytestmark = pytest.mark.django_db
S = Report.Status
MISSING = 10**12

# Who may act, and from which state, for each transition (the state the report is put in first).
SETUP = {
    "submit": ("drafter", S.DRAFT),
    "return": ("approver", S.SUBMITTED),
    "approve": ("approver", S.SUBMITTED),
    "publish": ("county_officer", S.APPROVED),
    "reopen": ("county_officer", S.PUBLISHED),
}


@pytest.fixture
def people(drafter, approver, county_officer, outsider):
    return {"drafter": drafter, "approver": approver, "county_officer": county_officer, "outsider": outsider}


@pytest.fixture
def ready(township):
    return complete_report(township)


@pytest.fixture
def other_report(db):
    """A township's report in another county: nobody of 西村乡 or 修武县 may move it."""
    return complete_report(make_org("岳村乡人民政府", parent=make_org("温县人民政府", Kind.COUNTY_GOV)))


def _event_count(report: Report) -> int:
    return ReportEvent.objects.filter(report=report).count()


@pytest.mark.parametrize("action", list(SETUP))
@examples(6)
@given(data=st.data())
def test_a_transition_with_hostile_input_moves_the_report_once_or_not_at_all(
        data, action, ready, other_report, people, county_officer):
    role, state = SETUP[action]
    if action == "reopen" and not ready.publications.exists():
        set_status(ready, S.APPROVED)
        publish(ready, by=county_officer)
    set_status(ready, state)
    set_status(other_report, state)
    actor = data.draw(st.sampled_from([role, role, role, "drafter", "approver", "outsider"]))
    target = data.draw(st.sampled_from([ready, ready, ready, other_report]))
    client = logged_in(people[actor])
    with rolled_back():
        before = snapshot()
        events = _event_count(target)
        # From a valid body (a return and a reopen need a reason), so that the accepted path is reached too.
        valid = {"comment": "请核对表三的数字", "correction_note": "更正表三第（七）项的数字"}
        body = data.draw(form_data(["comment", "correction_note"], valid, extra_keys=["action", "status", "by"]))
        response = post(client, reverse(f"report_{action}", args=[target.pk]), body, data.draw(st.booleans()))
        assert response.status_code < 500
        event(f"HTTP {response.status_code}")
        after = snapshot()
        if _event_count(target) == events:
            assert after == before
            return
        assert response.status_code == 302
        done = ReportEvent.objects.filter(report=target).latest("pk")
        assert (done.action, done.actor, done.to_status) == (action, people[actor], TARGET[action])
        assert Report.objects.get(pk=target.pk).status == TARGET[action]
        assert target == ready and actor == role
        assert others(after, target.pk) == others(before, target.pk)
        assert_valid_storage()


@examples(3)
@given(data=st.data())
def test_a_correction_is_published_only_with_a_valid_note(data, ready, county_officer):
    if not ready.publications.exists():
        set_status(ready, S.APPROVED)
        publish(ready, by=county_officer)
    set_status(ready, S.APPROVED)
    client = logged_in(county_officer)
    with rolled_back():
        before = snapshot()
        # Sent from the confirmation page (its hidden field), so that a valid note can publish.
        body = {**data.draw(form_data(["comment", "correction_note"])), **confirmation(ready)}
        response = post(client, reverse("report_publish", args=[ready.pk]), body, data.draw(st.booleans()))
        assert response.status_code < 500
        event(f"HTTP {response.status_code}")
        if response.status_code == 302 and ready.publications.count() == 2:
            assert ready.publications.latest("number").correction_note.strip()
            assert_valid_storage()
        else:
            assert response.status_code == 400
            assert snapshot() == before


@examples(20)
@given(data=st.data())
def test_a_section_comment_with_hostile_input_is_stored_valid_or_not_at_all(data, ready, other_report, people):
    set_status(ready, S.SUBMITTED)
    set_status(other_report, S.SUBMITTED)
    actor = data.draw(st.sampled_from(["approver", "approver", "county_officer", "drafter", "outsider"]))
    target = data.draw(st.sampled_from([ready, ready, ready, other_report]))
    client = logged_in(people[actor])
    with rolled_back():
        before = snapshot()
        body = data.draw(form_data(["section", "text"], {"section": "applications", "text": "请核对表三"}))
        response = post(client, reverse("report_comment_add", args=[target.pk]), body, data.draw(st.booleans()))
        assert response.status_code < 500
        event(f"HTTP {response.status_code}")
        after = snapshot()
        if response.status_code == 302:
            assert target == ready and actor in ("approver", "county_officer")
            assert len(after["comments"]) == len(before["comments"]) + 1
            assert {k: v for k, v in after.items() if k != "comments"} == \
                   {k: v for k, v in before.items() if k != "comments"}
            assert_valid_storage()
        else:
            assert response.status_code in (400, 403, 404), response.status_code
            assert after == before


@examples(10)
@given(data=st.data())
def test_resolving_a_comment_of_another_report_or_a_missing_one_changes_nothing(data, ready, other_report, people):
    set_status(ready, S.SUBMITTED)
    set_status(other_report, S.SUBMITTED)
    mine = ready.section_comments.create(section="problems", author=people["approver"], text="请补充")
    theirs = other_report.section_comments.create(section="problems", author=people["approver"], text="请补充")
    actor = data.draw(st.sampled_from(["drafter", "drafter", "approver", "outsider"]))
    report_id = data.draw(st.sampled_from([ready.pk, other_report.pk, MISSING]))
    comment_id = data.draw(st.one_of(st.sampled_from([mine.pk, theirs.pk]), st.integers(0, 10**20)))
    client = logged_in(people[actor])
    with rolled_back():
        before = snapshot()
        response = client.post(path_to("report_comment_resolve", report_id, comment_id),
                               data.draw(form_data([])))
        assert response.status_code < 500
        event(f"HTTP {response.status_code}")
        if response.status_code == 302:
            # A comment of earlier examples may carry the drawn id: any comment of the drafter's own report.
            assert (actor, report_id) == ("drafter", ready.pk)
            assert ready.section_comments.filter(pk=comment_id).exists()
        else:
            assert snapshot() == before


@pytest.fixture
def warned(township):
    """A 2022 report whose prose speaks of 2023: S-PERIOD warnings a drafter may acknowledge."""
    report = complete_report(township, 2022)
    assert any(f.severity == "warning" for f in findings_for_report(report))
    return report


@examples(25)
@given(data=st.data())
def test_an_acknowledgement_with_hostile_input_is_stored_valid_or_not_at_all(data, warned, other_report, people):
    other = other_report
    findings = findings_for_report(warned)
    warning = next(f.key for f in findings if f.severity == "warning")
    error_keys = [f.key for f in findings if f.severity == "error"]
    key = data.draw(st.one_of(st.sampled_from([warning, *error_keys]), hostile_text()))
    actor = data.draw(st.sampled_from(["drafter", "drafter", "drafter", "approver", "outsider"]))
    target = data.draw(st.sampled_from([warned, warned, warned, other]))
    client = logged_in(people[actor])
    with rolled_back():
        before = snapshot()
        body = data.draw(form_data(["key", "explanation"], {"key": key, "explanation": "本年集中清理"}))
        response = post(client, reverse("acknowledge_finding", args=[target.pk]), body, data.draw(st.booleans()))
        assert response.status_code < 500
        event(f"HTTP {response.status_code}")
        after = snapshot()
        if response.status_code == 302:
            assert target == warned and actor == "drafter"
            assert len(after["acknowledgements"]) == len(before["acknowledgements"]) + 1
            assert after["reports"] == before["reports"]
            assert_valid_storage()
        else:
            assert response.status_code in (400, 403, 404), response.status_code
            assert after == before


@pytest.fixture
def versioned(ready, drafter, approver):
    """A report with two versions: submitted, then returned."""
    submit(ready, by=drafter)
    return_report(ready, by=approver, comment="请修改")
    assert list(ready.versions.values_list("number", flat=True)) == [1, 2]
    return ready


@examples(15)
@given(old=st.one_of(st.sampled_from(["1", "2"]), hostile_text()), new=st.one_of(st.sampled_from(["1", "2"]),
                                                                                  hostile_text()))
def test_the_versions_page_compares_real_versions_and_refuses_others_with_a_400(old, new, versioned, drafter):
    response = logged_in(drafter).get(reverse("report_versions", args=[versioned.pk]), {"old": old, "new": new})
    assert response.status_code == (200 if {old, new} <= {"1", "2"} else 400)


@pytest.fixture
def notified(versioned, township):
    """Two approvers notified of the submission."""
    second = make_user("approver2", township, Role.APPROVER)
    submit(versioned, by=versioned.events.first().actor)
    assert second.notifications.exists()
    return second


@examples(5)
@given(body=form_data(["read"]))
def test_marking_notifications_read_touches_only_ones_own(body, notified, approver):
    client = logged_in(approver)
    with rolled_back():
        response = post(client, reverse("notifications_read"), body)
        assert response.status_code == 302
        assert not approver.notifications.filter(read_at__isnull=True).exists()
        assert notified.notifications.filter(read_at__isnull=True).exists()
