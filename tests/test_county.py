"""The county office's dashboard: who is late, what is wrong, and only within the officer's own subtree."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from reports.county import bulk_contexts, bulk_values, dashboard_rows, filter_and_sort
from reports.models import Report
from reports.rules import check
from reports.services import read_values

from .conftest import Kind, Role, complete_values, make_org, make_report, make_user
from .county_support import on  # noqa: F401  (a fixture)

pytestmark = pytest.mark.django_db

Status = Report.Status
YEAR = 2023
BEFORE = datetime.date(2024, 1, 21)  # ten days before 31 January 2024
AFTER = datetime.date(2024, 2, 3)  # three days after


def unbalanced_values():
    """Complete values that break T3-BAL: 一、本年新收（自然人） one too many."""
    values = complete_values()
    values.table3["new"]["natural"] += 1
    return values


def set_status(report: Report, status: str) -> Report:
    # The workflow part's transitions are not on this branch; the dashboard only reads the state.
    Report.objects.filter(pk=report.pk).update(status=status)
    report.refresh_from_db()
    return report


@pytest.fixture
def department(county):
    return make_org("修武县自然资源局", Kind.COUNTY_DEPT, parent=county, short_name="县自然资源局")


@pytest.fixture
def other_county(db):
    """A second county with its own township, report and officer."""
    other = make_org("博爱县人民政府", Kind.COUNTY_GOV, short_name="博爱县")
    town = make_org("柏山镇人民政府", Kind.TOWNSHIP_GOV, parent=other, short_name="柏山镇")
    set_status(make_report(town, YEAR, complete_values()), Status.APPROVED)
    make_user("other_officer", other, Role.SUPERVISOR)
    return other


@pytest.fixture
def landscape(county, township, sibling, department):
    """西村乡 a draft with one error, 郇封镇 nothing yet, 县自然资源局 approved and clean."""
    make_report(township, YEAR, unbalanced_values())
    set_status(make_report(department, YEAR, complete_values()), Status.APPROVED)
    return county


def rows_by_name(rows):
    return {r.organisation.short_name: r for r in rows}


def counts(line) -> tuple[int, int]:
    """(errors, warnings) as the rules find them report by report (more rules may come; the counts follow)."""
    report = Report.objects.get(pk=line.pk)  # the dashboard's row carries a ReportLine, not the model
    findings = check(read_values(report), bulk_contexts([report])[report.pk])
    return sum(f.severity == "error" for f in findings), sum(f.severity == "warning" for f in findings)


def test_dashboard_shows_every_subordinate_with_its_state_deadline_and_findings(landscape):
    rows = rows_by_name(dashboard_rows(landscape, YEAR, BEFORE))
    assert set(rows) == {"西村乡", "郇封镇", "县自然资源局"}
    xicun, huanfeng, dept = rows["西村乡"], rows["郇封镇"], rows["县自然资源局"]
    assert xicun.state == "draft"
    assert (xicun.errors, xicun.warnings) == counts(xicun.report) and xicun.errors >= 2  # T3-BAL: 自然人, 总计
    assert xicun.last_change == xicun.report.updated_at
    assert (huanfeng.state, huanfeng.state_label, huanfeng.errors, huanfeng.last_change) == ("none", "未创建", None, None)
    assert dept.state == "approved"
    assert (dept.errors, dept.warnings) == counts(dept.report) and dept.errors == 0
    assert all(r.deadline == datetime.date(2024, 1, 31) and r.days_left == 10 for r in rows.values())
    assert not any(r.overdue for r in rows.values())


def test_an_organisation_is_overdue_after_its_deadline_until_its_report_is_approved(landscape, township):
    rows = rows_by_name(dashboard_rows(landscape, YEAR, AFTER))
    assert rows["西村乡"].overdue and rows["郇封镇"].overdue
    assert rows["西村乡"].days_overdue == 3
    assert not rows["县自然资源局"].overdue
    set_status(Report.objects.get(organisation=township), Status.SUBMITTED)
    assert rows_by_name(dashboard_rows(landscape, YEAR, AFTER))["西村乡"].overdue
    set_status(Report.objects.get(organisation=township), Status.PUBLISHED)
    assert not rows_by_name(dashboard_rows(landscape, YEAR, AFTER))["西村乡"].overdue


def test_each_organisation_keeps_its_own_deadline(landscape, township):
    township.deadline_month_day = "01-26"
    township.save()
    rows = rows_by_name(dashboard_rows(landscape, YEAR, datetime.date(2024, 1, 28)))
    assert rows["西村乡"].overdue and rows["西村乡"].days_left == -2
    assert not rows["郇封镇"].overdue


def test_rows_filter_by_state_kind_and_lateness_and_sort_both_ways(landscape):
    rows = dashboard_rows(landscape, YEAR, AFTER)
    names = lambda rs: [r.organisation.short_name for r in rs]  # noqa: E731
    assert names(filter_and_sort(rows, state="none")) == ["郇封镇"]
    assert names(filter_and_sort(rows, kind=Kind.COUNTY_DEPT)) == ["县自然资源局"]
    assert names(filter_and_sort(rows, overdue=True, sort="name")) == ["西村乡", "郇封镇"]
    assert names(filter_and_sort(rows, sort="-errors"))[0] == "西村乡"
    assert names(filter_and_sort(rows, sort="errors"))[0] == "郇封镇"  # no report sorts below 0 errors
    assert names(filter_and_sort(rows, sort="-state"))[0] == "县自然资源局"


def test_bulk_values_read_exactly_what_read_values_reads(report):
    report.refresh_from_db()
    assert bulk_values(Report.objects.filter(pk=report.pk))[report.pk] == read_values(report)


def test_contexts_carry_last_years_values_and_whether_they_were_approved_here(township):
    last = set_status(make_report(township, YEAR - 1, complete_values()), Status.PUBLISHED)
    this = make_report(township, YEAR, complete_values())
    first = make_report(make_org("城关镇人民政府", parent=township.parent), YEAR)
    contexts = bulk_contexts([this, first])
    assert contexts[this.pk].previous == read_values(last)
    assert contexts[this.pk].previous_approved_here
    assert (contexts[this.pk].org_kind, contexts[this.pk].org_name, contexts[this.pk].year) == (
        Kind.TOWNSHIP_GOV, "西村乡人民政府", YEAR)
    assert contexts[first.pk].previous is None and not contexts[first.pk].previous_approved_here


# ---------------------------------------------------------------- the page


def test_officer_reaches_the_dashboard_from_the_navigation(client, landscape, county_officer, on):
    on(datetime.date(2024, 1, 10))
    client.force_login(county_officer)
    home = client.get("/").content.decode()
    assert "报送进度与汇总" in home
    response = client.get("/county/", follow=True)
    assert response.redirect_chain[-1][0] == f"/county/{landscape.pk}/{YEAR}/"
    page = response.content.decode()
    for name in ("西村乡人民政府", "郇封镇人民政府", "修武县自然资源局"):
        assert name in page
    assert "还有 21 天" in page


def test_dashboard_links_the_counts_to_the_findings_page(client, landscape, township, county_officer, on):
    on(AFTER)
    client.force_login(county_officer)
    page = client.get(f"/county/{landscape.pk}/{YEAR}/?overdue=1").content.decode()
    report = Report.objects.get(organisation=township)
    errors, warnings = counts(report)
    assert f'href="/reports/{report.pk}/findings/" aria-label="西村乡人民政府：错误 {errors} 条"' in page
    assert f'href="/reports/{report.pk}/findings/" aria-label="西村乡人民政府：提示 {warnings} 条"' in page
    assert "逾期 3 天" in page
    assert "修武县自然资源局" not in page  # approved: not late, filtered out


def test_dashboard_ignores_unknown_filters_and_sorts(client, landscape, county_officer):
    client.force_login(county_officer)
    response = client.get(f"/county/{landscape.pk}/{YEAR}/?state=bogus&kind=x&sort=-nonsense")
    assert response.status_code == 200
    assert "西村乡人民政府" in response.content.decode()


def test_an_officer_sees_only_their_own_subtree(client, landscape, county_officer, other_county):
    client.force_login(county_officer)
    mine = client.get(f"/county/{landscape.pk}/{YEAR}/").content.decode()
    assert "西村乡人民政府" in mine and "柏山镇人民政府" not in mine
    for url in (f"/county/{other_county.pk}/{YEAR}/", f"/county/{other_county.pk}/{YEAR}/tables/",
                f"/county/{other_county.pk}/{YEAR}/tables.xlsx", f"/county/{other_county.pk}/trends/"):
        response = client.get(url)
        assert response.status_code == 403, url
        assert "主管部门" in response.content.decode()
    theirs = client.get(f"/county/{landscape.pk}/{YEAR}/tables/cell/?key=table3.new.total")
    assert theirs.status_code == 200


def test_other_officer_does_not_see_this_county(client, landscape, other_county):
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.get(username="other_officer"))
    page = client.get(f"/county/{other_county.pk}/{YEAR}/").content.decode()
    assert "柏山镇人民政府" in page and "西村乡人民政府" not in page
    assert client.get(f"/county/{landscape.pk}/{YEAR}/").status_code == 403


def test_drafters_and_strangers_cannot_open_the_county_pages(client, landscape, drafter):
    assert client.get(f"/county/{landscape.pk}/{YEAR}/").status_code == 302  # to the login page
    client.force_login(drafter)
    assert "报送进度与汇总" not in client.get("/").content.decode()
    assert client.get("/county/").status_code == 403
    assert client.get(f"/county/{landscape.pk}/{YEAR}/").status_code == 403


def test_bad_addresses_get_a_clear_page(client, landscape, county_officer):
    client.force_login(county_officer)
    assert client.get(f"/county/999999/{YEAR}/").status_code == 404
    assert client.get(f"/county/{landscape.pk}/1900/").status_code == 404
    response = client.get(f"/county/{landscape.pk}/{YEAR}/tables/cell/?key=../../etc")
    assert response.status_code == 404 and "没有这个单元格" in response.content.decode()
    assert client.get(f"/county/{landscape.pk}/trends/?org=abc").status_code == 404


# ---------------------------------------------------------------- a constant number of queries


def add_organisations(county, start: int, count: int) -> None:
    """`count` townships with reports in every state, last year's report for every other one."""
    states = [Status.DRAFT, Status.SUBMITTED, Status.RETURNED, Status.APPROVED, Status.PUBLISHED, None]
    for i in range(start, start + count):
        town = make_org(f"第{i}号镇人民政府", parent=county, short_name=f"{i}镇")
        state = states[i % len(states)]
        if state is not None:
            set_status(make_report(town, YEAR, unbalanced_values() if i % 2 else complete_values()), state)
        if i % 2:
            set_status(make_report(town, YEAR - 1, complete_values()), Status.PUBLISHED)


def queries_for(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_county_pages_run_the_same_number_of_queries_for_5_and_50_organisations(
        client, county, county_officer, django_assert_max_num_queries):
    client.force_login(county_officer)
    urls = [f"/county/{county.pk}/{YEAR}/", f"/county/{county.pk}/{YEAR}/tables/",
            f"/county/{county.pk}/{YEAR}/tables.xlsx", f"/county/{county.pk}/{YEAR}/tables/cell/?key=table3.new.total",
            f"/county/{county.pk}/trends/"]
    # A counted report's cells are stored the first time the tables sum it (reports.county_sums), in batches
    # (5 rows an INSERT on SQLite): what must stay constant is every view once they are.
    add_organisations(county, 0, 5)
    queries_for(client, urls[1])
    few = {url: queries_for(client, url) for url in urls}
    add_organisations(county, 5, 45)
    queries_for(client, urls[1])
    many = {url: queries_for(client, url) for url in urls}
    assert many == few
    with django_assert_max_num_queries(20):
        client.get(urls[0])


def test_a_long_list_is_split_into_pages_keeping_filter_and_sort(client, landscape, county_officer, monkeypatch):
    from reports.views import county as views

    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    client.force_login(county_officer)
    first = client.get(f"/county/{landscape.pk}/{YEAR}/?sort=name").content.decode()
    assert 'href="?sort=name&amp;page=2"' in first
    second = client.get(f"/county/{landscape.pk}/{YEAR}/?sort=name&page=2").content.decode()
    names = ["修武县自然资源局", "西村乡人民政府", "郇封镇人民政府"]  # by code point, as sorted
    assert all(n in first for n in names[:2]) and names[2] not in first
    assert names[2] in second and names[0] not in second


def test_reporting_year_turns_over_in_april():
    import datetime

    from reports.county import reporting_year

    assert reporting_year(datetime.date(2027, 1, 15)) == 2026  # writing 2026's reports, due 31 January
    assert reporting_year(datetime.date(2027, 3, 31)) == 2026  # the cycle's last deadline
    assert reporting_year(datetime.date(2026, 11, 30)) == 2026  # preparing this year's


def test_county_home_opens_the_latest_year_with_reports_when_the_coming_one_has_none(client, county, township,
                                                                                    county_officer):
    from django.utils import timezone

    from reports.county import reporting_year

    from .conftest import make_report

    client.force_login(county_officer)
    coming = reporting_year(timezone.localdate())
    make_report(township, coming - 3)
    assert client.get("/county/")["Location"] == f"/county/{county.pk}/{coming - 3}/"
    make_report(township, coming)
    assert client.get("/county/")["Location"] == f"/county/{county.pk}/{coming}/"


def test_only_a_supervisor_sees_the_management_link_in_the_navigation(client, county, township, county_officer,
                                                                      drafter):
    link = 'href="/manage/"'
    client.force_login(county_officer)
    assert link in client.get(f"/county/{county.pk}/{YEAR}/").content.decode()
    client.force_login(drafter)
    assert link not in client.get("/").content.decode()
