"""The background job's page follows its task in place: no reload, the live region says what changed."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from reports.models import BackgroundJob
from tests.workflow_support import complete_report

from .axe import axe_violations, describe, serious
from .conftest import login, screenshot

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("width", [1366, 375])
def test_the_job_page_follows_the_task_to_its_end_without_reloading(new_page, township, county_officer, width):
    report = complete_report(township)
    job = BackgroundJob.objects.create(kind=BackgroundJob.Kind.PUBLISH, user=county_officer, report=report,
                                       status=BackgroundJob.Status.RUNNING, done=1, total=4, step="生成 PDF")
    page = new_page(width=width)
    login(page, "officer")
    page.goto(f"/jobs/{job.pk}/")
    status = page.locator("#job-status")
    expect(status).to_contain_text("第 1 步，共 4 步：生成 PDF")
    assert page.locator('head meta[http-equiv="refresh"]').count() == 0  # only inside <noscript>
    assert describe(page.url, serious(axe_violations(page))) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.evaluate("window.__samePage = true")  # gone if the page reloads

    BackgroundJob.objects.filter(pk=job.pk).update(done=3, step="写入公开版本")
    expect(status).to_contain_text("第 3 步，共 4 步：写入公开版本")
    BackgroundJob.objects.filter(pk=job.pk).update(status=BackgroundJob.Status.FAILED, error="缺少中文字体")
    expect(status).to_contain_text("失败：缺少中文字体")
    expect(page.locator("#job-actions").get_by_role("button", name="重试")).to_be_visible()
    assert page.evaluate("window.__samePage === true")
    assert page.locator("#job-body[data-refresh]").count() == 0  # it stopped asking
    screenshot(page, f"job-failed-{width}")
