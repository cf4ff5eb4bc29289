"""The pages that exist so far: the report list and a report, behind the permission helper."""

import pytest

from reports.models import Report

pytestmark = pytest.mark.django_db


def test_home_lists_only_what_the_user_may_see(client, report, drafter, outsider):
    assert report.title not in client.get("/").content.decode()
    client.force_login(drafter)
    assert report.title in client.get("/").content.decode()
    client.force_login(outsider)
    assert report.title not in client.get("/").content.decode()


def test_report_page_shows_the_tables_to_its_drafter_and_the_county(client, report, drafter, county_officer):
    for user in (drafter, county_officer):
        client.force_login(user)
        page = client.get(f"/reports/{report.pk}/document/").content.decode()
        assert "三、收到和处理政府信息公开申请情况" in page
        assert "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）" in page
        assert 'data-cell="table3.carry_forward.total">2<' in page


def test_unpublished_report_is_hidden_from_outsiders_and_the_public(client, report, outsider):
    assert client.get(f"/reports/{report.pk}/").status_code == 404
    client.force_login(outsider)
    assert client.get(f"/reports/{report.pk}/").status_code == 404
    Report.objects.filter(pk=report.pk).update(status=Report.Status.PUBLISHED)
    assert client.get(f"/reports/{report.pk}/").status_code == 200


def test_login_page_speaks_chinese(client):
    page = client.get("/accounts/login/").content.decode()
    assert "登录" in page and "用户名" in page


def test_only_drafters_of_the_organisation_may_edit_a_draft(rf, report, drafter, approver, county_officer, outsider):
    from django.core.exceptions import PermissionDenied
    from django.http import Http404

    from reports.permissions import can_edit, get_report_for_editing

    assert can_edit(drafter, report)
    assert get_report_for_editing(drafter, report.pk) == report
    for user in (approver, county_officer):
        assert not can_edit(user, report)
        with pytest.raises(PermissionDenied):
            get_report_for_editing(user, report.pk)
    with pytest.raises(Http404):
        get_report_for_editing(outsider, report.pk)
    Report.objects.filter(pk=report.pk).update(status=Report.Status.SUBMITTED)
    report.refresh_from_db()
    assert not can_edit(drafter, report)


def test_health_check_answers_without_login(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.content == b"ok"


def test_admin_lists_publications_and_acknowledgements_read_only(client, db):
    from django.contrib.auth import get_user_model

    admin = get_user_model().objects.create_superuser("root", password="x")
    client.force_login(admin)
    for url in ("/admin/reports/publication/", "/admin/reports/acknowledgement/", "/admin/reports/report/"):
        assert client.get(url).status_code == 200
    assert client.get("/admin/reports/publication/add/").status_code == 403


def test_home_puts_the_users_own_reports_first_and_pages_through_the_rest(client, report, drafter, monkeypatch):
    """A clerk's draft on top of the first page, however many published reports of other organisations there are;
    the rest a page at a time (fifty: a province's list, or a visitor's, runs to tens of thousands; five here)."""
    from reports.views import home

    from .conftest import Kind, complete_values, make_org, make_report

    monkeypatch.setattr(home, "PAGE_SIZE", 5)
    for i in range(7):
        make_report(make_org(f"A{i:02d}局", Kind.COUNTY_DEPT), report.year, complete_values(),
                    status=Report.Status.PUBLISHED)
    client.force_login(drafter)
    page = client.get("/").content.decode()
    rows = page.split("<tbody>")[1].split("</tbody>")[0].count("<tr>")
    assert rows == 5 and page.index(report.title) < page.index("A00局")  # own draft first, ahead of "A…"
    assert "共 8 份，第 1–5 份" in page and 'href="?page=2"' in page
    second = client.get("/?page=2").content.decode()
    assert second.split("<tbody>")[1].count("<tr>") == 3 and report.title not in second and "A06局" in second
    assert "共 8 份" in client.get("/?page=junk").content.decode()  # any page asked for: a page, not an error
    client.logout()
    visitor = client.get("/").content.decode()  # every published report, paged too, and not the draft
    assert "共 7 份" in visitor and report.title not in visitor


def test_page_links_name_the_ends_and_the_neighbours_and_elide_the_rest():
    from django.core.paginator import Paginator

    from reports.views.paging import page_links

    pages = Paginator(range(400), 10)  # 40 pages: a province's dashboard has hundreds
    links = page_links(pages.page(20), lambda n: f"?page={n}")
    assert [n for n, _ in links] == [1, "…", 18, 19, 20, 21, 22, "…", 40]
    assert dict((n, link) for n, link in links if link)[40] == "?page=40" and all(
        link is None for n, link in links if n == "…")
    assert page_links(Paginator(range(5), 10).page(1), str) == []  # one page: no links
