"""Publishing through its confirmation page as the county office does: the request really in flight shows
progress, and a confirmation made before the report changed is refused and can be made again."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect

from reports.models import Report
from reports.workflow import STALE_CONFIRMATION, approve, reopen, submit
from tests.workflow_support import complete_report

from .conftest import login, screenshot

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def ready(township, drafter, approver):
    report = complete_report(township)
    submit(report, by=drafter)
    approve(report, by=approver)
    return report


def test_a_stale_confirmation_is_refused_then_confirmed_again_with_progress_while_it_publishes(
        page, ready, drafter, approver, county_officer):
    login(page, "officer")
    page.goto(f"/reports/{ready.pk}/publish/")
    expect(page.get_by_test_id("publish-title")).to_have_text(ready.title)
    expect(page.get_by_test_id("publish-organisation")).to_have_text("西村乡人民政府")
    expect(page.get_by_test_id("publish-consequence")).to_contain_text("冻结保存")

    # While the page is open, the report goes round again: the confirmation on the page is now stale.
    reopen(ready, by=approver, comment="更正")
    submit(ready, by=drafter)
    approve(ready, by=approver)
    page.get_by_role("button", name="确认发布").click()
    expect(page.locator("#form-refused[role=alert]")).to_contain_text(STALE_CONFIRMATION)
    assert Report.objects.get(pk=ready.pk).status == Report.Status.APPROVED
    screenshot(page, "publish-stale")

    # Confirmed again. What the page shows while the server renders the PDF (~3 s) is recorded by an observer in
    # the page into sessionStorage, which outlives the navigation (Playwright's reads wait for the navigation).
    page.evaluate("""() => {
      const form = document.querySelector('form[data-publish-form]'), b = form.querySelector('button[type=submit]');
      const p = form.querySelector('.publish-progress');
      new MutationObserver(() => sessionStorage.setItem('seen', JSON.stringify({
        disabled: b.disabled, text: b.textContent.trim(), spinner: !!b.querySelector('.spinner-border'),
        live: p.getAttribute('aria-live'), progress: p.textContent, busy: form.getAttribute('aria-busy')})))
        .observe(form, {subtree: true, attributes: true, childList: true, characterData: true});
    }""")
    posts = []
    page.on("request", lambda r: posts.append(r.url) if r.method == "POST" else None)
    page.get_by_role("button", name="确认发布").click()
    page.wait_for_url(f"**/reports/{ready.pk}/")
    expect(page.get_by_test_id("status")).to_have_text("已公开发布")
    assert Report.objects.get(pk=ready.pk).publications.count() == 1
    seen = json.loads(page.evaluate("() => sessionStorage.getItem('seen')"))
    assert seen["disabled"] and seen["text"] == "正在生成 PDF 并发布…" and seen["spinner"], seen
    assert seen["live"] == "polite" and "正在生成 PDF 并发布" in seen["progress"] and seen["busy"] == "true", seen
    assert len(posts) == 1
