"""The public column on a phone: find the report, read it without the page scrolling sideways, get the PDF."""

from __future__ import annotations

import pytest

from tests.browser.conftest import login, screenshot
from tests.test_public_publishing import publish

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def phone(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="zh-CN", viewport=PHONE,
                                  device_scale_factor=2, is_mobile=True, has_touch=True)
    context.set_default_timeout(20_000)
    yield context.new_page()
    context.close()


def test_a_citizen_reads_a_published_report_on_a_phone_and_downloads_its_pdf(phone, report, approver):
    publish(report, approver)
    phone.goto("/gongkai/")
    assert "".join(phone.get_by_role("heading", level=1).inner_text().split()) == "修武县人民政府政府信息公开工作年度报告"
    screenshot(phone, "public-index-phone")
    phone.get_by_role("link", name=report.title).click()
    phone.wait_for_url(f"**/gongkai/{report.organisation_id}/2023/")
    assert phone.locator("article h1").inner_text().replace("\n", "") == report.title
    # The page never scrolls sideways; the wide 表三 scrolls inside its own frame.
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert phone.locator(".doc-table-wrap:has(table.t3)").evaluate("el => el.scrollWidth > el.clientWidth")
    body_size = phone.locator("article .doc-prose p").first.evaluate("el => parseFloat(getComputedStyle(el).fontSize)")
    assert body_size >= 15
    screenshot(phone, "public-report-phone")
    with phone.expect_download() as download:
        phone.get_by_role("link", name="下载 PDF").click()
    assert download.value.suggested_filename == f"{report.title}.pdf"


def test_a_drafter_previews_the_draft_with_its_watermark_and_downloads_the_pdf(page, report, drafter):
    login(page, "drafter")
    page.goto(f"/reports/{report.pk}/document/")
    assert page.locator(".doc-watermark").inner_text() == "草稿"
    assert page.locator("article h1").inner_text().replace("\n", "") == report.title
    screenshot(page, "document-draft-preview")
    with page.expect_download() as download:
        page.get_by_role("link", name="下载 PDF（草稿）").click()
    assert download.value.suggested_filename == f"{report.title}（草稿）.pdf"
