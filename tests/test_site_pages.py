"""The pages every site has: 404/403/500 in Chinese, the favicon, 填报说明, and the idle logout."""

from __future__ import annotations

import time

import pytest
from django.template.loader import get_template
from django.test import Client
from django.urls import reverse

from gkportal.idle import LAST_SEEN
from reports.catalogue import get_format
from reports.rules import RULE_INFO
from reports.rules.guidance import FIXES, SECTION_GUIDE

from .test_settings import PRODUCTION, manage

pytestmark = pytest.mark.django_db


def test_the_500_page_is_chinese_and_needs_no_context_or_database(django_assert_num_queries):
    with django_assert_num_queries(0):
        html = get_template("500.html").render()
    assert "系统出错了" in html and 'lang="zh-Hans"' in html and "Server Error" not in html
    assert "{%" not in html and "static/" not in html  # nothing a broken deployment might lack


def test_an_unexpected_error_answers_with_the_chinese_500_page(monkeypatch):
    from reports.views import home

    def boom(request):
        raise RuntimeError("boom")

    monkeypatch.setattr(home, "reports_for_user", boom)
    client = Client(raise_request_exception=False)
    response = client.get("/")
    assert response.status_code == 500
    assert "系统出错了" in response.content.decode()


def test_404_and_403_pages_are_in_the_sites_look(client):
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "没有找到这个页面" in page and 'class="navbar' in page and "跳到正文" in page


def test_the_favicon_is_served_at_the_root_and_linked_from_every_page(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200 and response["Content-Type"] == "image/x-icon"
    assert response.content[:4] == b"\x00\x00\x01\x00"  # an ICO file
    assert 'rel="icon"' in client.get(reverse("login")).content.decode()


def test_the_help_page_lists_every_check_of_the_registry_with_an_anchor_and_advice(client):
    page = client.get(reverse("help")).content.decode()
    for rule_id, info in RULE_INFO.items():
        assert f'id="rule-{rule_id}"' in page and info.title in page
    for section in get_format().sections:
        assert section.heading in page


def test_every_check_has_advice_and_every_section_a_guide():
    assert set(FIXES) == set(RULE_INFO)
    assert all(FIXES.values())
    assert set(SECTION_GUIDE) == {s.code for s in get_format().sections}


def test_the_navigation_and_every_finding_link_to_the_help(client, report, drafter):
    client.force_login(drafter)
    assert f'href="{reverse("help")}"' in client.get("/").content.decode()
    findings = client.get(reverse("report_findings", args=[report.pk])).content.decode()
    home = client.get(reverse("report_detail", args=[report.pk])).content.decode()
    assert 'href="/help/#rule-S-CELLS"' in findings and 'href="/help/#rule-S-CELLS"' in home


# ---------------------------------------------------------------- idle logout


def _age_session(client, seconds: float) -> None:
    session = client.session
    session[LAST_SEEN] = time.time() - seconds
    session.save()


def test_a_session_idle_longer_than_the_limit_is_signed_out(client, drafter, settings):
    settings.GKPORTAL_IDLE_MINUTES = 30
    client.force_login(drafter)
    client.get("/")
    _age_session(client, 31 * 60)
    response = client.get(reverse("report_findings", args=[1]))
    assert response.status_code == 302 and reverse("login") in response["Location"]
    assert "_auth_user_id" not in client.session


def test_activity_within_the_limit_keeps_the_session(client, drafter, settings):
    settings.GKPORTAL_IDLE_MINUTES = 30
    client.force_login(drafter)
    _age_session(client, 29 * 60)
    assert client.get("/").status_code == 200
    assert time.time() - client.session[LAST_SEEN] < 5  # renewed
    assert client.get(reverse("session_state")).json()["seconds_left"] > 29 * 60


def test_asking_how_long_is_left_is_not_activity_but_continuing_is(client, drafter, settings):
    settings.GKPORTAL_IDLE_MINUTES = 30
    client.force_login(drafter)
    _age_session(client, 29 * 60 + 10)
    state = client.get(reverse("session_state")).json()
    assert state["signed_in"] and 40 <= state["seconds_left"] <= 50
    assert client.get(reverse("session_state")).json()["seconds_left"] <= 50
    ping = client.post(reverse("session_ping")).json()
    assert ping["signed_in"] and ping["seconds_left"] >= 30 * 60 - 5


def test_the_page_tells_the_script_how_long_is_left(client, drafter):
    assert "data-idle-left" not in client.get(reverse("login")).content.decode()
    client.force_login(drafter)
    page = client.get("/").content.decode()
    assert 'data-idle-left="' in page and "js/idle.js" in page and "继续" in page


def test_a_new_sign_in_starts_a_new_idle_period(client, drafter, settings):
    client.force_login(drafter)
    _age_session(client, 10 * 3600)
    client.force_login(drafter)
    assert client.get("/").status_code == 200 and "_auth_user_id" in client.session


def test_the_idle_minutes_setting_is_checked():
    result = manage("check", env=PRODUCTION | {"GKPORTAL_IDLE_MINUTES": "0"})
    assert result.returncode != 0 and "GKPORTAL_IDLE_MINUTES=0 should be between 2 and 1440" in result.stderr
    result = manage("check", env=PRODUCTION | {"GKPORTAL_IDLE_MINUTES": "half an hour"})
    assert result.returncode != 0 and "GKPORTAL_IDLE_MINUTES='half an hour' is not a whole number" in result.stderr


# ---------------------------------------------------------------- password reset in the site's look


def test_a_forgotten_password_is_reset_through_pages_in_the_sites_look(client, drafter, mailoutbox):
    drafter.email = "drafter@example.gov.cn"
    drafter.save()
    assert 'href="/accounts/password_reset/"' in client.get(reverse("login")).content.decode()
    form = client.get(reverse("password_reset")).content.decode()
    assert "找回密码" in form and 'class="navbar' in form and "Django" not in form
    response = client.post(reverse("password_reset"), {"email": "drafter@example.gov.cn"}, follow=True)
    assert "请查收邮件" in response.content.decode()
    (mail,) = mailoutbox
    assert mail.subject == "政府信息公开工作年度报告系统：重置密码" and "drafter" in mail.body
    link = next(line for line in mail.body.splitlines() if "/accounts/reset/" in line)
    path = link.split("://", 1)[1].split("/", 1)[1]
    page = client.get("/" + path, follow=True)
    assert "设置新密码" in page.content.decode()
    done = client.post(page.redirect_chain[-1][0], {"new_password1": "Xinmima-2026!", "new_password2": "Xinmima-2026!"},
                       follow=True)
    assert "密码已重置" in done.content.decode()
    drafter.refresh_from_db()
    assert drafter.check_password("Xinmima-2026!")


def test_a_used_or_forged_reset_link_says_so_in_chinese(client, drafter):
    page = client.get("/accounts/reset/MQ/set-password/", follow=True).content.decode()
    assert "这个链接已失效" in page


def test_the_public_column_has_the_favicon_and_a_skip_link(client):
    page = client.get(reverse("public_index")).content.decode()
    assert 'href="/favicon.ico"' in page and 'href="#main">跳到正文</a>' in page


def test_an_autosave_after_the_idle_logout_is_refused_in_json_so_the_editor_keeps_its_copy(client, report, drafter):
    client.force_login(drafter)
    client.get("/")
    _age_session(client, 31 * 60)
    response = client.post(reverse("section_save", args=[report.pk, "problems"]), {"prose_problems": "新的问题。"},
                           headers={"x-requested-with": "fetch", "accept": "application/json"})
    assert response.status_code == 403 and "登录已过期" in response.json()["error"]
    assert report.values().prose["problems"] != "新的问题。"
