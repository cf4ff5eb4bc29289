"""What the editor's requests cost: the report read once, last year's report cached but never stale, only the
changed cells written, the grid rendered without a template per cell (issue 15 point 1)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reports.exports.data import report_to_json
from reports.forms import SECTION_FORMS
from reports.models import ApplicationRow, Report
from reports.services import save_values
from reports.values import ReportValues

from .conftest import demo_values, make_report

pytestmark = pytest.mark.django_db

KEY = "table3.new.natural"


@pytest.fixture
def last_year(township):
    return make_report(township, 2022, demo_values())


@pytest.fixture
def clerk(client, drafter):
    client.force_login(drafter)
    return client


def body(report, **changes) -> dict[str, str]:
    fresh = Report.objects.get(pk=report.pk)
    data = SECTION_FORMS["applications"].texts(fresh.values(), fresh) | changes
    return data | {"revision": str(fresh.applications.revision)}


def check(client, report, data=None, **changes):
    data = data if data is not None else body(report, **changes)
    response = client.post(reverse("section_check", args=[report.pk, "applications"]), data)
    assert response.status_code == 200
    return response.json()


def carry_message(answer) -> str:
    return " ".join(f["message"] for f in answer["findings"] if f["rule"] == "T3-CARRY")


def queries(fn) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        fn()
    return [q["sql"] for q in captured.captured_queries]


def test_the_live_check_reads_last_years_report_once_then_from_the_cache(clerk, report, last_year):
    data = body(report)
    cold = queries(lambda: check(clerk, report, data))
    warm = queries(lambda: check(clerk, report, data))
    sections_of_last_year = [q for q in warm if "reports_overviewsection" in q]
    assert len(sections_of_last_year) == 1  # this year's, joined to the report; last year's from the cache
    assert len(warm) < len(cold)


def test_last_years_values_kept_by_the_process_are_not_changed_by_the_checks_that_read_them(clerk, report,
                                                                                            last_year):
    from django.core.cache import cache

    from reports import previous

    prose = {"prose.problems": "存在的主要问题是公开不够及时。", "prose.overview_proactive": "全年主动公开信息 5 条。"}
    for changes in ({}, {"table3.carried_over.natural": "99"}, {KEY: "三"}, prose):  # T3-CARRY, a refused cell
        check(clerk, report, **changes)
    cache.clear()  # what follows comes from the process's own copy, or it is not there
    kept = previous.previous_values(*previous.last_year_state(report))
    assert kept == Report.objects.get(pk=last_year.pk).values()
    assert queries(lambda: previous.previous_values(*previous.last_year_state(report))) == queries(
        lambda: previous.last_year_state(report))  # no read of last year's report: the process kept it


def test_on_postgresql_the_editors_read_of_the_report_is_prepared_once_and_reused(clerk, report, last_year):
    """The eight-table read took ~0.8 ms to plan and 0.07 ms to run: prepared (GKPORTAL_PG_PREPARED, on by
    default), it is planned once a connection."""
    if connection.vendor != "postgresql":
        pytest.skip("prepared statements: PostgreSQL only (set DATABASE_URL)")
    data = body(report)
    for _ in range(7):
        check(clerk, report, data)
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements WHERE NOT from_sql")
        prepared = [row[0] for row in cursor.fetchall()]
    assert [sql for sql in prepared if "reports_overviewsection" in sql and "reports_organisation" in sql], prepared


def test_a_change_to_last_years_report_is_seen_by_the_next_check(clerk, report, last_year):
    values = last_year.values()
    values.table3["carry_forward"]["natural"] = 7
    save_values(last_year, values)
    check(clerk, report, **{"table3.carried_over.natural": "0"})  # cached with 7
    assert "为 7" in carry_message(check(clerk, report, **{"table3.carried_over.natural": "0"}))
    values.table3["carry_forward"]["natural"] = 9
    save_values(Report.objects.get(pk=last_year.pk), values)
    assert "为 9" in carry_message(check(clerk, report, **{"table3.carried_over.natural": "0"}))


def test_last_years_approval_changes_the_severity_at_once(clerk, report, last_year):
    before = [f["severity"] for f in check(clerk, report, **{"table3.carried_over.natural": "99"})["findings"]
              if f["rule"] == "T3-CARRY"]
    Report.objects.filter(pk=last_year.pk).update(status=Report.Status.APPROVED)
    after = [f["severity"] for f in check(clerk, report, **{"table3.carried_over.natural": "99"})["findings"]
             if f["rule"] == "T3-CARRY"]
    assert before == ["warning"] and after == ["error"]


def test_an_autosave_writes_only_the_changed_cell_and_keeps_one_version(clerk, report):
    versions = report.versions.count()
    data = body(report, **{KEY: "123"})
    sql = queries(lambda: clerk.post(reverse("section_save", args=[report.pk, "applications"]), data))
    updates = [q for q in sql if q.startswith("UPDATE") and "reports_applicationrow" in q]
    assert len(updates) == 1 and "CASE" not in updates[0] and '"commercial"' not in updates[0]
    assert Report.objects.get(pk=report.pk).values().table3["new"]["natural"] == 123
    assert report.versions.count() == versions + 1
    assert report.versions.order_by("-number").first().data["table3"]["new"][0] == 123


def test_an_autosave_writes_the_reports_row_once_and_moves_its_update_time_only(clerk, report, township):
    following = make_report(township, 2024, demo_values())
    before, following_before = report.updated_at, Report.objects.get(pk=following.pk).updated_at
    sql = queries(lambda: clerk.post(reverse("section_save", args=[report.pk, "applications"]),
                                     body(report, **{KEY: "124"})))
    # One UPDATE of the report's row: its counts and next year's made stale, its own update time moved.
    assert len([q for q in sql if q.startswith('UPDATE "reports_report"')]) == 1
    assert Report.objects.get(pk=report.pk).updated_at > before
    assert Report.objects.get(pk=following.pk).updated_at == following_before
    assert Report.objects.get(pk=following.pk).tally_stamp == ""


def test_a_table2_autosave_writes_only_the_changed_cell_without_asking_the_database_to_validate(clerk, report):
    fresh = Report.objects.get(pk=report.pk)
    data = SECTION_FORMS["proactive"].texts(fresh.values(), fresh)
    key = next(k for k, text in data.items() if k.startswith("table2.") and text.isdigit())
    data |= {key: str(int(data[key]) + 1), "revision": str(fresh.proactive.revision)}
    clerk.get(reverse("section_edit", args=[report.pk, "proactive"]))  # the session's activity recorded first
    sql = queries(lambda: clerk.post(reverse("section_save", args=[report.pk, "proactive"]), data))
    cell_writes = [q for q in sql if q.startswith(("UPDATE", "INSERT", "DELETE")) and "reports_proactivecell" in q]
    assert len(cell_writes) == 1 and cell_writes[0].count('"id" =') == 3, cell_writes  # one record's 3 columns
    assert not [q for q in sql if "_check" in q]  # the CHECK constraints are the field validators, run in Python
    assert len(sql) <= 18, "\n".join(sql)  # was ~100: full_clean asked the database for every constraint of every cell
    assert Report.objects.get(pk=report.pk).values().get(key) == int(data[key])


def test_an_autosave_with_nothing_changed_writes_no_row_but_still_moves_the_revision(clerk, report):
    before = report.applications.revision
    data = body(report)
    sql = queries(lambda: clerk.post(reverse("section_save", args=[report.pk, "applications"]), data))
    assert not [q for q in sql if q.startswith("UPDATE") and "reports_applicationrow" in q]
    assert Report.objects.get(pk=report.pk).applications.revision == before + 1


def test_a_refused_cell_keeps_its_stored_value_when_only_changed_cells_are_written(clerk, report):
    stored = report.values().table3["granted"]["natural"]
    response = clerk.post(reverse("section_save", args=[report.pk, "applications"]),
                          body(report, **{"table3.granted.natural": "三点五", KEY: "41"}))
    assert response.status_code == 200 and "table3.granted.natural" in response.json()["refused"]
    assert response.json()["stored"] == {"table3.granted.natural": str(stored)}  # shown beside the typed text
    values = Report.objects.get(pk=report.pk).values()
    assert values.table3["granted"]["natural"] == stored and values.table3["new"]["natural"] == 41
    version = report.versions.order_by("-number").first()
    assert version.data == report_to_json(Report.objects.get(pk=report.pk))  # the kept value in the version too
    assert ApplicationRow.objects.filter(section__report=report).count() == len(report.format.table3.entered_rows)


@pytest.mark.parametrize("kind, budget", [("check", 8), ("save", 14), ("open", 13)])
def test_each_editor_request_stays_within_its_query_budget(clerk, report, last_year, kind, budget):
    url = {"check": "section_check", "save": "section_save", "open": "section_edit"}[kind]
    check(clerk, report)  # last year's report in the cache, as while typing
    data = body(report, **{KEY: "77"})

    def request():
        path = reverse(url, args=[report.pk, "applications"])
        response = clerk.get(path) if kind == "open" else clerk.post(path, data)
        assert response.status_code == 200

    assert len(queries(request)) <= budget


def test_the_check_reads_not_its_own_stored_table_and_finds_the_same(clerk, report, last_year):
    data = body(report, **{KEY: "7", "table3.granted.natural": "三", "table3.carried_over.natural": "99"})
    check(clerk, report, data)  # last year's report (its rows too) now in the cache
    sql = queries(lambda: check(clerk, report, data))
    assert not [q for q in sql if "reports_applicationrow" in q]  # every cell of this year's is in the form
    answer = check(clerk, report, data)
    fresh = Report.objects.get(pk=report.pk)
    form = SECTION_FORMS["applications"](fresh, data, values=fresh.values())  # with the stored rows read
    form.is_valid()
    assert [f["key"] for f in answer["findings"]] == [f.key for f in form.findings]
    assert answer["cell_errors"] == form.cell_errors() and "table3.granted.natural" in answer["cell_errors"]


def test_acknowledgements_are_read_only_when_there_is_a_warning_to_acknowledge(clerk, report, township):
    quiet = body(report)
    assert not [f for f in check(clerk, report, quiet)["findings"] if f["severity"] == "warning"]
    assert not [q for q in queries(lambda: check(clerk, report, quiet)) if "reports_acknowledgement" in q]
    make_report(township, 2022, demo_values())
    warned = body(report, **{"table3.carried_over.natural": "99"})  # T3-CARRY: a warning
    assert [f for f in check(clerk, report, warned)["findings"] if f["severity"] == "warning"]
    assert [q for q in queries(lambda: check(clerk, report, warned)) if "reports_acknowledgement" in q]


def test_an_autosave_reads_no_other_table_and_locks_and_snapshots_in_one_read(clerk, report):
    data = body(report, **{KEY: "5"})
    clerk.get(reverse("section_edit", args=[report.pk, "applications"]))  # the session's activity recorded first
    sql = queries(lambda: clerk.post(reverse("section_save", args=[report.pk, "applications"]), data))
    assert not [q for q in sql if "reports_proactivecell" in q and sql.index(q) < 4]  # before the write
    assert len([q for q in sql if q.startswith("SAVEPOINT")]) <= 1  # the request's own transaction only
    report_reads = [q for q in sql if q.startswith("SELECT") and "reports_overviewsection" in q]
    assert len(report_reads) == 2  # the editor's read, then the lock's (the version is made from it)


def test_the_grid_is_rendered_without_a_template_per_cell(clerk, report):
    response = clerk.get(reverse("section_edit", args=[report.pk, "applications"]))
    names = [t.name for t in response.templates]
    assert "reports/edit_cell.html" not in names
    assert response.content.decode().count('data-cell-wrap="table3.') == 25 * 7  # 24 rows + （七）总计, 7 columns


def test_a_copy_of_values_changes_alone():
    values = demo_values()
    copied = values.copy()
    copied.table3["new"]["natural"] = 999
    copied.table2["licensing"] = 5
    copied.prose["problems"] = "改了"
    copied.table4["review"]["maintained"] = 3
    assert values.table3["new"]["natural"] != 999 and values.table2["licensing"] != 5
    assert values.prose["problems"] != "改了" and values.table4["review"]["maintained"] != 3
    assert copied == ReportValues(**{**values.__dict__, "table2": copied.table2, "table3": copied.table3,
                                     "table4": copied.table4, "prose": copied.prose})



def _locks(sql: list[str]) -> int:
    return len([q for q in sql if "FOR UPDATE" in q])


def _row_locks_or_skip() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("row locks: PostgreSQL only (set DATABASE_URL); SQLite locks the whole database")


def test_a_table2_autosave_locks_the_report_once(clerk, report):
    """表二's autosave reads its version after the write (not made from what was written): under the lock
    `writing` took, not taking it a second time."""
    _row_locks_or_skip()
    fresh = Report.objects.get(pk=report.pk)
    data = SECTION_FORMS["proactive"].texts(fresh.values(), fresh)
    key = next(k for k, text in data.items() if k.startswith("table2.") and text.isdigit())
    data |= {key: str(int(data[key]) + 1), "revision": str(fresh.proactive.revision)}
    versions = report.versions.count()
    sql = queries(lambda: clerk.post(reverse("section_save", args=[report.pk, "proactive"]), data))
    assert _locks(sql) == 1, "\n".join(sql)
    assert report.versions.count() == versions + 1
    assert report.versions.order_by("-number").first().data == report_to_json(Report.objects.get(pk=report.pk))


def test_a_submission_locks_the_report_once_and_keeps_its_version(township, drafter):
    """A transition keeps a version read under the lock it took, without taking it a second time."""
    _row_locks_or_skip()
    from reports.workflow import submit

    from .workflow_support import complete_report

    ready = complete_report(township)
    sql = queries(lambda: submit(ready, by=drafter))
    assert _locks(sql) == 1, "\n".join(sql)
    version = ready.versions.order_by("-number").first()
    assert version.event.action == "submit" and version.data == report_to_json(Report.objects.get(pk=ready.pk))
