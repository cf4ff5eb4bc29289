"""Pages every site has, in the browser: printing a document page, the idle warning, the favicon."""

from __future__ import annotations

import subprocess
import time

import pytest
from django.contrib.sessions.backends.db import SessionStore
from playwright.sync_api import expect

from gkportal.idle import LAST_SEEN
from tests.browser.conftest import ARTIFACTS, login, screenshot
from tests.test_public_publishing import publish

pytestmark = pytest.mark.django_db(transaction=True)


def _pdf_text(pdf: bytes, name: str) -> str:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.pdf"
    path.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-png", "-r", "50", "-f", "1", "-l", "2", str(path), str(ARTIFACTS / name)], check=True)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


def test_printing_the_draft_preview_prints_the_document_without_the_navigation(page, report, drafter):
    login(page, "drafter")
    page.goto(f"/reports/{report.pk}/document/")
    page.emulate_media(media="print")
    assert not page.locator("nav.navbar").is_visible() and not page.locator(".doc-toolbar").is_visible()
    text = _pdf_text(page.pdf(prefer_css_page_size=True), "print-draft-preview")
    flat = "".join(text.split())
    assert "2023年政府信息公开工作年度报告" in flat and "三、收到和处理政府信息公开申请情况" in flat
    for chrome in ("待办", "退出", "修改密码", "下载PDF", "返回报告", "跳到正文"):
        assert chrome not in flat
    assert "—1—" in flat  # the page numbers of print.css


def test_printing_a_published_report_prints_the_document_only(page, report, approver):
    publish(report, approver)
    page.goto(f"/gongkai/{report.organisation_id}/2023/")
    text = _pdf_text(page.pdf(prefer_css_page_size=True), "print-public-report")
    flat = "".join(text.split())
    assert "三、收到和处理政府信息公开申请情况" in flat
    for chrome in ("文件校验", "表格数据（CSV）", "依据《中华人民共和国政府信息公开条例》"):
        assert chrome not in flat


def _age_session(page, live_server, seconds: float) -> None:
    key = next(c["value"] for c in page.context.cookies() if c["name"] == "sessionid")
    session = SessionStore(session_key=key)
    session[LAST_SEEN] = time.time() - seconds
    session.save()


def test_a_minute_before_the_idle_logout_the_page_warns_and_continue_keeps_the_session(page, live_server, drafter,
                                                                                        settings):
    settings.GKPORTAL_IDLE_MINUTES = 30
    login(page, "drafter")
    page.clock.install()
    page.goto("/help/")
    page.wait_for_load_state("networkidle")  # the page's own requests are done before the clock moves
    # 29 minutes pass with nobody touching the page: the server's record and the page's clock both move.
    _age_session(page, live_server, 30 * 60 - 58)
    page.clock.run_for("29:03")
    dialog = page.get_by_role("dialog", name="即将因长时间未操作而退出登录")
    dialog.wait_for()
    assert dialog.get_by_role("button", name="继续").evaluate("el => el === document.activeElement")
    screenshot(page, "idle-warning")
    dialog.get_by_role("button", name="继续").click()
    expect(page.locator("#idle-dialog")).not_to_be_visible()
    state = page.evaluate("fetch('/session/state/').then(r => r.json())")
    assert state["signed_in"] and state["seconds_left"] > 29 * 60


def test_a_session_kept_alive_elsewhere_gets_no_warning(page, live_server, drafter, settings):
    settings.GKPORTAL_IDLE_MINUTES = 30
    login(page, "drafter")
    page.clock.install()
    page.goto("/help/")
    page.clock.run_for("29:03")  # the server saw activity meanwhile (another tab, the editor's autosave)
    page.wait_for_timeout(500)
    assert not page.locator("#idle-dialog").evaluate("el => el.open")


def test_when_the_time_is_up_the_page_says_so_and_offers_to_sign_in_again(page, live_server, drafter, settings):
    settings.GKPORTAL_IDLE_MINUTES = 30
    login(page, "drafter")
    page.clock.install()
    page.goto("/help/")
    _age_session(page, live_server, 30 * 60 + 5)
    page.clock.run_for("29:03")
    dialog = page.get_by_role("dialog", name="已因长时间未操作退出登录")
    dialog.wait_for()
    link = dialog.get_by_role("link", name="重新登录")
    assert link.get_attribute("href") == "/accounts/login/?next=/help/"
    screenshot(page, "idle-expired")
    page.goto("/help/")  # the server agrees: signed out
    assert page.locator("nav.navbar").get_by_role("link", name="登录").is_visible()


def test_publishing_shows_what_will_be_published_and_its_progress(page, township, drafter, approver, county_officer):
    from reports.workflow import approve, submit
    from tests.workflow_support import complete_report

    report = complete_report(township)
    submit(report, by=drafter)
    approve(report, by=approver)
    login(page, "officer")
    page.goto(f"/reports/{report.pk}/")
    page.get_by_role("link", name="公开发布…").click()
    page.wait_for_url(f"**/reports/{report.pk}/publish/")
    assert page.get_by_test_id("publish-title").inner_text() == report.title
    assert page.locator(".publish-summary tbody tr").count() == 6
    assert page.get_by_role("link", name="预览全文（草稿，在新窗口打开）").get_attribute("href") == (
        f"/reports/{report.pk}/document/")
    screenshot(page, "publish-confirm")
    # The first press is held in the page (its navigation prevented), to look at the page while the request
    # would run; then the form goes.
    form = page.locator("form[data-publish-form]")
    form.evaluate("f => f.addEventListener('submit', e => e.preventDefault(), {once: true})")
    page.get_by_role("button", name="确认发布").click()
    busy = page.get_by_role("button", name="正在生成 PDF 并发布…")
    busy.wait_for()
    assert busy.is_disabled() and form.get_attribute("aria-busy") == "true"
    assert "正在生成 PDF 并发布" in page.get_by_role("status").filter(has_text="正在生成").inner_text()
    screenshot(page, "publish-progress")
    with page.expect_navigation():
        form.evaluate("f => f.submit()")
    page.wait_for_url(f"**/reports/{report.pk}/")
    assert page.get_by_test_id("status").inner_text() == "已公开发布"
