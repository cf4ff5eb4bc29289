"""A 2020 report in the 2019 trial format, in the browser: its own 表二 in the editor (a negative 本年增/减
is a number, a negative 上一年项目数量 is refused at its cell), the document page and the PDF."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from reports.models import Report
from tests.conftest import make_report
from tests.test_format_2019 import trial_values

from .conftest import login, screenshot
from .test_editor import REFUSED, SAVED, cell, open_editor, retype, settle, wrap


def test_a_clerk_fills_the_trial_format_and_reads_the_document(page, township, drafter):
    report = make_report(township, 2020, trial_values())
    login(page, "drafter")
    open_editor(page, report, "proactive")
    grid = page.locator("[data-grid]")
    for label in ("本年新制作数量", "其他对外管理服务事项", "本年增/减", "政府集中采购", "采购总金额"):
        expect(grid).to_contain_text(label)
    expect(grid).not_to_contain_text("本年制发件数")

    retype(page, "table2.licensing_change", "-7")
    page.keyboard.press("Tab")
    expect(page.locator("#save-status")).to_have_text(SAVED)
    expect(wrap(page, "table2.licensing_change")).not_to_have_class(REFUSED)

    retype(page, "table2.licensing_previous", "-1")
    page.keyboard.press("Tab")
    expect(wrap(page, "table2.licensing_previous")).to_have_class(REFUSED)
    expect(wrap(page, "table2.licensing_previous")).to_contain_text("负数")
    retype(page, "table2.licensing_previous", "15")  # back to what is stored: nothing more to save
    page.keyboard.press("Tab")
    expect(wrap(page, "table2.licensing_previous")).not_to_have_class(REFUSED)
    expect(page.locator("#save-status")).to_have_class(re.compile(r"\bstatus-saved\b"))
    settle(page)
    screenshot(page, "format_2019_editor")

    stored = Report.objects.get(pk=report.pk).values()
    assert stored.table2["licensing_change"] == -7 and stored.table2["licensing_previous"] == 15

    page.reload()
    expect(cell(page, "table2.licensing_change")).to_have_value("-7")

    page.goto(f"/reports/{report.pk}/document/")
    table = page.locator("table.t2")
    expect(table.locator('[data-cell="table2.licensing_change"]')).to_have_text("-7")
    expect(table.locator('[data-cell="table2.procurement_amount"]')).to_have_text("86.25")
    expect(page.locator("table.t3")).to_contain_text("（六）其他处理")
    expect(page.locator("table.t3")).not_to_contain_text("逾期不补正")
    screenshot(page, "format_2019_document")
    response = page.request.get(f"/reports/{report.pk}/document.pdf")
    assert response.ok and response.headers["content-type"] == "application/pdf"
    assert re.match(rb"%PDF-", response.body())
