"""The consolidated .xlsx made by a task: its job page offers the file in place when the task has ended."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from reports import tasks
from reports.models import BackgroundJob, Report

from tests.conftest import complete_values, make_report

from .axe import axe_violations, describe, serious
from .conftest import login, screenshot

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("width", [1366, 375])
def test_the_job_page_offers_the_xlsx_when_it_is_made(new_page, county, township, county_officer, width):
    make_report(township, 2023, complete_values(), status=Report.Status.APPROVED)
    job = tasks.create_county_xlsx_job(county_officer, county, 2023)
    BackgroundJob.objects.filter(pk=job.pk).update(status=BackgroundJob.Status.RUNNING, done=1, total=3,
                                                   step="汇总下属机关的报告")
    page = new_page(width=width)
    login(page, "officer")
    page.goto(f"/jobs/{job.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("汇总表导出：修武县2023年度")
    status = page.locator("#job-status")
    expect(status).to_contain_text("第 1 步，共 3 步：汇总下属机关的报告")
    page.evaluate("window.__samePage = true")  # gone if the page reloads

    tasks.start(job)  # the work, done here as a worker would: the page notices without reloading
    link = status.get_by_role("link", name="下载汇总表（.xlsx）")
    expect(link).to_be_visible()
    expect(status).to_contain_text("约 30 天")
    assert page.evaluate("window.__samePage === true")
    assert describe(page.url, serious(axe_violations(page))) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    with page.expect_download() as download:
        link.click()
    assert download.value.suggested_filename == "修武县2023年度政府信息公开工作年度报告汇总表.xlsx"
    screenshot(page, f"county-xlsx-job-done-{width}")
