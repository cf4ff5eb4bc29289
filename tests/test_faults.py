"""An interrupted request leaves no half-saved report.

Each test breaks something that runs after the first write of a save, a transition, a publication or an
import (a receiver, the version record, the notifications, the PDF, a later section), lets the request fail
with a 500, and finds everything as it was: values, revisions, state, events, versions, publications,
notifications, carried-text marks.
"""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import QuerySet
from django.test import Client
from django.urls import reverse

from reports import services, workflow
from reports.exports.data import report_to_json
from reports.forms import SECTION_FORMS
from reports.models import ApplicationRow, CarriedText, Report, ReportEvent
from reports.signals import section_saved

from .conftest import Role
from .hostile_support import snapshot
from .workflow_support import complete_report, confirmation, set_status

pytestmark = pytest.mark.django_db
S = Report.Status


class Interrupted(Exception):
    """The fault the tests inject: a crash, a killed worker, a full disk."""


def boom(*args, **kwargs):
    raise Interrupted()


def failing(user) -> Client:
    """A client that gets the 500 page instead of the exception, as a browser would."""
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


@pytest.fixture
def broken_receiver():
    """A section_saved receiver that fails: it runs after the section and its version are written."""
    section_saved.connect(boom, dispatch_uid="tests.faults.boom")
    yield
    section_saved.disconnect(dispatch_uid="tests.faults.boom")


def _save_body(report: Report, section: str) -> dict[str, str]:
    form = SECTION_FORMS[section](report)
    body = form.texts(form.saved, report)
    changed = {"overview": ("prose.overview_platform", "改过的文字"), "proactive": ("table2.licensing", "77"),
               "applications": ("table3.new.natural", "77"), "review_litigation": ("table4.review.maintained", "7"),
               "problems": ("prose.problems", "改过的文字"), "other_matters": ("processing_fee.applications", "3")}
    key, value = changed[section]
    return body | {key: value, "revision": str(form.stored_revision())}


@pytest.mark.parametrize("view", ["section_save", "section_edit"])
@pytest.mark.parametrize("section", list(SECTION_FORMS))
def test_a_section_save_interrupted_after_its_writes_stores_nothing(view, section, report, drafter, broken_receiver):
    before = snapshot()
    response = failing(drafter).post(reverse(view, args=[report.pk, section]), _save_body(report, section))
    assert response.status_code == 500
    assert snapshot() == before


def test_a_table3_save_interrupted_between_the_revision_and_the_rows_stores_nothing(report, drafter, monkeypatch):
    # The save writes 表三's changed cells with one UPDATE per changed row: the first of them fails.
    update = QuerySet.update

    def rows_fail(self, **kwargs):
        if self.model is ApplicationRow:
            boom()
        return update(self, **kwargs)

    monkeypatch.setattr(QuerySet, "update", rows_fail)
    before = snapshot()
    response = failing(drafter).post(reverse("section_save", args=[report.pk, "applications"]),
                                     _save_body(report, "applications"))
    assert response.status_code == 500
    assert snapshot() == before


def test_the_same_save_without_the_fault_goes_through(report, drafter):
    """The control: the requests above fail only because of the injected fault."""
    before = snapshot()
    response = failing(drafter).post(reverse("section_save", args=[report.pk, "applications"]),
                                     _save_body(report, "applications"))
    assert response.status_code == 200
    assert snapshot() != before


# ---------------------------------------------------------------- transitions and publication


@pytest.fixture
def people(drafter, approver, county_officer):
    return {"drafter": drafter, "approver": approver, "county_officer": county_officer}


TRANSITIONS = {  # action: (who, from which state, the form)
    "submit": ("drafter", S.DRAFT, {}),
    "return": ("approver", S.SUBMITTED, {"comment": "请修改表三"}),
    "approve": ("approver", S.SUBMITTED, {}),
    "publish": ("county_officer", S.APPROVED, {}),
    "reopen": ("county_officer", S.APPROVED, {"comment": "需要更正"}),
}


# What runs after the status is written, in order: the audit row, the version, the notifications.
AFTER_STATUS = {"event": (ReportEvent.objects, "create"), "version": (workflow, "record_version"),
                "notifications": (workflow, "_notify")}


@pytest.mark.parametrize("fault", list(AFTER_STATUS))
@pytest.mark.parametrize("action", list(TRANSITIONS))
def test_a_transition_interrupted_after_the_status_write_leaves_the_report_as_it_was(
        action, fault, township, people, monkeypatch):
    who, state, form = TRANSITIONS[action]
    report = set_status(complete_report(township), state)
    monkeypatch.setattr(*AFTER_STATUS[fault], boom)
    if action == "publish":  # what the confirmation page sends for the report as it is
        form = form | confirmation(report)
    before = snapshot()
    response = failing(people[who]).post(reverse(f"report_{action}", args=[report.pk]), form)
    assert response.status_code == 500
    assert snapshot() == before


def test_a_publication_interrupted_after_the_freeze_keeps_no_frozen_copy(township, county_officer, monkeypatch):
    report = set_status(complete_report(township), S.APPROVED)
    monkeypatch.setattr("reports.workflow.record_version", boom)  # runs right after freeze_publication
    before = snapshot()
    response = failing(county_officer).post(reverse("report_publish", args=[report.pk]), confirmation(report))
    assert response.status_code == 500
    assert snapshot() == before
    assert not report.publications.exists()


def test_a_pdf_that_fails_to_render_leaves_the_report_approved_with_a_message(township, county_officer, monkeypatch):
    report = set_status(complete_report(township), S.APPROVED)
    monkeypatch.setattr("reports.publishing.html_to_pdf_pages", boom)
    before = snapshot()
    response = failing(county_officer).post(reverse("report_publish", args=[report.pk]), confirmation(report))
    assert response.status_code == 400
    assert "发布失败" in response.content.decode()
    assert snapshot() == before


def test_a_correction_interrupted_after_the_freeze_keeps_the_first_publication_only(
        township, county_officer, monkeypatch):
    from reports.workflow import publish

    report = set_status(complete_report(township), S.APPROVED)
    publish(report, by=county_officer)
    set_status(report, S.APPROVED)
    first = report.publications.get()
    monkeypatch.setattr("reports.workflow._notify", boom)
    before = snapshot()
    response = failing(county_officer).post(reverse("report_publish", args=[report.pk]),
                                            {"correction_note": "更正了表三的数字"} | confirmation(report))
    assert response.status_code == 500
    assert snapshot() == before
    assert list(report.publications.all()) == [first]


# ---------------------------------------------------------------- imports, next year, the county's prefill


def _import_token(client, report) -> str:
    data = report_to_json(report)
    data["table3"]["new"][0] = 99
    data["prose"]["problems"] = "导入的文字"
    page = client.post(reverse("report_import", args=[report.pk]),
                       {"file": SimpleUploadedFile("r.json", json.dumps(data, ensure_ascii=False).encode())})
    return page.context["doc"]["token"]


@pytest.mark.parametrize("fault", ["third_section", "mark_imported", "refresh_marks"])
def test_an_import_interrupted_midway_stores_nothing(fault, report, drafter, monkeypatch):
    client = failing(drafter)
    token = _import_token(client, report)
    if fault == "third_section":
        calls = []
        real = services._bump

        def bump_then_fail(section, fields):
            calls.append(section)
            if len(calls) == 3:  # 表二 and 表三 are written by now
                raise Interrupted()
            real(section, fields)

        monkeypatch.setattr(services, "_bump", bump_then_fail)
    else:
        monkeypatch.setattr(f"reports.importing.apply.{fault}", boom)
    before = snapshot()
    response = client.post(reverse("report_import_confirm", args=[report.pk]), {"token": token})
    assert response.status_code == 500
    assert snapshot() == before


def test_a_bulk_import_interrupted_midway_creates_no_report(township, county_officer, report, monkeypatch):
    client = failing(county_officer)
    data = json.dumps(report_to_json(report) | {"year": 2022}, ensure_ascii=False).encode()
    page = client.post(reverse("bulk_import"), {"file": SimpleUploadedFile("西村乡2022.json", data)})
    token = page.context["docs"][0]["token"]
    monkeypatch.setattr("reports.importing.apply.mark_imported", boom)
    before = snapshot()
    response = client.post(reverse("bulk_import_confirm"), {"selected": "0", "token-0": token,
                                                            "org-0": str(township.pk), "year-0": "2022"})
    assert response.status_code == 500
    assert snapshot() == before


def test_next_year_interrupted_midway_creates_no_report(report, drafter, monkeypatch):
    monkeypatch.setattr(CarriedText.objects, "bulk_create", boom)
    before = snapshot()
    response = failing(drafter).post(reverse("report_next_year", args=[report.pk]))
    assert response.status_code == 500
    assert snapshot() == before


def test_the_county_prefill_interrupted_after_its_writes_creates_no_report(
        county, township, county_officer, monkeypatch):
    set_status(complete_report(township), S.APPROVED)
    monkeypatch.setattr("reports.writing.record_version", boom)  # runs after the sums are written
    before = snapshot()
    response = failing(county_officer).post(reverse("county_prefill", args=[county.pk, 2023]))
    assert response.status_code == 500
    assert snapshot() == before


def test_a_new_user_interrupted_before_the_audit_row_is_not_created(county_officer, township, monkeypatch):
    monkeypatch.setattr("reports.organisations._log", boom)
    before = snapshot()
    response = failing(county_officer).post(reverse("manage_user_new"), {
        "username": "xicun-clerk", "first_name": "李干事", "organisation": township.pk, "role": Role.DRAFTER,
        "password1": "Xw-initial-2026!", "password2": "Xw-initial-2026!"})
    assert response.status_code == 500
    assert snapshot() == before
