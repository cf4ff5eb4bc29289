"""The one write path: a save that loses to a transition writes nothing; every path keeps a version.

Issue 12's reproduction: a drafter's save of §五 started while the report was a draft; meanwhile it was
submitted, approved and published; the save then landed (version 77 `save` 32 ms after version 76
`publish`). Here the save's request is held between the view's permission check and the write while the
transitions run, which makes the interleaving certain on any database.
"""

from __future__ import annotations

import json

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from reports.views import editing as editing_views
from reports.carryover import start_from_previous
from reports.county import ConsolidationError, prefill_consolidated_report
from reports.exports.data import report_to_json
from reports.forms import SECTION_FORMS
from reports.importing.apply import ImportTargetError, import_into
from reports.models import Report
from reports.workflow import approve, publish, return_report, submit

from .conftest import complete_values
from .workflow_support import complete_report, set_status

pytestmark = pytest.mark.django_db
S = Report.Status
KEY = "prose.problems"


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _transitions(names, people):
    def run(report):
        for name in names:
            if name == "submit":
                submit(report, by=people["drafter"])
            elif name == "approve":
                approve(report, by=people["approver"])
            elif name == "publish":
                publish(report, by=people["county_officer"])
            elif name == "return":
                return_report(report, by=people["approver"], comment="请补充问题和改进")
    return run


@pytest.fixture
def people(drafter, approver, county_officer):
    return {"drafter": drafter, "approver": approver, "county_officer": county_officer}


@pytest.fixture
def in_the_gap(monkeypatch):
    """Runs `fn(report)` after the editor's view has checked the right to edit, before the save writes."""

    def install(fn):
        original = editing_views._loaded_for

        def checked_then_raced(user, report_id, check=None, **options):
            report, values = original(user, report_id, check, **options)  # found, permission checked, values read
            fn(Report.objects.get(pk=report.pk))
            return report, values  # the view goes on with what it read: a draft

        monkeypatch.setattr(editing_views, "_loaded_for", checked_then_raced)

    return install


def _body(report: Report, text: str) -> dict[str, str]:
    form = SECTION_FORMS["problems"](report)
    return form.texts(form.saved, report) | {KEY: text, "revision": str(report.problems.revision)}


@pytest.mark.parametrize("steps, state", [
    (["submit"], S.SUBMITTED),
    (["submit", "approve"], S.APPROVED),
    (["submit", "approve", "publish"], S.PUBLISHED),
])
def test_an_autosave_that_loses_to_a_transition_writes_nothing(steps, state, township, drafter, people, in_the_gap):
    report = complete_report(township)
    before = report_to_json(report)
    in_the_gap(_transitions(steps, people))
    response = _client(drafter).post(reverse("section_save", args=[report.pk, "problems"]),
                                     _body(report, "迟到的修改"))
    assert response.status_code == 423
    assert "已锁定" in response.json()["error"] and response.json()["locked"] is True
    report.refresh_from_db()
    assert report.status == state
    assert report_to_json(report) == before
    # The last version is the last transition's: no save after it.
    assert report.versions.order_by("-number").first().kind == steps[-1]


def test_the_plain_form_that_loses_to_a_submission_keeps_what_was_typed(township, drafter, people, in_the_gap):
    report = complete_report(township)
    in_the_gap(_transitions(["submit"], people))
    response = _client(drafter).post(reverse("section_edit", args=[report.pk, "problems"]),
                                     _body(report, "迟到的修改"))
    assert response.status_code == 423
    page = response.content.decode()
    assert "没有保存" in page and "已锁定" in page
    assert "迟到的修改" in page  # still in the textarea
    assert Report.objects.get(pk=report.pk).problems.text != "迟到的修改"


def test_a_save_after_a_return_lands_with_its_version(township, drafter, people, in_the_gap):
    report = complete_report(township)
    in_the_gap(_transitions(["submit", "return"], people))
    response = _client(drafter).post(reverse("section_save", args=[report.pk, "problems"]),
                                     _body(report, "退回后改写的问题"))
    assert response.status_code == 200
    report.refresh_from_db()
    assert report.problems.text == "退回后改写的问题"
    last = report.versions.order_by("-number").first()
    assert (last.kind, last.section, last.created_by) == ("save", "problems", drafter)


def test_a_save_by_someone_whose_role_was_withdrawn_meanwhile_is_refused(township, drafter, in_the_gap):
    report = complete_report(township)
    in_the_gap(lambda r: drafter.memberships.all().delete())
    response = _client(drafter).post(reverse("section_save", args=[report.pk, "problems"]),
                                     _body(report, "无权的修改"))
    assert response.status_code == 423
    assert Report.objects.get(pk=report.pk).problems.text != "无权的修改"


# ---------------------------------------------------------------- every path: locked refuses, a version is kept


@pytest.mark.parametrize("state", [S.APPROVED, S.PUBLISHED, S.SUBMITTED])
def test_an_import_into_a_locked_report_is_refused(state, township, drafter):
    report = set_status(complete_report(township), state)
    before = report_to_json(report)
    values = complete_values()
    values.table3["new"]["natural"] = 99
    with pytest.raises(ImportTargetError, match="已锁定"):
        import_into(report, values, by=drafter, prose_fields=[])
    assert report_to_json(Report.objects.get(pk=report.pk)) == before


def test_an_import_keeps_a_version_naming_who_and_how(township, drafter):
    report = complete_report(township)
    values = complete_values()
    values.table3["new"]["natural"] = 99
    import_into(report, values, by=drafter, prose_fields=[])
    last = report.versions.order_by("-number").first()
    assert (last.kind, last.get_kind_display(), last.created_by) == ("import", "导入", drafter)
    assert last.data["table3"]["new"][0] == 99


def test_an_import_moves_the_reports_update_time_and_not_next_years(township, drafter):
    report = complete_report(township)
    following = complete_report(township, 2024)
    before = Report.objects.get(pk=report.pk).updated_at
    following_before = Report.objects.get(pk=following.pk).updated_at
    values = complete_values()
    values.table3["new"]["natural"] = 98
    import_into(report, values, by=drafter, prose_fields=[])
    assert Report.objects.get(pk=report.pk).updated_at > before
    assert Report.objects.get(pk=following.pk).updated_at == following_before
    assert Report.objects.get(pk=following.pk).tally_stamp == ""  # its counts compare with this year's


def test_starting_from_last_year_keeps_a_version(township, drafter):
    complete_report(township, 2022)
    report = start_from_previous(township, 2023, by=drafter)
    (version,) = report.versions.all()
    assert (version.kind, version.get_kind_display(), version.created_by) == ("carryover", "沿用上一年度", drafter)


def _json_file(tmp_path, report: Report) -> str:
    path = tmp_path / "r.json"
    data = report_to_json(report)
    data["table3"]["new"][0] = 77
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return str(path)


def test_load_report_keeps_a_version_and_refuses_a_locked_report(township, tmp_path):
    report = complete_report(township)
    call_command("load_report", _json_file(tmp_path, report), org=township.name, year=2023, replace=True)
    last = report.versions.order_by("-number").first()
    assert (last.kind, last.created_by) == ("command", None)
    set_status(report, S.PUBLISHED)
    before = report_to_json(report)
    with pytest.raises(CommandError, match="锁定"):
        call_command("load_report", _json_file(tmp_path, report), org=township.name, year=2023, replace=True)
    assert report_to_json(Report.objects.get(pk=report.pk)) == before


def test_the_county_prefill_refuses_a_locked_report(county, township, county_officer):
    set_status(complete_report(township), S.APPROVED)
    own = set_status(complete_report(county), S.PUBLISHED)
    before = report_to_json(own)
    with pytest.raises(ConsolidationError, match="不能"):
        prefill_consolidated_report(county, 2023, by=county_officer)
    assert report_to_json(Report.objects.get(pk=own.pk)) == before


# ---------------------------------------------------------------- the Django admin


@pytest.fixture
def admin_client():
    admin = get_user_model().objects.create_superuser("root", "root@example.org", "Root-passw0rd-2026")
    return _client(admin)


def test_the_admin_cannot_change_a_published_reports_data(township, admin_client):
    report = set_status(complete_report(township), S.PUBLISHED)
    before = report_to_json(report)
    url = reverse("admin:reports_report_change", args=[report.pk])
    page = admin_client.get(url).content.decode()
    assert 'name="preface"' not in page and 'name="overview-0-proactive"' not in page
    response = admin_client.post(url, {"organisation": township.pk, "year": 2023, "origin": "entered",
                                       "preface": "管理后台改的前言"})
    assert response.status_code == 403
    fresh = Report.objects.get(pk=report.pk)
    assert fresh.preface != "管理后台改的前言" and fresh.status == S.PUBLISHED
    assert report_to_json(fresh) == before


def test_the_admin_shows_report_data_read_only(township, admin_client):
    report = complete_report(township)
    page = admin_client.get(reverse("admin:reports_report_change", args=[report.pk])).content.decode()
    assert 'name="preface"' not in page and 'name="problems-0-text"' not in page
    t3 = admin_client.get(reverse("admin:reports_applicationsection_change",
                                  args=[report.applications.pk])).content.decode()
    assert "法人或其他组织" in t3 or "natural" in t3.lower() or "自然人" in t3  # the rows are shown
    assert 'name="rows-0-natural"' not in t3 and 'name="_save"' not in t3
