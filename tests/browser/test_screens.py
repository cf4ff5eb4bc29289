"""Every screen (issue 16, point 6): the editors and the document pages from 360 px to 1920 px and with the
browser's default font at 24 px. Geometry is asserted, not pixels: row labels keep a readable width, the page
never scrolls sideways, no cell hides under another element, wide tables fit or scroll inside a focusable,
labelled region, and the save status stays in sight of the cells being typed.

The 24 px default font is the reader's browser setting, not page CSS: a persistent Chromium profile whose
Preferences set webkit.webprefs.default_font_size (what chrome://settings/fonts writes). Every rem, em and
em-based media query follows it, as it does for a reader who chose it.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from reports.models import Report
from tests.test_public_publishing import publish

from ..conftest import complete_values, make_report
from .conftest import CHROMIUM, login, screenshot

pytestmark = pytest.mark.django_db(transaction=True)

SHOTS = Path(os.environ.get("GKPORTAL_SCREENS_DIR", "/tmp/screens"))

# Each input scrolled into view at once (Bootstrap makes scrolling smooth), then the element found at its
# centre: the input itself, or something covering it.
COVERED_INPUTS = """() => {
  const covered = [];
  for (const input of document.querySelectorAll('#editor-form input:not([type=hidden]), #editor-form textarea')) {
    input.scrollIntoView({block: 'center', inline: 'nearest', behavior: 'instant'});
    const b = input.getBoundingClientRect();
    const hit = document.elementFromPoint(b.x + b.width / 2, b.y + Math.min(b.height / 2, 12));
    if (hit !== input) covered.push(`${input.id} under ${hit ? hit.tagName + '.' + hit.className : 'nothing'}`);
  }
  window.scrollTo({top: 0, left: 0, behavior: 'instant'});
  return covered;
}"""

ROW_LABELS = """() => [...document.querySelectorAll('table.t3-grid tbody th')].map(th => {
  const b = th.getBoundingClientRect(), region = th.closest('[role=region]').getBoundingClientRect();
  return {text: th.textContent.trim(), width: b.width, height: b.height,
          inside: b.left >= region.left - 1 && b.right <= region.right + 1 && b.left >= 0 && b.right <= innerWidth + 1};
})"""

WIDE_TABLES = """() => [...document.querySelectorAll('table')].filter(t => t.offsetParent).map(t => {
  let box = t.parentElement;
  const fits = t.getBoundingClientRect().right <= box.getBoundingClientRect().right + 1
    && t.getBoundingClientRect().right <= innerWidth + 1;
  const region = t.closest('[role=region]');
  return {table: t.className, fits, region: !!region,
          label: region ? region.getAttribute('aria-label') : null,
          focusable: region ? region.tabIndex === 0 : false,
          scrolls: region ? ['auto', 'scroll'].includes(getComputedStyle(region).overflowX) : false};
})"""


def no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= innerWidth + 1")


def shot(page, name: str, full_page: bool = True) -> None:
    screenshot(page, name, full_page=full_page, folder=SHOTS)


@pytest.fixture
def reports(township, sibling, drafter, approver):
    """西村乡's complete draft (the drafter edits it) and 郇封镇's published report."""
    draft = make_report(township, 2023, complete_values())
    published = make_report(sibling, 2023, complete_values(), status=Report.Status.APPROVED)
    publish(published, approver)
    return {"draft": draft, "published": published}


@pytest.fixture
def at_width(new_page):
    """A new page at `width` × `height` (its own context): new_page with another window size."""
    return lambda width, height=800: new_page(width, height)


@pytest.fixture
def large_font(browser, live_server, tmp_path):
    """A 1366 × 768 window whose reader set the browser's default font size to 24 px."""
    profile = tmp_path / "profile"
    (profile / "Default").mkdir(parents=True)
    (profile / "Default" / "Preferences").write_text(
        json.dumps({"webkit": {"webprefs": {"default_font_size": 24}}}), encoding="utf-8")
    context = browser.browser_type.launch_persistent_context(
        str(profile), executable_path=CHROMIUM, headless=True, args=["--no-sandbox", "--disable-gpu"],
        base_url=live_server.url, locale="zh-CN", viewport={"width": 1366, "height": 768})
    context.set_default_timeout(20_000)
    page = context.pages[0] if context.pages else context.new_page()
    yield page
    context.close()


def assert_table3_editor_works(page, report, name: str) -> None:
    page.goto(f"/reports/{report.pk}/edit/applications/")
    labels = page.evaluate(ROW_LABELS)
    assert len(labels) >= 25
    narrow = [(l["text"], round(l["width"])) for l in labels if l["width"] <= 40 or l["height"] <= 0]
    assert not narrow, narrow
    hidden = [l["text"] for l in labels if not l["inside"]]
    assert not hidden, hidden
    assert no_sideways_scroll(page)
    region = page.get_by_role("region", name="三、收到和处理政府信息公开申请情况")
    # Either the grid scrolls inside its focusable region, or (on a phone) it is a row-by-row form that fits.
    assert region.evaluate("""el => el.tabIndex === 0 && (getComputedStyle(el).overflowX === 'auto'
                                    || el.querySelector('table').getBoundingClientRect().right <= innerWidth)""")
    shot(page, f"{name}-t3-editor")
    assert page.evaluate(COVERED_INPUTS) == []
    # Typing in the middle of the grid, the save status is in the window (not 5,000 px below it).
    cell = page.locator("#cell-table3-denied_3-natural")
    cell.fill("1")
    cell.press("Tab")
    expect(page.locator("#save-status")).to_have_text(re.compile("^已保存"))
    assert page.locator("#cell-table3-denied_3-natural").is_visible()
    assert page.locator("#save-status").evaluate(
        "el => { const b = el.getBoundingClientRect(); return b.top >= 0 && b.bottom <= innerHeight && b.width > 40; }")
    shot(page, f"{name}-t3-editor-typing", full_page=False)  # the window as the clerk sees it


def assert_document_tables_fit_or_scroll(page, url: str, name: str, must_fit: bool = False) -> None:
    page.goto(url)
    assert no_sideways_scroll(page)
    tables = page.evaluate(WIDE_TABLES)
    assert {"doc-table t3", "doc-table t4"} <= {t["table"] for t in tables}
    for t in tables:
        assert t["fits"] or not must_fit, t
        if not t["fits"]:
            assert t["region"] and t["label"] and t["focusable"] and t["scrolls"], t
    shot(page, name)


def test_at_360_px_table3_keeps_its_labels_and_the_save_status_in_sight(at_width, reports):
    page = at_width(360)
    login(page, "drafter")
    assert_table3_editor_works(page, reports["draft"], "360")
    # A row-by-row form: each cell is introduced by its column's name, and fits the window.
    cell = page.locator('td[data-cell-wrap="table3.granted.total"]')
    assert cell.evaluate("el => getComputedStyle(el, '::before').content") == '"总计"'
    assert page.locator("#cell-table3-granted-other_org").evaluate(
        "el => el.getBoundingClientRect().right <= innerWidth && el.getBoundingClientRect().width >= 40")
    for section in ("overview", "proactive", "review_litigation", "problems", "other_matters"):
        page.goto(f"/reports/{reports['draft'].pk}/edit/{section}/")
        assert no_sideways_scroll(page), section
        assert page.evaluate(COVERED_INPUTS) == [], section
    shot(page, "360-other-matters-editor")
    assert_document_tables_fit_or_scroll(page, f"/reports/{reports['draft'].pk}/document/", "360-draft-document")
    p = reports["published"]
    assert_document_tables_fit_or_scroll(page, f"/gongkai/{p.organisation_id}/2023/", "360-public-report")


def test_with_a_24_px_default_font_nothing_collapses_or_hides_under_the_side_panel(large_font, reports):
    page = large_font
    login(page, "drafter")
    assert page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)") == 24  # the setting took
    assert_table3_editor_works(page, reports["draft"], "font24")
    page.goto(f"/reports/{reports['draft'].pk}/edit/review_litigation/")
    assert no_sideways_scroll(page)
    assert page.evaluate(COVERED_INPUTS) == []
    shot(page, "font24-t4-editor")
    page.goto(f"/reports/{reports['draft'].pk}/")
    assert no_sideways_scroll(page)
    shot(page, "font24-report-page")
    # The window has room: the sheet grows with the font, and 表三 and 表四 fit on it.
    assert_document_tables_fit_or_scroll(page, f"/reports/{reports['draft'].pk}/document/", "font24-draft-document",
                                         must_fit=True)
    p = reports["published"]
    assert_document_tables_fit_or_scroll(page, f"/gongkai/{p.organisation_id}/2023/", "font24-public-report",
                                         must_fit=True)


@pytest.mark.parametrize("width", [1400, 1920])
def test_table4_shows_its_last_column_on_the_document_pages(at_width, reports, width):
    page = at_width(width)
    login(page, "drafter")
    p = reports["published"]
    for url in (f"/reports/{reports['draft'].pk}/document/", f"/gongkai/{p.organisation_id}/2023/"):
        page.goto(url)
        wrap = page.locator(".doc-table-wrap:has(table.t4)")
        assert wrap.evaluate("el => el.scrollWidth <= el.clientWidth + 1"), url  # fits: nothing to scroll to
        last = page.locator("table.t4 thead tr").last.locator("th").last
        assert "".join(last.inner_text().split()) == "总计"
        total = page.locator("table.t4 tbody td").last
        for cell in (last, total):
            assert cell.evaluate("""el => { const b = el.getBoundingClientRect(), w = el.closest('.doc-table-wrap').getBoundingClientRect();
                                  return b.width > 20 && b.right <= w.right + 1 && b.right <= innerWidth; }"""), url
        assert no_sideways_scroll(page)
    shot(page, f"{width}-public-report")


@pytest.mark.parametrize("width", [375, 768, 1366, 1920])
def test_the_editors_never_scroll_the_page_sideways(at_width, reports, width):
    page = at_width(width)
    login(page, "drafter")
    for section in ("applications", "review_litigation"):
        page.goto(f"/reports/{reports['draft'].pk}/edit/{section}/")
        assert no_sideways_scroll(page), section
        widths = page.evaluate("() => [...document.querySelectorAll('table.grid tbody th')].map(th => th.getBoundingClientRect().width)")
        assert all(w > 40 for w in widths), (section, min(widths))
        shot(page, f"{width}-{section}-editor")
    page.goto(f"/reports/{reports['draft'].pk}/")
    assert no_sideways_scroll(page)
    shot(page, f"{width}-report-page")


def test_at_200_percent_zoom_the_editors_work_as_on_a_narrow_window(browser, live_server, reports):
    """Zooming a 1366 × 768 window to 200 % gives the page 683 × 384 CSS pixels at two device pixels each."""
    context = browser.new_context(base_url=live_server.url, locale="zh-CN", viewport={"width": 683, "height": 384},
                                  device_scale_factor=2)
    try:
        page = context.new_page()
        login(page, "drafter")
        assert_table3_editor_works(page, reports["draft"], "zoom200")
        page.goto(f"/reports/{reports['draft'].pk}/edit/review_litigation/")
        assert no_sideways_scroll(page)
        assert page.evaluate(COVERED_INPUTS) == []
    finally:
        context.close()


def test_the_county_dashboard_with_a_24_px_default_font_fits_and_passes_axe(large_font, reports, county_officer):
    from .axe import axe_violations, describe, serious

    page = large_font
    login(page, "officer")
    page.goto(f"/county/{reports['draft'].organisation.parent_id}/2023/")
    row = page.locator("tbody tr", has=page.get_by_role("link", name="郇封镇人民政府", exact=True))
    expect(row).to_contain_text("已公开发布")
    assert page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)") == 24
    assert no_sideways_scroll(page)
    assert describe(page.url, serious(axe_violations(page))) == []
    shot(page, "font24-county-dashboard")


def test_a_paged_cell_breakdown_with_a_24_px_default_font_fits_and_passes_axe(large_font, reports, county_officer,
                                                                               monkeypatch):
    from reports.models import Organisation

    from ..conftest import make_org
    from .axe import axe_violations, describe, serious

    county = reports["draft"].organisation.parent
    make_report(make_org("修武县财政局", Organisation.Kind.COUNTY_DEPT, parent=county, short_name="财政局"), 2023,
                complete_values(), status=Report.Status.APPROVED)
    monkeypatch.setattr("reports.views.county.PAGE_SIZE", 1)  # two counted reports: two pages
    page = large_font
    login(page, "officer")
    page.goto(f"/county/{county.pk}/2023/tables/cell/?key=table3.new.total")
    expect(page.get_by_text("共 2 份报告，本页为第 1–1 份")).to_be_visible()
    expect(page.locator("table.cell-breakdown tbody tr")).to_have_count(1)
    assert page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)") == 24
    assert no_sideways_scroll(page)
    assert describe(page.url, serious(axe_violations(page))) == []
    shot(page, "font24-county-cell")
    page.get_by_role("navigation", name="分页").get_by_role("link", name="2", exact=True).click()
    expect(page.get_by_text("本页为第 2–2 份")).to_be_visible()


@pytest.mark.parametrize("who", ["drafter", "approver"])  # the drafter edits; the approver reads (no inputs)
def test_the_table3_editor_with_a_24_px_default_font_fits_and_passes_axe(large_font, reports, who):
    """The grid's cells are written in Python (reports/views/grid_html.py): inputs for the drafter, read-only values
    for the approver; either way at a 24 px default font the page does not scroll sideways and axe finds nothing
    serious."""
    from .axe import axe_violations, describe, serious

    page = large_font
    login(page, who)
    page.goto(f"/reports/{reports['draft'].pk}/edit/applications/")
    cells = page.locator("table.t3-grid [data-cell-wrap^='table3.']")
    expect(cells).to_have_count(25 * 7)
    value = str(reports["draft"].values().table3["new"]["natural"])
    if who == "drafter":
        expect(page.locator("input[name='table3.new.natural']")).to_have_value(value)
    else:
        expect(page.locator("table.t3-grid input")).to_have_count(0)
        expect(page.locator("output[data-key='table3.new.natural']")).to_have_text(value)
    assert page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)") == 24
    assert no_sideways_scroll(page)
    assert describe(page.url, serious(axe_violations(page))) == []
    shot(page, f"font24-table3-editor-{who}")


def test_the_table3_editor_read_only_at_375_px_never_scrolls_sideways_and_passes_axe(at_width, reports):
    from .axe import axe_violations, describe, serious

    page = at_width(375)
    login(page, "approver")
    page.goto(f"/reports/{reports['draft'].pk}/edit/applications/")
    expect(page.locator("output[data-key='table3.new.natural']")).to_be_visible()
    assert no_sideways_scroll(page)
    assert describe(page.url, serious(axe_violations(page))) == []
    shot(page, "375-table3-editor-readonly")


def _changed_pages(page, reports, monkeypatch, name: str) -> None:
    """The pages issue 15's seventh round changed, as a city's officer sees them: the home page a few reports a
    page (eleven published reports of other organisations, three a page), and the city's tables page with its line
    on the counties summed by their consolidated reports; each without sideways scroll and axe clean."""
    from reports.models import Membership, Organisation

    from ..conftest import make_org, make_user
    from .axe import axe_violations, describe, serious

    for i in range(10):
        make_report(make_org(f"修武县第{i}局", Organisation.Kind.COUNTY_DEPT), 2023, complete_values(),
                    status=Report.Status.PUBLISHED)
    monkeypatch.setattr("reports.views.home.PAGE_SIZE", 3)
    county = reports["draft"].organisation.parent
    city = make_org("焦作市人民政府", Organisation.Kind.CITY_GOV)
    county.parent = city
    county.save()
    make_report(county, 2023, complete_values(), status=Report.Status.APPROVED)
    make_user("city_officer", city, Membership.Role.SUPERVISOR)
    login(page, "city_officer")
    page.goto("/")
    total = page.get_by_text(re.compile(r"共 \d+ 份，第 1–3 份"))
    expect(total).to_be_visible()
    assert no_sideways_scroll(page)
    assert describe(page.url, serious(axe_violations(page))) == []
    shot(page, f"{name}-home-paged")
    page.get_by_role("navigation", name="分页").get_by_role("link", name="2", exact=True).click()
    expect(page.get_by_text(re.compile(r"第 4–6 份"))).to_be_visible()
    page.goto(f"/county/{city.pk}/2023/tables/")
    expect(page.get_by_test_id("governments-below")).to_contain_text("其中 1 个下级人民政府按其汇总报告计入")
    assert no_sideways_scroll(page)
    assert describe(page.url, serious(axe_violations(page))) == []
    shot(page, f"{name}-city-tables")


def test_the_pages_changed_for_issue_15_at_375_px_fit_and_pass_axe(at_width, reports, monkeypatch):
    _changed_pages(at_width(375), reports, monkeypatch, "375")


def test_the_pages_changed_for_issue_15_with_a_24_px_default_font_fit_and_pass_axe(large_font, reports, monkeypatch):
    _changed_pages(large_font, reports, monkeypatch, "font24")
    assert large_font.evaluate("parseFloat(getComputedStyle(document.body).fontSize)") == 24
