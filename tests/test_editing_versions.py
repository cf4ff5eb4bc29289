"""An editor's save keeps its version from what it read under the lock and wrote, not by reading the report
again: the version must be the JSON a fresh read gives, byte for byte, for every section and format; a table's
save leaves the carried-text marks alone, a prose save settles them on the text just written (issue 15 point 1)."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from reports.carryover import pending_parts, start_from_previous
from reports.forms import SECTION_FORMS
from reports.models import CarriedText, Report
from reports.writing import How, snapshot, writing

from .conftest import demo_values, make_report
from .test_editing_cost import queries

pytestmark = pytest.mark.django_db


@pytest.fixture
def clerk(client, drafter):
    client.force_login(drafter)
    return client


def changes(report: Report, section: str) -> dict[str, str]:
    """A change to every kind of cell the section has: counts, amounts, prose."""
    fmt = report.format
    if section == "overview":
        return {"prose.preface": "本年度前言，已改写。\r\n第二段", "prose.overview_on_request": "依申请公开：新写的一段。",
                "signature.name": "西村乡人民政府", "signature.date": "2024-01-20"}
    if section == "proactive":
        amount = next(c.key for c in fmt.table2.cells if c.kind == "amount")
        count = next(c.key for c in fmt.table2.cells if c.kind != "amount")
        return {amount: "12.50", count: "7"}
    if section == "applications":
        return {"table3.new.natural": "31", "table3.granted.commercial": "", "table3.carried_over.legal": "2"}
    if section == "review_litigation":
        group, col = fmt.table4.groups[0].code, fmt.table4.entered_columns[1].code
        return {f"table4.{group}.{col}": "4"}
    if section == "problems":
        return {"prose.problems": "一是……二是……"}
    return {"prose.other_matters": "收取信息处理费的情况：……", "processing_fee.yuan": "120.5",
            "processing_fee.applications": "3"}


def save(client, report: Report, section: str, **typed: str):
    fresh = Report.objects.get(pk=report.pk)
    data = SECTION_FORMS[section].texts(fresh.values(), fresh) | typed
    data["revision"] = str(getattr(fresh, section).revision)
    response = client.post(reverse("section_save", args=[report.pk, section]), data)
    assert response.status_code == 200, response.content
    return response


def exact(data) -> str:
    """The JSON as text, keys sorted (PostgreSQL's jsonb keeps its own key order whatever was written)."""
    return json.dumps(data, ensure_ascii=False, sort_keys=True)


@pytest.mark.parametrize("fmt", ["2021", "2019"])
@pytest.mark.parametrize("section", list(SECTION_FORMS))
def test_each_sections_version_is_byte_for_byte_what_a_fresh_read_gives(clerk, township, section, fmt):
    report = make_report(township, 2023, demo_values() if fmt == "2021" else None, format_version=fmt)
    save(clerk, report, section, **changes(report, section))
    version = report.versions.order_by("-number").first()
    assert version is not None and version.section == section
    version.refresh_from_db()  # as stored, not as handed to the INSERT
    assert exact(version.data) == exact(snapshot(Report.objects.get(pk=report.pk)))
    # A second save of the same text keeps no version: the compare with the last one sees them alike.
    count = report.versions.count()
    save(clerk, report, section)
    assert report.versions.count() == count


def test_a_refused_cell_is_in_the_version_as_stored(clerk, report):
    stored = report.values().table3["granted"]["natural"]
    save(clerk, report, "applications", **{"table3.granted.natural": "三点五", "table3.new.natural": "41"})
    data = report.versions.order_by("-number").first().data
    assert data["table3"]["granted"][0] == stored and data["table3"]["new"][0] == 41
    assert exact(data) == exact(snapshot(report))


def test_the_version_sees_another_sections_save_made_after_the_editor_loaded(clerk, report, drafter):
    """The other sections come from the locking read, not from the editor's read before it."""
    fresh = Report.objects.get(pk=report.pk)
    data = SECTION_FORMS["applications"].texts(fresh.values(), fresh) | {"table3.new.natural": "8"}
    data["revision"] = str(fresh.applications.revision)
    save(clerk, report, "problems", **{"prose.problems": "另一个窗口保存的问题。"})
    response = clerk.post(reverse("section_save", args=[report.pk, "applications"]), data)
    assert response.status_code == 200
    version = report.versions.order_by("-number").first()
    assert version.data["prose"]["problems"] == "另一个窗口保存的问题。"
    assert exact(version.data) == exact(snapshot(report))


def test_an_autosave_of_a_table_reads_the_report_once_under_the_lock(clerk, report):
    fresh = Report.objects.get(pk=report.pk)
    data = SECTION_FORMS["applications"].texts(fresh.values(), fresh) | {"table3.new.natural": "9"}
    data["revision"] = str(fresh.applications.revision)
    sql = queries(lambda: clerk.post(reverse("section_save", args=[report.pk, "applications"]), data))
    locked = [q for q in sql if q.startswith("SELECT") and "reports_overviewsection" in q]
    assert len(locked) == 2  # the editor's read, then the lock's (which the version is made from)
    # 表三's rows once, under the lock (compared with the cells, and the version made from them)
    assert len([q for q in sql if "FROM \"reports_applicationrow\"" in q and q.startswith("SELECT")]) == 1
    assert not [q for q in sql if "reports_carriedtext" in q]  # a table's save leaves the marks alone


@pytest.fixture
def carried(report, township, drafter):
    """西村乡 2024, started from 2023: every prose part marked as copied."""
    return start_from_previous(township, 2024, by=drafter)


def test_a_table_save_leaves_every_mark_and_a_prose_save_drops_the_edited_ones(clerk, carried):
    marked = [m.part for m in pending_parts(carried)]
    assert "preface" in marked and "overview_on_request" in marked
    save(clerk, carried, "applications", **{"table3.new.natural": "5"})
    save(clerk, carried, "review_litigation", **changes(carried, "review_litigation"))
    assert [m.part for m in pending_parts(carried)] == marked
    # The preface is written on the report's own row: its mark goes too (it stayed before: the mark was
    # compared with the report's row as the lock had read it, before the write).
    save(clerk, carried, "overview", **{"prose.preface": "2024年的前言。", "prose.overview_on_request": "新的。"})
    left = [m.part for m in pending_parts(carried)]
    assert "preface" not in left and "overview_on_request" not in left and "overview_proactive" in left
    save(clerk, carried, "overview")  # saved again unchanged: the other marks stand
    assert [m.part for m in pending_parts(carried)] == left


def test_prose_written_by_a_command_or_the_admin_settles_the_marks_at_once(carried):
    assert CarriedText.objects.filter(report=carried, part="problems").exists()
    with writing(carried, by=None, how=How.COMMAND) as locked:
        section = locked.problems
        section.text = "命令行写入的问题。"
        section.save()
    assert not CarriedText.objects.filter(report=carried, part="problems").exists()
    assert CarriedText.objects.filter(report=carried, part="other_matters").exists()


@pytest.mark.parametrize("section", ["applications", "review_litigation", "overview", "problems"])
def test_a_save_that_changes_a_cell_numbers_its_version_without_reading_the_last_ones_data(
        clerk, township, section):
    """The save knows its values differ from what the lock read: it reads the last version's number, not its
    data (the whole report, every keystroke), and the versions still count 1, 2, 3 … The number comes with the
    read of the report that follows the lock, not by a statement of its own."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    report = make_report(township, 2023, demo_values())
    first = report.versions.count()
    with CaptureQueriesContext(connection) as captured:
        save(clerk, report, section, **changes(report, section))
    reads = [q["sql"] for q in captured.captured_queries
             if q["sql"].startswith("SELECT") and "reports_reportversion" in q["sql"]]
    assert reads and not any('"data"' in sql for sql in reads), reads
    assert all("MAX(" in sql and "reports_overviewsection" in sql for sql in reads), reads
    numbers = list(report.versions.order_by("number").values_list("number", flat=True))
    assert numbers == list(range(1, first + 2))
    assert exact(report.versions.order_by("-number").first().data) == exact(snapshot(Report.objects.get(pk=report.pk)))
