"""axe-core on every kind of page: no serious or critical violation (GB/T 37668-2019, WCAG 2.1 AA)."""

from __future__ import annotations

import pytest
from django.utils import timezone

from reports.county import reporting_year
from reports.models import Report
from tests.test_public_publishing import publish

from ..conftest import Kind, complete_values, make_org, make_report
from .axe import axe_violations, describe, serious
from .conftest import login, screenshot

pytestmark = pytest.mark.django_db(transaction=True)


def _scan(page, urls: list[str]) -> tuple[list[str], list[str]]:
    """Every page's violations: (serious or critical, all), as readable lines."""
    blocking, everything = [], []
    for url in urls:
        response = page.goto(url)
        assert response.status < 500, url
        found = axe_violations(page)
        blocking += describe(url, serious(found))
        everything += describe(url, found)
    return blocking, everything


def _assert_clean(blocking: list[str], everything: list[str]) -> None:
    print("\n".join(everything))
    assert not blocking, "\n".join(blocking)


@pytest.fixture
def landscape(county, township, sibling, drafter, approver, county_officer):
    """A draft with findings (西村乡), an overdue draft elsewhere, a published report with a correction."""
    year = reporting_year(timezone.localdate()) - 1
    draft = make_report(township, year)
    overdue = complete_values()
    overdue.table3["new"]["natural"] += 2
    make_report(sibling, year, overdue)
    other = make_org("修武县自然资源局", Kind.COUNTY_DEPT, parent=county, short_name="自然资源局")
    published = make_report(other, year, complete_values(), status=Report.Status.APPROVED)
    publish(published, county_officer)
    third = make_org("修武县财政局", Kind.COUNTY_DEPT, parent=county, short_name="财政局")
    approved = make_report(third, year, complete_values(), status=Report.Status.APPROVED)
    return {"draft": draft, "published": published, "approved": approved, "year": year}


def test_the_public_pages_have_no_serious_violation(page, landscape):
    p = landscape["published"]
    urls = ["/gongkai/", f"/gongkai/{p.organisation_id}/", f"/gongkai/{p.organisation_id}/{p.year}/",
            f"/gongkai/{p.organisation_id}/{p.year}/v1.html", "/help/", "/accounts/login/",
            "/accounts/password_reset/", "/accounts/password_reset/done/", "/accounts/reset/MQ/set-password/",
            "/no/such/page/"]
    _assert_clean(*_scan(page, urls))


def test_the_drafters_pages_have_no_serious_violation(page, landscape):
    r = landscape["draft"]
    login(page, "drafter")
    urls = ["/", f"/reports/{r.pk}/", f"/reports/{r.pk}/findings/", f"/reports/{r.pk}/document/",
            f"/reports/{r.pk}/versions/", f"/reports/{r.pk}/submit/", f"/reports/{r.pk}/import/", "/inbox/",
            "/accounts/password_change/"]
    urls += [f"/reports/{r.pk}/edit/{code}/" for code in
             ("overview", "proactive", "applications", "review_litigation", "problems", "other_matters")]
    _assert_clean(*_scan(page, urls))


def test_the_county_offices_pages_have_no_serious_violation(page, landscape, drafter):
    login(page, "officer")
    county = landscape["published"].organisation.parent_id
    year = landscape["year"]
    approved, published = landscape["approved"], landscape["published"]
    urls = ["/county/", f"/county/{county}/{year}/", f"/county/{county}/{year}/tables/", f"/county/{county}/trends/",
            "/manage/", "/import/", f"/reports/{approved.pk}/", f"/reports/{approved.pk}/publish/",
            f"/reports/{approved.pk}/return/", f"/reports/{published.pk}/", f"/reports/{published.pk}/versions/",
            "/manage/organisations/new/", "/manage/users/new/", f"/manage/users/{drafter.pk}/",
            f"/manage/organisations/{landscape['draft'].organisation_id}/"]
    _assert_clean(*_scan(page, urls))


def test_the_skip_link_is_the_first_stop_and_lands_on_the_content(page, landscape):
    login(page, "drafter")
    page.goto("/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="跳到正文")
    assert skip.evaluate("el => el === document.activeElement") and skip.is_visible()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def test_wide_tables_are_labelled_regions_that_scroll_from_the_keyboard(page, landscape):
    p = landscape["published"]
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"/gongkai/{p.organisation_id}/{p.year}/")
    region = page.get_by_role("region", name="三、收到和处理政府信息公开申请情况（表格，可左右滚动）")
    region.focus()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    # The browser scrolls smoothly: wait for it (up to the default timeout) rather than read scrollLeft at once.
    page.wait_for_function("el => el.scrollLeft > 0", arg=region.element_handle())


def _contrast(a: tuple[int, ...], b: tuple[int, ...]) -> float:
    def lum(rgb):
        c = [x / 255 for x in rgb[:3]]
        c = [x / 12.92 if x <= 0.03928 else ((x + 0.055) / 1.055) ** 2.4 for x in c]
        return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2]
    hi, lo = sorted((lum(a), lum(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def _rgb(css: str) -> tuple[int, ...]:
    return tuple(int(float(x)) for x in css[css.index("(") + 1:css.index(")")].split(",")[:3])


def test_the_keyboard_focus_ring_stands_out_on_the_navbar(page, landscape):
    login(page, "drafter")
    page.goto("/")
    logout = page.get_by_role("button", name="退出")
    navbar = _rgb(page.locator("nav.navbar").evaluate("el => getComputedStyle(el).backgroundColor"))
    assert _contrast(_rgb(logout.evaluate("el => getComputedStyle(el).color")), navbar) >= 4.5  # 退出 itself
    logout.focus()
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")  # focus by keyboard, so that :focus-visible applies
    page.wait_for_timeout(400)  # Bootstrap's colour transition
    style, color = logout.evaluate("el => { const s = getComputedStyle(el); return [s.outlineStyle, s.outlineColor]; }")
    assert style == "solid" and _contrast(_rgb(color), navbar) >= 3
    screenshot(page, "focus-logout")
