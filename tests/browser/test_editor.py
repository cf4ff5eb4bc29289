"""A clerk fills in a report: typing, checking as they type, pasting from Excel, the keyboard, and never
losing work (autosave, a reload, the network dropping, two people editing one section)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from reports.models import Report
from reports.services import save_values
from tests.conftest import Role, demo_values, make_report, make_user

from .conftest import login, screenshot

ERROR = re.compile(r"\bis-error\b")
WARNING = re.compile(r"\bis-warning\b")
REFUSED = re.compile(r"\bis-refused\b")
SAVED = re.compile(r"^已保存 \d\d:\d\d:\d\d$")


IDLE = "() => { const f = document.getElementById('editor-form'); return !f || f.dataset.busy !== '1'; }"


def settle(page):
    """Wait until the editor has nothing on its way to the server, so the database is not reset under it."""
    try:
        page.wait_for_function(IDLE, timeout=8000)
    except Exception:  # a closed or crashed page has nothing on its way either
        pass


@pytest.fixture
def page(new_page):
    p = new_page()
    yield p
    settle(p)


@pytest.fixture
def other_page(new_page):
    """A second person's browser (its own cookies and storage)."""
    p = new_page()
    yield p
    settle(p)


@pytest.fixture
def blank_report(township):
    return make_report(township, 2023)


def open_editor(page, report, section):
    page.set_viewport_size({"width": 1366, "height": 768})
    page.goto(f"/reports/{report.pk}/edit/{section}/")
    expect(page.locator("#check-state")).to_contain_text("已检查")


def cell(page, key):
    return page.locator("#cell-" + key.replace(".", "-"))


def wrap(page, key):
    return page.locator(f'[data-cell-wrap="{key}"]')


def retype(page, key, text):
    """Select the cell's content and type over it, as a person does."""
    target = cell(page, key)
    target.click()
    target.press("Control+A")
    page.keyboard.type(text)


def paste(page, text):
    """Put text on the clipboard and paste it with Ctrl+V into the focused cell."""
    page.evaluate("text => navigator.clipboard.writeText(text)", text)
    page.keyboard.press("Control+V")


def stored(report):
    return Report.objects.get(pk=report.pk).values()


def test_clerk_types_the_xicun_2023_numbers(page, blank_report, drafter):
    demo = demo_values()
    fmt = demo.format
    login(page, "drafter")

    open_editor(page, blank_report, "applications")
    cell(page, "table3.new.natural").click()
    for row in fmt.table3.entered_rows:
        for col in fmt.table3.entered_columns:
            page.keyboard.type(str(demo.table3[row.code][col.code]))
            page.keyboard.press("Tab")
    expect(page.locator("#save-status")).to_have_text(SAVED)
    expect(cell(page, "table3.new.total")).to_have_text("4")
    expect(cell(page, "table3.total.natural")).to_have_text("2")
    expect(cell(page, "table3.carry_forward.total")).to_have_text("2")
    expect(page.locator("#blank-panel")).to_be_hidden()
    expect(page.locator(".is-error")).to_have_count(0)
    expect(page.locator('[data-phrase="on_request"]')).to_have_text(
        "本年新收政府信息公开申请4件，上年结转0件，办结2件，其中予以公开2件、部分公开0件、不予公开0件、"
        "无法提供0件、不予处理0件、其他处理0件；结转下年度继续办理2件。"
    )

    open_editor(page, blank_report, "proactive")
    cell(page, "table2.regulations_issued").click()
    for _ in fmt.table2.cells:  # the nine counts and 行政事业性收费 (万元)
        page.keyboard.type("0")
        page.keyboard.press("Tab")
    expect(page.locator("#save-status")).to_have_text(SAVED)

    open_editor(page, blank_report, "review_litigation")
    cell(page, "table4.litigation_direct.maintained").click()
    for _ in range(8):  # the seed leaves the five 行政复议 cells blank; Tab skips the derived 总计
        page.keyboard.type("0")
        page.keyboard.press("Tab")
    expect(page.locator("#save-status")).to_have_text(SAVED)
    expect(cell(page, "table4.litigation_after_review.total")).to_have_text("0")
    expect(page.locator("#blank-count")).to_have_text("4")

    values = stored(blank_report)
    assert values.table3 == demo.table3
    assert values.table2 == demo.table2 and values.table2["fees_10k_yuan"] == demo.table2["fees_10k_yuan"]
    assert values.table4 == demo.table4


def test_an_unbalanced_column_turns_red_and_back(page, report, drafter):
    login(page, "drafter")
    open_editor(page, report, "applications")
    expect(page.locator("#no-findings")).to_be_visible()

    retype(page, "table3.new.natural", "5")
    for key in ("table3.new.natural", "table3.carried_over.natural", "table3.carry_forward.natural",
                "table3.total.natural"):
        expect(wrap(page, key)).to_have_class(ERROR)
    expect(wrap(page, "table3.new.legal")).not_to_have_class(ERROR)
    expect(cell(page, "table3.new.total")).to_have_text("5")
    expect(page.locator("#findings")).to_contain_text("第（七）项总计（自然人）为 2，但 一+二−四 = 3")
    message = page.locator("#msg-cell-table3-new-natural")
    expect(message).to_contain_text("一+二−四 = 3")
    expect(message).to_be_visible()  # the focused cell says why
    expect(cell(page, "table3.new.natural")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#save-status")).to_have_text(SAVED, timeout=30_000)  # an unbalanced draft still saves
    screenshot(page, "editor-table3-unbalanced")
    screenshot(page, "editor-table3-docs", full_page=False)  # what a 1366×768 screen shows

    retype(page, "table3.new.natural", "4")
    expect(page.locator("#no-findings")).to_be_visible()
    expect(page.locator("td.is-error")).to_have_count(0)
    expect(cell(page, "table3.new.natural")).not_to_have_attribute("aria-invalid", "true")


def test_the_live_region_speaks_when_the_findings_change_not_at_every_check(page, report, drafter):
    login(page, "drafter")
    open_editor(page, report, "applications")
    announce = page.locator("#check-announce")
    expect(announce).to_have_text("")  # opening the editor says nothing
    expect(page.locator("#check-state")).not_to_have_attribute("aria-live", "polite")
    retype(page, "table3.new.natural", "5")
    expect(announce).to_contain_text("错误")
    said = announce.text_content()
    retype(page, "table3.new.natural", "6")  # still unbalanced, the same errors: a new check, nothing new to say
    expect(cell(page, "table3.new.total")).to_have_text("6")
    expect(page.locator("#check-state")).to_contain_text("已检查")
    assert announce.text_content() == said
    retype(page, "table3.new.natural", "4")
    expect(announce).to_have_text("本部分没有发现问题。")


def test_pasting_the_printed_table_from_excel_fills_the_grid_and_checks_the_totals(page, blank_report, drafter):
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    demo = demo_values()
    printed = demo.to_json_dict()["table3"]  # 25 rows × 7 columns, as the printed table has them
    block = "\r\n".join("\t".join(str(v) for v in printed[r.code]) for r in demo.format.table3.rows) + "\r\n"
    login(page, "drafter")
    open_editor(page, blank_report, "applications")
    cell(page, "table3.new.natural").click()
    paste(page, block)

    notice = page.locator("#notice")
    expect(notice).to_contain_text("粘贴 25 行 × 7 列，填入 144 个单元格")
    expect(notice).to_contain_text("31 个数落在“总计”位置")
    expect(cell(page, "table3.new.natural")).to_have_value("4")
    expect(cell(page, "table3.carry_forward.natural")).to_have_value("2")
    expect(cell(page, "table3.total.natural")).to_have_text("2")
    expect(page.locator("#save-status")).to_have_text(SAVED)
    expect(page.locator("td.is-warning")).to_have_count(0)  # every pasted 总计 equals the sum
    assert stored(blank_report).table3 == demo.table3

    # A row whose pasted 总计 disagrees with its cells: the cells are taken, the 总计 flagged in amber.
    cell(page, "table3.granted.natural").click()
    paste(page, "1\t1\t0\t0\t0\t0\t5\n")
    expect(cell(page, "table3.granted.commercial")).to_have_value("1")
    expect(cell(page, "table3.granted.total")).to_have_text("2")
    expect(wrap(page, "table3.granted.total")).to_have_class(WARNING)
    expect(page.locator("#msg-cell-table3-granted-total")).to_contain_text("粘贴的总计为 5，但按各项相加为 2")
    expect(notice).to_contain_text("1 处与按各项相加的结果不一致")
    screenshot(page, "editor-table3-paste-mismatch")


def test_six_columns_pasted_from_the_second_column_stop_at_the_edge(page, blank_report, drafter):
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    login(page, "drafter")
    open_editor(page, blank_report, "applications")
    cell(page, "table3.new.commercial").click()
    paste(page, "1\t2\t3\t4\t5\t15\t99")
    expect(cell(page, "table3.new.other_org")).to_have_value("5")
    expect(cell(page, "table3.new.natural")).to_have_value("")
    expect(cell(page, "table3.new.total")).to_have_text("15")
    expect(page.locator("#notice")).to_contain_text("1 个数落在“总计”位置")
    expect(page.locator("#notice")).to_contain_text("超出表格的 1 个数没有粘贴")
    expect(page.locator("#check-state")).to_contain_text("已检查")
    expect(wrap(page, "table3.new.total")).not_to_have_class(WARNING)


def test_full_width_digits_and_separators_are_read_and_tidied(page, blank_report, drafter):
    login(page, "drafter")
    open_editor(page, blank_report, "applications")
    cell(page, "table3.new.natural").click()
    page.keyboard.type("１２")
    page.keyboard.press("Tab")
    page.keyboard.type("１，０００")
    page.keyboard.press("Tab")
    page.keyboard.type(" 3 ")
    page.keyboard.press("Tab")
    expect(cell(page, "table3.new.total")).to_have_text("1015")
    expect(cell(page, "table3.new.natural")).to_have_value("12")
    expect(cell(page, "table3.new.commercial")).to_have_value("1000")
    expect(page.locator("#save-status")).to_have_text(SAVED)
    values = stored(blank_report)
    assert (values.t3("new", "natural"), values.t3("new", "commercial"), values.t3("new", "research")) == (12, 1000, 3)


def test_a_refused_cell_is_not_a_zero_and_the_other_cells_save(page, report, drafter):
    login(page, "drafter")
    open_editor(page, report, "applications")
    retype(page, "table3.new.legal", "十二")
    page.keyboard.press("Tab")
    page.keyboard.type("-1")
    retype(page, "table3.denied_4.natural", "1.5")
    retype(page, "table3.other_3.natural", "1")  # a good number beside them
    page.keyboard.press("Tab")
    expect(wrap(page, "table3.new.legal")).to_have_class(REFUSED)
    expect(page.locator("#msg-cell-table3-new-legal")).to_have_text("待改正：请填写数字（整数）：“十二”不是数字。")
    expect(page.locator("#msg-cell-table3-new-other_org")).to_have_text("待改正：件数不能为负数。")
    expect(page.locator("#msg-cell-table3-denied_4-natural")).to_contain_text("不能有小数")
    status = page.locator("#save-status")
    expect(status).to_contain_text("3 个单元格待改正")
    # ... and nothing more to save: the refused text is not sent again and again (it was, every 3 s).
    expect(status).not_to_contain_text("之后还有修改")
    expect(page.locator("#findings")).to_contain_text("3 个单元格待改正")
    # Left out of the checks: no rule speaks of a number nobody typed (a letter is not a 0).
    expect(page.locator("#findings")).not_to_contain_text("本年没有新收申请")
    expect(wrap(page, "table3.new.natural")).not_to_have_class(ERROR)
    expect(cell(page, "table3.new.legal")).to_have_value("十二")  # nothing typed is lost
    screenshot(page, "editor-table3-refused")
    settle(page)
    values = stored(report)
    assert values.t3("other_3", "natural") == 1  # the good cell is saved
    assert (values.t3("new", "legal"), values.t3("new", "other_org"), values.t3("denied_4", "natural")) == (0, 0, 0)

    page.reload()  # the typed text survives a reload too (kept in the browser)
    expect(cell(page, "table3.new.legal")).to_have_value("十二")
    retype(page, "table3.new.legal", "0")
    retype(page, "table3.new.other_org", "0")
    retype(page, "table3.denied_4.natural", "0")
    page.keyboard.press("Tab")
    expect(page.locator("td.is-refused")).to_have_count(0)
    expect(page.locator("#save-status")).not_to_contain_text("待改正")
    expect(page.locator("#findings")).not_to_contain_text("待改正")


def test_keyboard_moves_through_the_grid_in_reading_order(page, report, drafter):
    login(page, "drafter")
    open_editor(page, report, "applications")
    cell(page, "table3.new.natural").click()
    page.keyboard.press("Enter")
    expect(cell(page, "table3.new.commercial")).to_be_focused()
    page.keyboard.press("ArrowDown")
    expect(cell(page, "table3.carried_over.commercial")).to_be_focused()
    page.keyboard.press("ArrowLeft")  # the whole value is selected: caret is not at the start, stay
    page.keyboard.press("Home")
    page.keyboard.press("ArrowLeft")
    expect(cell(page, "table3.carried_over.natural")).to_be_focused()
    page.keyboard.press("ArrowUp")
    expect(cell(page, "table3.new.natural")).to_be_focused()
    page.keyboard.press("Shift+Enter")
    expect(cell(page, "table3.new.natural")).to_be_focused()
    cell(page, "table3.new.other_org").click()
    page.keyboard.press("End")
    page.keyboard.press("ArrowRight")  # 总计 is derived: on to the next row
    expect(cell(page, "table3.carried_over.natural")).to_be_focused()
    cell(page, "table3.other_3.legal").click()
    page.keyboard.press("ArrowDown")  # （七）总计 is derived: down to 四、结转下年度
    expect(cell(page, "table3.carry_forward.legal")).to_be_focused()
    page.keyboard.press("Tab")
    expect(cell(page, "table3.carry_forward.other_org")).to_be_focused()


def test_every_cell_has_a_row_and_column_name_for_screen_readers(page, report, drafter):
    login(page, "drafter")
    open_editor(page, report, "applications")
    box = page.get_by_role("textbox", name="（三）不予公开3.危及“三安全一稳定”（社会公益组织）")
    expect(box).to_have_attribute("id", "cell-table3-denied_3-social")
    expect(page.get_by_label("四、结转下年度继续办理（自然人）")).to_have_value("2")
    open_editor(page, report, "review_litigation")
    expect(page.get_by_role("textbox", name="行政诉讼（复议后起诉）尚未审结")).to_have_value("0")
    open_editor(page, report, "proactive")
    fee = page.get_by_role("textbox", name="第二十条第（八）项 行政事业性收费（本年收费金额（单位：万元））")
    expect(fee).to_have_value("0")


def test_the_home_page_leads_to_a_finding_and_to_the_blank_cells(page, report, drafter):
    values = stored(report)
    values.table3["carry_forward"]["natural"] = 3
    save_values(report, values)
    login(page, "drafter")
    page.set_viewport_size({"width": 1366, "height": 768})
    page.goto(f"/reports/{report.pk}/")
    expect(page.locator('[data-section="applications"]')).to_contain_text("有错误")
    expect(page.locator('[data-section="review_litigation"]')).to_contain_text("填写中")
    screenshot(page, "report-home")
    page.get_by_role("link", name=re.compile(r"^第（七）项总计（自然人）为 2，但 一\+二−四 = 1")).click()
    expect(cell(page, "table3.new.natural")).to_be_focused()
    expect(wrap(page, "table3.new.natural")).to_have_class(ERROR)

    page.goto(f"/reports/{report.pk}/")
    page.get_by_role("link", name=re.compile(r"^继续填写\s*：四、政府信息公开行政复议、行政诉讼情况$")).click()
    expect(page.locator("#blank-count")).to_have_text("4")
    page.get_by_role("button", name="转到下一个").click()
    expect(cell(page, "table4.review.maintained")).to_be_focused()
    screenshot(page, "editor-table4")


def test_section_one_writes_the_standard_sentences_and_counts_characters(page, report, drafter):
    login(page, "drafter")
    open_editor(page, report, "overview")
    count = page.locator("#overview-count")
    before = int(count.inner_text())
    part = page.get_by_label("（四）政府信息公开平台建设")
    part.click()
    part.press("End")
    page.keyboard.type("新增 微信公众号。")
    expect(count).to_have_text(str(before + 8))
    page.get_by_role("button", name="生成标准表述").click()
    on_request = page.get_by_label("（二）依申请公开")
    expect(on_request).to_have_value(re.compile(
        r"^本年新收政府信息公开申请4件，上年结转0件，办结2件，其中予以公开2件、.*；结转下年度继续办理2件。$"))
    expect(page.locator("#notice")).to_contain_text("表四还有 4 个单元格未填写")
    expect(page.locator("#save-status")).to_have_text(SAVED, timeout=30_000)
    values = stored(report)
    assert values.prose["overview_on_request"].startswith("本年新收政府信息公开申请4件，上年结转0件，办结2件，其中")
    assert values.prose["overview_platform"].endswith("新增 微信公众号。")
    screenshot(page, "editor-overview")


# ---------------------------------------------------------------- never lose work


def test_autosave_after_typing_stops_survives_a_reload(page, report, drafter):
    login(page, "drafter")
    open_editor(page, report, "applications")
    retype(page, "table3.denied_4.natural", "7")  # no Tab: the clerk just stops typing
    expect(page.locator("#save-status")).to_have_text("有未保存的修改")
    expect(page.locator("#save-status")).to_have_text(SAVED, timeout=30_000)
    assert stored(report).t3("denied_4", "natural") == 7
    page.reload()
    expect(cell(page, "table3.denied_4.natural")).to_have_value("7")
    expect(cell(page, "table3.total.natural")).to_have_text("9")


def test_prose_is_saved_when_the_field_is_left(page, report, drafter):
    login(page, "drafter")
    open_editor(page, report, "problems")
    box = page.get_by_label("五、存在的主要问题及改进情况")
    box.fill("一是公开目录更新不及时。")
    expect(page.locator('[data-count-of="prose.problems"]')).to_have_text("12")
    box.press("Tab")
    expect(page.locator("#save-status")).to_have_text(SAVED)
    page.reload()
    expect(page.get_by_label("五、存在的主要问题及改进情况")).to_have_value("一是公开目录更新不及时。")


def test_a_save_after_a_colleague_submitted_is_refused_and_the_text_stays(page, report, drafter):
    login(page, "drafter")
    open_editor(page, report, "problems")
    Report.objects.filter(pk=report.pk).update(status=Report.Status.SUBMITTED)  # a colleague submits it
    box = page.get_by_label("五、存在的主要问题及改进情况")
    box.fill("提交之后才写的文字。")
    box.press("Tab")
    status = page.locator("#save-status")
    expect(status).to_contain_text("已锁定")
    expect(status).to_contain_text("修改已保存在本机浏览器中")
    expect(box).to_have_value("提交之后才写的文字。")
    screenshot(page, "editor-locked")
    kept = page.evaluate("() => Object.keys(localStorage).map(k => localStorage.getItem(k)).join()")
    assert "提交之后才写的文字。" in kept
    assert stored(report).prose["problems"] != "提交之后才写的文字。"


def test_edits_made_offline_are_kept_and_saved_when_the_network_returns(page, report, drafter):
    login(page, "drafter")
    open_editor(page, report, "applications")
    page.context.set_offline(True)
    retype(page, "table3.unable_1.natural", "5")
    page.keyboard.press("Tab")
    expect(page.locator("#save-status")).to_contain_text("网络已断开")
    expect(page.locator("#check-state")).to_contain_text("网络不通")
    screenshot(page, "editor-offline")
    assert stored(report).t3("unable_1", "natural") == 0
    page.context.set_offline(False)
    expect(page.locator("#save-status")).to_have_text(SAVED, timeout=30_000)
    assert stored(report).t3("unable_1", "natural") == 5
    expect(wrap(page, "table3.new.natural")).to_have_class(re.compile(r"\bis-error\b"))  # 4+0 ≠ 7+0


def test_edits_of_a_closed_offline_page_come_back_from_the_browser(page, report, drafter):
    login(page, "drafter")
    open_editor(page, report, "applications")
    context = page.context
    context.set_offline(True)
    retype(page, "table3.other_3.natural", "1")
    page.keyboard.press("Tab")
    expect(page.locator("#save-status")).to_contain_text("网络已断开")
    page.close()  # the clerk shuts the laptop
    context.set_offline(False)
    again = context.new_page()
    open_editor(again, report, "applications")
    expect(again.locator("#notice")).to_contain_text("已恢复您在本机")
    expect(cell(again, "table3.other_3.natural")).to_have_value("1")
    expect(again.locator("#save-status")).to_have_text(SAVED)
    settle(again)
    assert stored(report).t3("other_3", "natural") == 1


def test_two_people_editing_one_section_lose_nothing(page, other_page, report, drafter):
    make_user("drafter2", report.organisation, Role.DRAFTER)
    a, b = page, other_page
    login(a, "drafter")
    login(b, "drafter2")
    open_editor(a, report, "applications")
    open_editor(b, report, "applications")

    # Different cells: merged without a question.
    retype(a, "table3.new.commercial", "1")
    a.keyboard.press("Tab")
    expect(a.locator("#save-status")).to_have_text(SAVED)
    retype(b, "table3.carry_forward.commercial", "1")
    b.keyboard.press("Tab")
    expect(b.locator("#notice")).to_contain_text("已与您的修改合并")
    expect(b.locator("#save-status")).to_have_text(SAVED)
    expect(cell(b, "table3.new.commercial")).to_have_value("1")
    values = stored(report)
    assert (values.t3("new", "commercial"), values.t3("carry_forward", "commercial")) == (1, 1)

    # The same cell, changed differently by both: the second person chooses, cell by cell.
    retype(a, "table3.granted.commercial", "2")
    a.keyboard.press("Tab")
    expect(a.locator("#save-status")).to_have_text(SAVED)
    expect(cell(a, "table3.carry_forward.commercial")).to_have_value("1")  # a merged b's edit on the way
    retype(b, "table3.granted.commercial", "3")
    b.keyboard.press("Tab")
    conflict = b.locator("#conflict")
    expect(conflict).to_be_visible()
    expect(conflict).to_contain_text("（一）予以公开（商业企业）")
    expect(wrap(b, "table3.granted.commercial")).to_have_class(re.compile(r"\bis-conflict\b"))
    screenshot(b, "editor-conflict")
    assert stored(report).t3("granted", "commercial") == 2  # nothing overwritten while b decides
    b.get_by_role("button", name="按所选保存").click()
    expect(b.locator("#save-status")).to_contain_text("还有 1 个单元格没有选择")
    b.get_by_label("（一）予以公开（商业企业）：用我的 3").check()
    b.get_by_role("button", name="按所选保存").click()
    expect(conflict).to_be_hidden()
    expect(b.locator("#save-status")).to_have_text(SAVED)
    values = stored(report)
    assert (values.t3("new", "commercial"), values.t3("carry_forward", "commercial"),
            values.t3("granted", "commercial")) == (1, 1, 3)

    a.reload()
    expect(cell(a, "table3.granted.commercial")).to_have_value("3")
    expect(cell(a, "table3.carry_forward.commercial")).to_have_value("1")


def test_edits_of_one_paragraph_in_two_tabs_merge_and_only_overlaps_are_asked(page, report, drafter):
    base = "一是公开目录更新不及时。二是依申请公开答复不规范。三是培训不够。"
    values = stored(report)
    values.prose["problems"] = base
    save_values(report, values, prose=True)
    login(page, "drafter")
    second = page.context.new_page()  # the same person, a second tab
    open_editor(page, report, "problems")
    open_editor(second, report, "problems")
    box_a = page.get_by_label("五、存在的主要问题及改进情况")
    box_b = second.get_by_label("五、存在的主要问题及改进情况")

    # Different places of the paragraph: merged by themselves.
    box_a.fill(base.replace("更新不及时。", "更新不及时，部分栏目长期空白。"))
    box_a.press("Tab")
    expect(page.locator("#save-status")).to_have_text(SAVED)
    box_b.fill(base.replace("三是培训不够。", "三是业务培训不够深入。"))
    box_b.press("Tab")
    notice = second.locator("#notice")
    expect(notice).to_contain_text("您在另一个窗口/标签页中")
    expect(notice).to_contain_text("同一段中不同位置的修改已逐字合并")
    expect(notice).not_to_contain_text("其他同事")
    merged = "一是公开目录更新不及时，部分栏目长期空白。二是依申请公开答复不规范。三是业务培训不够深入。"
    expect(box_b).to_have_value(merged)
    expect(second.locator("#save-status")).to_have_text(SAVED)
    settle(second)
    assert stored(report).prose["problems"] == merged

    # The same place changed differently: asked, both shown with the difference marked.
    page.reload()
    expect(box_a).to_have_value(merged)
    second.reload()
    expect(box_b).to_have_value(merged)
    box_a.fill(merged.replace("二是依申请公开答复不规范。", "二是答复文书格式不统一。"))
    box_a.press("Tab")
    expect(page.locator("#save-status")).to_have_text(SAVED)
    box_b.fill(merged.replace("二是依申请公开答复不规范。", "二是答复超期两件。"))
    box_b.press("Tab")
    conflict = second.locator("#conflict")
    expect(conflict).to_be_visible()
    expect(second.locator("#conflict-title")).to_contain_text("您在另一个窗口/标签页中")
    expect(conflict.locator("thead")).to_contain_text("另一个窗口保存的")
    expect(conflict.locator("del").first).to_be_visible()
    expect(conflict.locator("ins").first).to_be_visible()
    expect(conflict.locator("del")).to_contain_text(["文书格式不统一"])
    expect(conflict.locator("ins")).to_contain_text(["超期两件"])
    screenshot(second, "editor-prose-conflict")
    conflict.get_by_role("button", name="全部用我的").click()
    expect(second.locator("#save-status")).to_have_text(SAVED)
    settle(second)
    settle(page)
    assert "二是答复超期两件。" in stored(report).prose["problems"]
