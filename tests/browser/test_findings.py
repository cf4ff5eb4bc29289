"""A drafter reads the findings of a report, follows one to its cell, and acknowledges a warning."""

from playwright.sync_api import expect

from reports.services import save_values

from .conftest import login, screenshot


def test_drafter_reads_findings_and_acknowledges_a_warning(page, report, drafter):
    values = report.values()
    values.prose["problems"] = "无。"
    values.prose["overview_on_request"] = "本机关收到政府信息公开申请 4 条，剩余 2 条截转到下一年办理。"
    save_values(report, values)

    login(page, "drafter")
    page.get_by_role("link", name=report.title).click()
    page.get_by_role("link", name="检查结果").click()
    expect(page.locator("h1")).to_have_text("检查结果")
    expect(page.locator('[data-count="error"]')).to_have_text("错误 1")
    expect(page.locator('[data-count="warning"]')).to_have_text("提示 2")
    review = page.locator("#section-review_litigation")
    expect(review).to_contain_text("表四 行政复议的结果维持、结果纠正、其他结果、尚未审结为空")
    expect(page.locator("#section-overview")).to_contain_text("“截转”疑为笔误，应为“结转”")
    screenshot(page, "findings-desktop")

    problems = page.locator("#section-problems")
    problems.get_by_label("说明（可选）").fill("本年依申请公开仅 4 件，工作中未发现突出问题。")
    problems.get_by_role("button", name="确认此提示").click()
    expect(page.locator(".alert-success").first).to_contain_text("已确认这条提示")
    expect(problems.locator(".acknowledgement")).to_contain_text("说明：本年依申请公开仅 4 件，工作中未发现突出问题。")
    expect(page.locator('[data-count="acknowledged"]')).to_have_text("已确认提示 1")
    expect(page.locator("#gate")).to_contain_text("还有 2 项需要处理")

    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    screenshot(page, "findings-phone")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the findings page scrolls sideways on a phone ({width}px)"
    screenshot(page, "findings-phone")

    review.get_by_role("link", name="定位到单元格").click()
    page.wait_for_url(f"**/reports/{report.pk}/**")
    assert page.url.endswith("#cell-table4-review-maintained")
