"""The consolidated county tables: exact cell-wise sums of the approved reports, on screen, per cell, in .xlsx."""

from __future__ import annotations

import io
import zipfile
from decimal import Decimal

import pytest
from django.db import transaction
from hypothesis import Phase, given
from hypothesis import strategies as st
from openpyxl import load_workbook

from reports.catalogue import get_format
from reports.county import cell_keys, cell_value, consolidate, consolidation, prefill_consolidated_report
from reports.models import Report
from reports.values import ReportValues, sum_or_none

from .conftest import Kind, Role, complete_values, demo_values, make_org, make_report, make_user
from .properties import examples

pytestmark = pytest.mark.django_db

Status = Report.Status
YEAR = 2023
FMT = get_format()
COUNTED = {Status.APPROVED, Status.PUBLISHED}

counts = st.one_of(st.none(), st.integers(min_value=0, max_value=100_000))
fees = st.one_of(
    st.none(),
    st.integers(min_value=0, max_value=6).flatmap(
        lambda places: st.decimals(min_value=0, max_value=Decimal("999999999"), places=places,
                                   allow_nan=False, allow_infinity=False)
    ),
)


@st.composite
def report_values(draw) -> ReportValues:
    """Any numbers a report may hold: every entered cell blank or a count, the fee with 0–6 decimals."""
    v = ReportValues()
    for key in FMT.table2.fields[:-1]:  # the counts; the last, 行政事业性收费, is the fee
        v.table2[key] = draw(counts)
    v.table2["fees_10k_yuan"] = draw(fees)
    for row in FMT.table3.entered_rows:
        for col in FMT.table3.entered_columns:
            v.table3[row.code][col.code] = draw(counts)
    for group in FMT.table4.groups:
        for col in FMT.table4.entered_columns:
            v.table4[group.code][col.code] = draw(counts)
    return v


def expected_sum(parts: list[ReportValues], key: str):
    """A cell of the consolidated tables computed the plain way: sum the cell over the reports."""
    return sum_or_none(cell_value(v, key) for v in parts)


@given(st.lists(report_values(), max_size=6))
@examples(60)
def test_consolidated_cells_are_the_sums_of_the_cells_including_every_total(parts):
    sums = consolidate(parts)
    for key in cell_keys(FMT):
        assert cell_value(sums, key) == expected_sum(parts, key), key


@given(st.lists(st.tuples(report_values(), st.sampled_from(list(Status) + [None])), min_size=1, max_size=5))
# No shrinking: with the database each step costs a transaction, and a failure took minutes to shrink;
# the test above shrinks the same sums cheaply.
@examples(15, phases=[Phase.explicit, Phase.reuse, Phase.generate])
def test_county_tables_equal_the_sums_of_the_approved_and_published_reports_only(county, reports):
    with transaction.atomic():
        for i, (values, status) in enumerate(reports):
            town = make_org(f"第{i}号乡人民政府", parent=county)
            if status is not None:
                report = make_report(town, YEAR, values)
                Report.objects.filter(pk=report.pk).update(status=status)
        counted = [values for values, status in reports if status in COUNTED]
        result = consolidation(county, YEAR)
        assert len(result.reports) == len(counted)
        for key in cell_keys(FMT):
            assert cell_value(result.values, key) == expected_sum(counted, key), key
        transaction.set_rollback(True)


def test_fees_are_summed_exactly_with_their_decimals(county, township, sibling):
    for org, fee in ((township, Decimal("0.1")), (sibling, Decimal("0.000002"))):
        values = complete_values()
        values.table2["fees_10k_yuan"] = fee
        make_report(org, YEAR, values, status=Status.APPROVED)
    total = consolidation(county, YEAR).values.table2["fees_10k_yuan"]
    assert total == Decimal("0.100002") and str(total) == "0.100002"


@pytest.fixture
def three_states(county, township, sibling):
    """西村乡 approved, 郇封镇 published, a returned and a draft report left out, one with no report."""
    a = complete_values()
    b = complete_values()
    b.table3["new"]["commercial"] = 3
    b.table3["granted"]["commercial"] = 3
    make_report(township, YEAR, a, status=Status.APPROVED)
    make_report(sibling, YEAR, b, status=Status.PUBLISHED)
    returned = complete_values()
    returned.table3["new"]["natural"] = 1000
    make_report(make_org("城关镇人民政府", parent=county), YEAR, returned, status=Status.RETURNED)
    make_report(make_org("周庄镇人民政府", parent=county), YEAR, returned, status=Status.DRAFT)
    make_org("王屯乡人民政府", parent=county)
    return county


def test_drafts_returned_and_missing_reports_are_left_out_and_named(three_states):
    result = consolidation(three_states, YEAR)
    assert [r.organisation.name for r in result.reports] == ["西村乡人民政府", "郇封镇人民政府"]
    assert result.values.t3("new", "natural") == 8  # 4 + 4, never the 1000 of the draft and the returned one
    assert result.values.t3("new", "total") == 11
    assert [(o.name, r.status if r else None) for o, r in result.left_out] == [
        ("周庄镇人民政府", Status.DRAFT), ("城关镇人民政府", Status.RETURNED), ("王屯乡人民政府", None)]


def test_the_county_itself_and_other_counties_are_not_summed(three_states):
    make_report(three_states, YEAR, complete_values(), status=Status.APPROVED)  # the county's own report
    other = make_org("博爱县人民政府", Kind.COUNTY_GOV)
    make_report(make_org("柏山镇人民政府", parent=other), YEAR, complete_values(), status=Status.APPROVED)
    assert len(consolidation(three_states, YEAR).reports) == 2


def test_tables_page_shows_the_sums_in_the_official_layout(client, three_states, county_officer):
    client.force_login(county_officer)
    page = client.get(f"/county/{three_states.pk}/{YEAR}/tables/").content.decode()
    assert FMT.table3.corner in page
    assert 'data-cell="table3.new.total">11<' in page
    assert 'data-cell="table3.new.commercial">3<' in page
    assert "已审核通过或已公开发布的报告 <strong>2</strong> 份" in page
    assert "城关镇人民政府" in page  # named among those left out
    assert '<option value="table4.review.total">表四 行政复议总计</option>' in page
    assert "js/county.js" in page


def test_each_cell_breaks_down_by_organisation(client, three_states, county_officer):
    client.force_login(county_officer)
    page = client.get(f"/county/{three_states.pk}/{YEAR}/tables/cell/?key=table3.new.total").content.decode()
    assert "表三 一、本年新收政府信息公开申请数量（总计）" in page
    assert page.index("郇封镇人民政府") < page.index("西村乡人民政府")  # 7 before 4: largest first
    assert '<td class="num">7</td>' in page and '<td class="num">4</td>' in page
    assert '<td class="num fw-bold">11</td>' in page
    assert "城关镇人民政府" not in page


def test_a_cell_of_many_reports_breaks_down_a_page_at_a_time_largest_first(client, three_states, county_officer,
                                                                          monkeypatch):
    monkeypatch.setattr("reports.views.county.PAGE_SIZE", 1)
    client.force_login(county_officer)
    url = f"/county/{three_states.pk}/{YEAR}/tables/cell/?key=table3.new.total"
    first, second = client.get(url).content.decode(), client.get(url + "&page=2").content.decode()
    assert "郇封镇人民政府" in first and "西村乡人民政府" not in first  # 7 on the first page
    assert "西村乡人民政府" in second and "郇封镇人民政府" not in second  # then 4
    for page in (first, second):
        assert '<td class="num fw-bold">11</td>' in page and "汇总（2 份报告）" in page  # the whole sum on each
        assert "共 2 份报告" in page
        assert "?key=table3.new.total&amp;page=2" in page
    assert "本页为第 2–2 份" in second and 'aria-current="page">2<' in second
    assert "西村乡人民政府" in client.get(url + "&page=99").content.decode()  # past the end: the last page


def test_xlsx_has_the_printed_layout_with_merged_cells_and_the_sums(client, three_states, county_officer):
    values = complete_values()
    values.table2["fees_10k_yuan"] = Decimal("24252.311082")
    make_report(make_org("县财政局", Kind.COUNTY_DEPT, parent=three_states), YEAR, values, status=Status.APPROVED)
    client.force_login(county_officer)
    response = client.get(f"/county/{three_states.pk}/{YEAR}/tables.xlsx")
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert "attachment" in response["Content-Disposition"] and ".xlsx" in response["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["表二 主动公开", "表三 依申请公开", "表四 复议诉讼", "汇总范围"]

    t3 = book["表三 依申请公开"]
    merged = {str(r) for r in t3.merged_cells.ranges}
    assert t3["A3"].value == FMT.table3.corner and "A3:C5" in merged
    assert t3["D3"].value == "申请人情况" and "D3:J3" in merged
    labels = {t3.cell(r, c).value: r for r in range(6, 31) for c in (1, 2, 3)}
    assert "A8:A29" in merged and t3["A8"].value == "三、本年度办理结果"  # rowspan 22
    assert t3.cell(labels["一、本年新收政府信息公开申请数量"], 10).value == 15  # 4 + 7 + 4
    assert t3.cell(labels["1.属于国家秘密"], 3).value == "1.属于国家秘密"
    assert t3.cell(labels["（七）总计"], 10).value == consolidation(three_states, YEAR).values.t3("total", "total")

    t4 = book["表四 复议诉讼"]
    assert {"A3:E3", "F3:O3", "F4:J4", "K4:O4", "A4:A5"} <= {str(r) for r in t4.merged_cells.ranges}
    assert [t4.cell(6, c).value for c in range(1, 6)] == [0, 0, 0, 0, 0]

    t2 = book["表二 主动公开"]
    fee_row = next(r for r in range(1, 30) if t2.cell(r, 1).value == "行政事业性收费")
    assert f"B{fee_row}:D{fee_row}" in {str(r) for r in t2.merged_cells.ranges}
    sheet1 = zipfile.ZipFile(io.BytesIO(response.content)).read("xl/worksheets/sheet1.xml").decode()
    assert "<v>24252.311082</v>" in sheet1  # the Decimal's digits, not a float's

    scope = book["汇总范围"]
    names = [scope.cell(r, 1).value for r in range(5, 11)]
    assert "县财政局" in names and "王屯乡人民政府" in names


# ---------------------------------------------------------------- the county's own consolidated report


def test_prefill_makes_the_countys_own_report_with_the_sums_and_the_20_february_deadline(
        client, three_states, county_officer):
    client.force_login(county_officer)
    response = client.post(f"/county/{three_states.pk}/{YEAR}/consolidated-report/", follow=True)
    report = Report.objects.get(organisation=three_states, year=YEAR)
    assert response.redirect_chain[-1][0] == f"/reports/{report.pk}/"
    assert "2024年2月20日" in response.content.decode()
    assert report.status == Status.DRAFT and str(report.deadline) == "2024-02-20"
    expected = consolidation(three_states, YEAR).values
    stored = report.values()
    assert all(cell_value(stored, k) == cell_value(expected, k) for k in cell_keys(FMT))
    # One version, naming the county officer and the path (汇总填入).
    (version,) = report.versions.all()
    assert (version.kind, version.created_by) == ("prefill", county_officer)


def test_refilling_keeps_the_prose_and_a_changed_deadline(three_states, county_officer):
    three_states.deadline_month_day = "02-15"
    three_states.save()
    report = make_report(three_states, YEAR, demo_values())
    Report.objects.filter(pk=report.pk).update(preface="本县汇总报告前言。")
    prefill_consolidated_report(three_states, YEAR, by=county_officer)
    report.refresh_from_db()
    assert report.preface == "本县汇总报告前言。"
    assert report.values().t3("new", "total") == 11
    assert str(report.deadline) == "2024-02-15"


def test_a_submitted_consolidated_report_is_not_overwritten(client, three_states, county_officer):
    report = make_report(three_states, YEAR, demo_values(), status=Status.SUBMITTED)
    client.force_login(county_officer)
    response = client.post(f"/county/{three_states.pk}/{YEAR}/consolidated-report/", follow=True)
    assert "不能再用汇总数覆盖" in response.content.decode()
    assert report.values().t3("new", "total") == 4


def test_only_the_countys_own_officer_prefills_its_report(client, three_states, county_officer):
    city = make_org("焦作市人民政府", Kind.CITY_GOV)
    three_states.parent = city
    three_states.save()
    make_user("city_officer", city, Role.SUPERVISOR)
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.get(username="city_officer"))
    assert client.get(f"/county/{three_states.pk}/{YEAR}/tables/").status_code == 200  # may look
    assert client.post(f"/county/{three_states.pk}/{YEAR}/consolidated-report/").status_code == 403
    assert client.get(f"/county/{three_states.pk}/{YEAR}/consolidated-report/").status_code == 405
    assert not Report.objects.filter(organisation=three_states).exists()


def test_sums_too_large_for_a_cell_are_refused_with_a_message_and_nothing_is_created(three_states, county_officer):
    from reports.catalogue import MAX_COUNT
    from reports.county import ConsolidationError

    for name, penalty in (("县市场监管局", MAX_COUNT), ("县城管局", 1)):
        values = complete_values()
        values.table2["penalty"] = penalty
        make_report(make_org(name, Kind.COUNTY_DEPT, parent=three_states), YEAR, values, status=Status.APPROVED)
    with pytest.raises(ConsolidationError, match="超出了单元格允许的最大值"):
        prefill_consolidated_report(three_states, YEAR, by=county_officer)
    assert not Report.objects.filter(organisation=three_states).exists()


def test_a_province_sums_its_departments_and_its_cities_reports_not_again_what_they_sum(db):
    """国办公开办函〔2021〕30号 二、(二): a city's office sums its departments and its county governments, a province's
    its departments and its cities. The townships are in their county's consolidated report, and that in its city's:
    summed again by the province they were counted three times."""
    province = make_org("河南省人民政府", Kind.PROVINCE_GOV)
    city = make_org("焦作市人民政府", Kind.CITY_GOV, parent=province)
    county = make_org("修武县人民政府", Kind.COUNTY_GOV, parent=city)
    make_report(city, YEAR, complete_values(), status=Status.APPROVED)
    make_report(county, YEAR, complete_values(), status=Status.PUBLISHED)
    make_report(make_org("西村乡人民政府", parent=county), YEAR, complete_values(), status=Status.APPROVED)
    make_report(make_org("周庄镇人民政府", parent=county), YEAR, complete_values(), status=Status.DRAFT)
    make_report(make_org("河南省财政厅", Kind.PROVINCE_DEPT, parent=province), YEAR, complete_values(),
                status=Status.APPROVED)
    make_org("新乡市人民政府", Kind.CITY_GOV, parent=province)  # no report yet
    other = make_org("洛阳市人民政府", Kind.CITY_GOV)  # not below the province
    make_report(make_org("偃师区人民政府", parent=other), YEAR, complete_values(), status=Status.APPROVED)
    result = consolidation(province, YEAR)
    assert sorted(r.organisation.name for r in result.reports) == ["河南省财政厅", "焦作市人民政府"]
    assert [o.name for o, _ in result.left_out] == ["新乡市人民政府"]  # not the township below a county
    assert result.values.t3("new", "total") == 2 * complete_values().t3("new", "total")
    below_city = consolidation(city, YEAR)  # the city: its county's report, not the county's townships
    assert [r.organisation.name for r in below_city.reports] == ["修武县人民政府"] and not below_city.left_out
    from django.test import Client

    client = Client()
    client.force_login(make_user("province_officer", province, Role.SUPERVISOR))
    page = client.get(f"/county/{province.pk}/{YEAR}/tables/").content.decode()
    assert 'data-testid="governments-below"' in page and "其中 2 个下级人民政府按其汇总报告计入" in page
    assert "西村乡人民政府" not in page and "周庄镇人民政府" not in page  # neither summed nor left out here
    below_county = consolidation(county, YEAR)  # the county: its townships, as always
    assert [r.organisation.name for r in below_county.reports] == ["西村乡人民政府"]
    assert [o.name for o, _ in below_county.left_out] == ["周庄镇人民政府"]


def test_each_level_prefills_its_report_from_the_level_below_and_counts_each_township_once(db):
    from reports.county import county_trend

    province = make_org("河南省人民政府", Kind.PROVINCE_GOV)
    city = make_org("焦作市人民政府", Kind.CITY_GOV, parent=province)
    counties = [make_org(name, Kind.COUNTY_GOV, parent=city) for name in ("修武县人民政府", "温县人民政府")]
    officers = {org: make_user(f"officer_{org.pk}", org, Role.SUPERVISOR) for org in (province, city, *counties)}
    for county in counties:
        for name in ("甲乡人民政府", "乙镇人民政府"):
            make_report(make_org(f"{county.name[:-4]}{name}", parent=county), YEAR, complete_values(),
                        status=Status.APPROVED)
        make_report(make_org(f"{county.name[:-4]}财政局", Kind.COUNTY_DEPT, parent=county), YEAR, complete_values(),
                    status=Status.APPROVED)
    make_report(make_org("焦作市财政局", Kind.CITY_DEPT, parent=city), YEAR, complete_values(), status=Status.APPROVED)
    one = complete_values().t3("new", "total")
    for county in counties:  # each county's office: its two townships and its department
        report = prefill_consolidated_report(county, YEAR, by=officers[county])
        assert report.values().t3("new", "total") == 3 * one
        Report.objects.filter(pk=report.pk).update(status=Status.APPROVED)  # its prose written and approved
    city_report = prefill_consolidated_report(city, YEAR, by=officers[city])  # two counties and a department
    assert city_report.values().t3("new", "total") == 2 * 3 * one + one
    Report.objects.filter(pk=city_report.pk).update(status=Status.APPROVED)
    province_sums = consolidation(province, YEAR).values
    assert province_sums.t3("new", "total") == 7 * one  # six townships and departments, and the city's department
    assert province_sums == city_report.values()
    assert county_trend(province).new == [7 * one]  # the trends sum the same reports


def test_the_tables_page_names_the_first_left_out_and_says_how_many_more(client, three_states, county_officer,
                                                                        monkeypatch):
    from reports.views import county as views

    client.force_login(county_officer)
    page = client.get(f"/county/{three_states.pk}/{YEAR}/tables/").content.decode()
    assert "王屯乡人民政府" in page and 'data-testid="left-out-more"' not in page  # a county sees every one
    monkeypatch.setattr(views, "LEFT_OUT_SHOWN", 2)
    page = client.get(f"/county/{three_states.pk}/{YEAR}/tables/").content.decode()
    assert "周庄镇人民政府" in page and "城关镇人民政府" in page and "王屯乡人民政府" not in page
    assert "另有 1 个机关未计入" in page


def test_the_xlsx_lists_every_organisation_with_names_kept_as_typed(three_states):
    from reports.exports.county_excel import consolidated_workbook

    make_org("=SUM(A1)乡人民政府", parent=three_states)
    make_org(" <街道> & 办事处 ", parent=three_states)
    ws = load_workbook(io.BytesIO(consolidated_workbook(consolidation(three_states, YEAR))))["汇总范围"]
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=5)]
    assert rows[:2] == [["西村乡人民政府", "乡镇人民政府", "已审核通过", "计入"],
                        ["郇封镇人民政府", "乡镇人民政府", "已公开发布", "计入"]]
    assert sorted(r[0] for r in rows[2:]) == sorted([" <街道> & 办事处 ", "=SUM(A1)乡人民政府", "周庄镇人民政府", "城关镇人民政府",
                                               "王屯乡人民政府"])
    formula_like = next(row[0] for row in ws.iter_rows(min_row=5) if row[0].value.startswith("="))
    assert formula_like.data_type == "s" and formula_like.quotePrefix  # text, and stays text when edited
