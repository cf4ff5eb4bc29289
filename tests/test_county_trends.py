"""Trends over the years, for one organisation and for the county, as printable SVG charts."""

from __future__ import annotations

import pytest

from reports.charts import trend_charts
from reports.county import county_trend, organisation_trend, short_label
from reports.models import Report

from .conftest import complete_values, make_org, make_report

pytestmark = pytest.mark.django_db

Status = Report.Status


@pytest.fixture
def history(county, township, sibling):
    """西村乡 2021–2023 published, 郇封镇 2022–2023 approved, a 2023 draft elsewhere."""
    for year, new in ((2021, 5), (2022, 7), (2023, 4)):
        values = complete_values()
        values.table3["new"]["natural"] = new
        values.table3["granted"]["natural"] = new - 2
        values.table4["review"]["maintained"] = year - 2020
        make_report(township, year, values, status=Status.PUBLISHED)
    for year in (2022, 2023):
        make_report(sibling, year, complete_values(), status=Status.APPROVED)
    make_report(make_org("城关镇人民政府", parent=county), 2023, complete_values())
    return county


def test_an_organisation_trend_follows_its_counted_reports(history, township):
    trend = organisation_trend(township)
    assert trend.years == [2021, 2022, 2023]
    assert trend.new == [5, 7, 4]
    assert trend.results["（一）予以公开"] == [3, 5, 2]
    assert trend.reviews == [1, 2, 3]
    assert trend.litigation == {"未经复议直接起诉": [0, 0, 0], "复议后起诉": [0, 0, 0]}


def test_the_county_trend_sums_the_counted_reports_of_each_year(history):
    trend = county_trend(history)
    assert trend.years == [2021, 2022, 2023]
    assert trend.reports == [1, 2, 2]  # the 2023 draft is not counted
    assert trend.new == [5, 7 + 4, 4 + 4]
    assert list(trend.results) == ["（一）予以公开", "（二）部分公开", "（三）不予公开", "（四）无法提供",
                                   "（五）不予处理", "（六）其他处理"]


def test_result_labels_drop_only_the_trailing_note():
    assert short_label("（二）部分公开（区分处理的，只计这一情形，不计其他情形）") == "（二）部分公开"
    assert short_label("（一）予以公开") == "（一）予以公开"


def test_charts_are_static_svg_with_the_labels_and_figures(history):
    charts = trend_charts(county_trend(history))
    assert [c.title for c in charts] == ["收到的政府信息公开申请（件）", "申请的办理结果（件）",
                                         "政府信息公开行政复议、行政诉讼（件）"]
    for chart in charts:
        assert chart.svg.startswith("<svg") and "<script" not in chart.svg and "<!--" not in chart.svg
        assert "http://pygal" not in chart.svg and 'id="activate-serie' not in chart.svg
    assert "一、本年新收政府信息公开申请数量" in charts[0].svg and "2022年" in charts[0].svg
    assert charts[0].rows[1] == ("2022年", 11, 0)
    assert "（六）其他处理" in charts[1].svg and "行政诉讼（复议后起诉）" in charts[2].svg


def test_charts_render_into_a_pdf(history):
    import weasyprint
    from pypdf import PdfReader
    import io

    svg = "".join(c.svg for c in trend_charts(county_trend(history)))
    pdf = weasyprint.HTML(string=f'<html><head><meta charset="utf-8"></head><body>{svg}</body></html>').write_pdf()
    text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert "申请的办理结果" in text and "予以公开" in text


def test_trends_page_shows_the_county_and_one_organisation(client, history, township, county_officer):
    client.force_login(county_officer)
    page = client.get(f"/county/{history.pk}/trends/").content.decode()
    assert page.count("<svg") == 3 and "2021年 1 份，2022年 2 份，2023年 2 份" in page
    page = client.get(f"/county/{history.pk}/trends/?org={township.pk}").content.decode()
    assert "西村乡人民政府：历年主要数据" in page and page.count("<svg") == 3


def test_a_county_without_counted_reports_gets_empty_charts_not_an_error(client, county, county_officer):
    client.force_login(county_officer)
    response = client.get(f"/county/{county.pk}/trends/")
    assert response.status_code == 200 and "暂无已审核的数据" in response.content.decode()


def test_trends_organisation_list_is_escaped_ordered_and_marks_the_one_shown(client, history, township, county_officer):
    from .conftest import make_org

    odd = make_org('<b>"甲"</b>&乙镇', parent=history)
    client.force_login(county_officer)
    page = client.get(f"/county/{history.pk}/trends/?org={township.pk}").content.decode()
    assert f'<option value="{township.pk}" selected>西村乡人民政府</option>' in page
    assert f'<option value="{odd.pk}">&lt;b&gt;&quot;甲&quot;&lt;/b&gt;&amp;乙镇</option>' in page
    assert page.count(" selected>") == 1
    assert page.index(f'value="{odd.pk}"') < page.index(f'value="{township.pk}"')  # by code point, < before 西
