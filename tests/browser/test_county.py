"""The county officer finds a late organisation, opens its findings, and downloads the consolidated tables."""

from __future__ import annotations

import io
import re

import pytest
from django.utils import timezone
from openpyxl import load_workbook
from playwright.sync_api import expect

from reports.county import reporting_year
from reports.models import Report

from ..conftest import Kind, complete_values, make_org, make_report
from .conftest import login, screenshot

Status = Report.Status


def varied_values(seed: int):
    """Complete, balanced values that differ from one organisation to the next."""
    values = complete_values()
    values.table3["new"]["natural"] = 4 + seed
    values.table3["granted"]["natural"] = 2 + seed // 2
    values.table3["unable_1"]["natural"] = seed - seed // 2
    values.table2["licensing"] = 100 * seed
    values.table4["review"]["maintained"] = seed % 3
    return values


@pytest.fixture
def year():
    # The year before the one being written now: its deadline has passed whatever today is.
    return reporting_year(timezone.localdate()) - 1


@pytest.fixture
def county_landscape(county, township, sibling, year):
    """西村乡 and three more approved or published; 郇封镇 a late draft with errors; one with no report yet."""
    make_report(township, year, varied_values(1), status=Status.APPROVED)
    late = complete_values()
    late.table3["new"]["natural"] += 2
    make_report(sibling, year, late)
    for i, (name, kind, status) in enumerate([
        ("修武县自然资源局", Kind.COUNTY_DEPT, Status.PUBLISHED),
        ("修武县财政局", Kind.COUNTY_DEPT, Status.APPROVED),
        ("城关镇人民政府", Kind.TOWNSHIP_GOV, Status.PUBLISHED),
        ("周庄镇人民政府", Kind.TOWNSHIP_GOV, Status.SUBMITTED),
        ("修武县教育局", Kind.COUNTY_DEPT, Status.RETURNED),
    ], start=2):
        org = make_org(name, kind, parent=county, short_name=name[:5])
        for y in (year - 2, year - 1):
            make_report(org, y, varied_values(i + y % 3), status=Status.PUBLISHED)
        make_report(org, year, varied_values(i), status=status)
    make_org("王屯乡人民政府", parent=county, short_name="王屯乡")
    return county


def test_officer_finds_the_late_organisation_opens_its_findings_and_downloads_the_tables(
        page, county_landscape, county_officer, sibling, year):
    login(page, "officer")
    page.get_by_role("link", name="报送进度与汇总").click()
    page.get_by_role("link", name=str(year), exact=True).click()
    expect(page.locator("h1")).to_contain_text(f"{year}年度")

    late_row = page.locator("tr", has=page.get_by_role("link", name="郇封镇人民政府", exact=True))
    expect(late_row).to_contain_text("逾期")
    expect(late_row).to_contain_text("草稿")
    on_time = page.locator("tr", has=page.get_by_role("link", name="西村乡人民政府", exact=True))
    expect(on_time).to_contain_text("已报送")
    expect(page.locator("tr", has_text="王屯乡人民政府")).to_contain_text("未创建")
    screenshot(page, "county-dashboard")

    late_row.get_by_role("link", name="郇封镇人民政府：错误").click()
    report = Report.objects.get(organisation=sibling, year=year)
    expect(page).to_have_url(f"{page.url.split('/reports/')[0]}/reports/{report.pk}/findings/")
    expect(page.locator("h1")).to_have_text("检查结果")
    expect(page.locator("main nav")).to_contain_text(f"郇封镇人民政府{year}年政府信息公开工作年度报告")
    # 新收 was raised by 2 without a matching result: the balance of the 自然人 column is off.
    expect(page.locator("main")).to_contain_text("第（七）项总计（自然人）为 2，但 一+二−四 = 4")
    expect(page.locator("#finding-counts [data-count=error]")).not_to_have_text("错误 0")

    page.go_back()
    page.get_by_role("link", name="汇总表").click()
    expect(page.locator('td[data-cell="table3.new.total"]')).to_have_text(str(consolidated_new_total(year)))
    screenshot(page, "county-tables")

    with page.expect_download() as download:
        page.get_by_role("link", name="下载汇总表（.xlsx）").click()
    book = load_workbook(io.BytesIO(open(download.value.path(), "rb").read()))
    sheet = book["表三 依申请公开"]
    row = next(r for r in range(1, 40) if sheet.cell(r, 1).value == "一、本年新收政府信息公开申请数量")
    assert sheet.cell(row, 10).value == consolidated_new_total(year)


def consolidated_new_total(year: int) -> int:
    from reports.county import consolidation
    from reports.models import Organisation

    return consolidation(Organisation.objects.get(name="修武县人民政府"), year).values.t3("new", "total")


def test_officer_breaks_a_cell_down_by_organisation_and_sees_the_trends(page, county_landscape, county_officer, year):
    login(page, "officer")
    page.goto(f"/county/{county_landscape.pk}/{year}/tables/")
    page.locator('td[data-cell="table2.licensing"]').get_by_role("link").click()
    expect(page.locator("h2")).to_contain_text("行政许可")
    expect(page.locator("table.cell-breakdown tbody tr").first).to_contain_text("城关镇人民政府")
    expect(page.locator("table.cell-breakdown tbody tr")).to_have_count(4)  # the approved and published ones
    expect(page.locator("table.cell-breakdown tfoot")).to_contain_text("1000")  # 100 × (1 + 2 + 3 + 4)
    screenshot(page, "county-cell")

    page.get_by_role("link", name="历年趋势").click()
    expect(page.locator("figure svg")).to_have_count(3)
    screenshot(page, "county-trends")
    page.get_by_label("机关").select_option(label="城关镇人民政府")
    page.get_by_role("button", name="查看").click()
    expect(page.locator("h2")).to_contain_text("城关镇人民政府：历年主要数据")


@pytest.mark.parametrize("width", [320, 375])
def test_on_a_phone_the_dashboard_is_a_list_of_cards_that_never_scrolls_sideways(
        new_page, county_landscape, county_officer, year, width):
    from .axe import axe_violations, describe, serious

    page = new_page(width=width)
    login(page, "officer")
    page.goto(f"/county/{county_landscape.pk}/{year}/")
    late = page.locator("tbody tr", has=page.get_by_role("link", name="郇封镇人民政府", exact=True))
    expect(late).to_contain_text("逾期")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    box = late.bounding_box()
    assert box["width"] <= width and box["height"] > 80  # stacked: one card, several lines
    # Each cell says its column on the card (the header row is a line of sort links now).
    assert late.locator("td[data-label]").evaluate_all(
        "tds => tds.map(td => getComputedStyle(td, '::before').content)")[:2] == ['"机关类型"', '"状态"']
    assert describe(page.url, serious(axe_violations(page))) == []
    screenshot(page, f"county-dashboard-{width}")
    page.get_by_role("link", name="机关类型", exact=True).click()
    expect(page).to_have_url(re.compile(r"[?&]sort=kind(&|$)"))


@pytest.mark.parametrize("width", [375, 1366])
def test_a_cell_of_many_reports_is_read_a_page_at_a_time(new_page, county_landscape, county_officer, year,
                                                         monkeypatch, width):
    from .axe import axe_violations, describe, serious

    monkeypatch.setattr("reports.views.county.PAGE_SIZE", 2)  # a province's thousands, in a county's four
    page = new_page(width=width)
    login(page, "officer")
    page.goto(f"/county/{county_landscape.pk}/{year}/tables/cell/?key=table2.licensing")
    rows = page.locator("table.cell-breakdown tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text("城关镇人民政府")  # the largest first
    expect(page.locator("table.cell-breakdown tfoot")).to_contain_text("1000")  # the whole sum, on every page
    expect(page.get_by_text("共 4 份报告，本页为第 1–2 份")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert describe(page.url, serious(axe_violations(page))) == []
    page.get_by_role("navigation", name="分页").get_by_role("link", name="2", exact=True).click()
    expect(page.get_by_text("本页为第 3–4 份")).to_be_visible()
    expect(rows).to_have_count(2)
    expect(page.locator("table.cell-breakdown")).not_to_contain_text("城关镇人民政府")
    screenshot(page, f"county-cell-page-2-{width}")


def test_a_city_officer_sees_its_counties_summed_by_their_consolidated_reports(page, county_landscape, year):
    """A city's tables sum its departments and its counties' consolidated reports, not the townships again; the
    page says so, and a cell's breakdown names the county, not its townships."""
    from ..conftest import Role, make_user

    city = make_org("焦作市人民政府", Kind.CITY_GOV)
    county_landscape.parent = city
    county_landscape.save()
    make_report(county_landscape, year, varied_values(20), status=Status.APPROVED)  # the county's own, consolidated
    make_report(make_org("焦作市财政局", Kind.CITY_DEPT, parent=city), year, varied_values(30), status=Status.APPROVED)
    make_user("city_officer", city, Role.SUPERVISOR)
    login(page, "city_officer")
    page.goto(f"/county/{city.pk}/{year}/tables/")
    expect(page.get_by_test_id("governments-below")).to_contain_text("其中 1 个下级人民政府按其汇总报告计入")
    page.locator('td[data-cell="table2.licensing"]').get_by_role("link").click()
    rows = page.locator("table.cell-breakdown tbody tr")
    expect(rows).to_have_count(2)  # the largest first
    expect(rows.nth(0)).to_contain_text("焦作市财政局")
    expect(rows.nth(1)).to_contain_text("修武县人民政府")
    expect(page.locator("table.cell-breakdown tfoot")).to_contain_text("5000")  # 100 × 20 + 100 × 30
    screenshot(page, "city-cell")
    page.go_back()
    screenshot(page, "city-tables")
