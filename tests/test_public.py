"""The public column: no login, by organisation and year, frozen bytes, numbers as JSON and CSV, corrections."""

from __future__ import annotations

import csv
import io
import json

import pytest

from reports.catalogue import get_format
from reports.models import Publication, Report

from .conftest import demo_values, make_report
from .rendering_support import parse, table_grid
from .test_public_publishing import publish

pytestmark = pytest.mark.django_db

FMT = get_format()


@pytest.fixture(autouse=True)
def quick_pdf(monkeypatch):
    """These tests are about serving stored bytes: a stand-in PDF (one per HTML) keeps them fast.

    The real PDF is tested in test_rendering_pdf.py and test_public_publishing.py.
    """
    import hashlib

    def fake(html: str, **kwargs):
        return b"%PDF-1.7 stand-in " + hashlib.sha256(html.encode()).hexdigest().encode(), 1

    monkeypatch.setattr("reports.publishing.html_to_pdf_pages", fake)


@pytest.fixture
def published(report, approver) -> Report:
    publish(report, approver)
    return report


def _base(report: Report) -> str:
    return f"/gongkai/{report.organisation_id}/{report.year}"


def test_the_index_lists_published_reports_by_year_for_anyone(client, published, sibling):
    make_report(sibling, 2023, demo_values())  # a draft: never listed
    page = client.get("/gongkai/").content.decode()
    assert "修武县人民政府" in page  # the column's owner
    assert "2023年度" in page
    assert f'href="{_base(published)}/"' in page and published.title in page
    assert "郇封镇人民政府2023年" not in page
    org_page = client.get(f"/gongkai/{published.organisation_id}/").content.decode()
    assert published.title in org_page


def test_an_empty_column_says_so(client, db):
    assert "暂无公开发布的年度报告" in client.get("/gongkai/").content.decode()


def test_the_report_page_shows_the_frozen_document_and_its_downloads(client, published):
    response = client.get(_base(published) + "/")
    assert response.status_code == 200
    page = response.content.decode()
    doc = parse(page)
    assert doc.xpath("//article//h1")[0].text_content() == published.title
    assert [h.text_content() for h in doc.xpath("//article//h2")] == [s.heading for s in FMT.sections]
    grid = table_grid(doc.xpath("//table[contains(@class,'t3')]")[0])
    assert grid[3][3:] == ["4", "0", "0", "0", "0", "0", "4"]
    for name in ("report.pdf", "data.csv", "data.json"):
        assert f'href="{_base(published)}/{name}"' in page
    assert 'name="viewport"' in page
    assert "草稿" not in page


def test_the_pdf_download_is_the_frozen_file(client, published):
    publication = Publication.objects.get(report=published)
    response = client.get(_base(published) + "/report.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.getvalue() == bytes(publication.pdf)
    assert response["ETag"] == f'"{publication.pdf_sha256}"'
    assert "attachment" in response["Content-Disposition"]
    again = client.get(_base(published) + "/report.pdf", HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304 and again.content == b""


def test_the_numbers_as_json_are_those_published(client, published):
    data = json.loads(client.get(_base(published) + "/data.json").content)
    values = published.values()
    assert data["organisation"] == "西村乡人民政府" and data["year"] == 2023 and data["publication"] == 1
    assert data["table3"] == {row.code: values.t3_row(row.code) for row in FMT.table3.rows}
    assert data["table4"]["review"]["total"] is None and data["table4"]["litigation_direct"]["total"] == 0
    assert data["table2"]["fees_10k_yuan"] == "0"
    assert len(data["pdf_sha256"]) == 64


def test_the_numbers_as_csv_carry_the_labels_and_keep_blanks_blank(client, published):
    response = client.get(_base(published) + "/data.csv")
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0] == ["表", "行代码", "行", "列代码", "列", "数值"]
    body = rows[1:]
    assert len(body) == 6 + 4 + len(FMT.table3.rows) * len(FMT.table3.columns) + 15
    assert ["表三", "new", "一、本年新收政府信息公开申请数量", "natural", "自然人", "4"] in body
    assert ["表三", "denied_3", "（三）不予公开3.危及“三安全一稳定”", "total", "总计", "0"] in body
    assert ["表四", "review", "行政复议", "maintained", "结果维持", ""] in body
    assert ["表二", "fees_10k_yuan", "行政事业性收费", "value", "本年收费金额（单位：万元）", "0"] in body


def test_a_corrected_report_shows_the_latest_with_its_note_and_links_to_the_originals(client, published, approver):
    first = Publication.objects.get(report=published)
    values = published.values()
    values.prose["other_matters"] = "2023年，本单位未收取信息处理费（更正版）。"
    from reports.services import save_values

    save_values(published, values)
    publish(published, approver, note="更正了第六部分的表述。")
    page = client.get(_base(published) + "/").content.decode()
    assert "（更正版）" in page and "更正了第六部分的表述。" in page
    assert f'href="{_base(published)}/v1.pdf"' in page and f'href="{_base(published)}/v1.html"' in page
    assert f'href="{_base(published)}/v2.pdf"' in page
    original = client.get(_base(published) + "/v1.pdf")
    assert original.getvalue() == bytes(first.pdf)
    assert original["Cache-Control"] == "public, max-age=31536000, immutable"
    assert client.get(_base(published) + "/v1.html").getvalue() == first.html.encode("utf-8")
    latest = Publication.objects.get(report=published, number=2)
    assert client.get(_base(published) + "/report.pdf").getvalue() == bytes(latest.pdf)
    index = client.get("/gongkai/").content.decode()
    assert "更正" in index


def test_an_organisation_name_leads_to_the_stable_url(client, published):
    response = client.get("/gongkai/西村乡人民政府/2023/")
    assert response.status_code == 302 and response["Location"] == _base(published) + "/"
    assert client.get("/gongkai/西村乡/").headers["Location"] == f"/gongkai/{published.organisation_id}/"


@pytest.mark.parametrize("path", [
    "/gongkai/999/2023/", "/gongkai/{org}/2022/", "/gongkai/{org}/2023/v9.pdf", "/gongkai/{org}/2023/v0.html",
    "/gongkai/{org}/1999/data.json", "/gongkai/没有这个机关/2023/", "/gongkai/999/",
])
def test_what_does_not_exist_is_a_404_not_an_error(client, published, path):
    assert client.get(path.format(org=published.organisation_id)).status_code == 404


def test_an_unpublished_report_has_no_public_page(client, report):
    Report.objects.filter(pk=report.pk).update(status=Report.Status.PUBLISHED)  # state without a frozen version
    assert client.get(_base(report) + "/").status_code == 404
    assert client.get(_base(report) + "/report.pdf").status_code == 404
