"""Logging in, logging out and changing one's password, all in Chinese."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_login_refuses_a_wrong_password_in_chinese_and_keeps_the_username(client, drafter):
    response = client.post("/accounts/login/", {"username": "drafter", "password": "wrong"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "请输入一个正确的用户名和密码。注意，两者都区分大小写。" in html and 'value="drafter"' in html


def test_login_goes_where_the_person_was_headed(client, drafter):
    response = client.post("/accounts/login/?next=/inbox/",
                           {"username": "drafter", "password": "correct-horse-battery", "next": "/inbox/"})
    assert response.status_code == 302 and response["Location"] == "/inbox/"


def test_logout_is_a_post_and_returns_home(client, drafter):
    client.force_login(drafter)
    response = client.post("/accounts/logout/")
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get("/inbox/").status_code == 302


def test_the_password_change_form_speaks_chinese(client, drafter):
    client.force_login(drafter)
    html = client.get("/accounts/password_change/").content.decode()
    assert "修改密码" in html and "旧密码" in html and "新密码" in html and "新密码确认" in html
    assert "你的密码必须包含至少 10 个字符。" in html


def test_a_too_short_new_password_is_refused_in_chinese(client, drafter):
    client.force_login(drafter)
    response = client.post("/accounts/password_change/", {
        "old_password": "correct-horse-battery", "new_password1": "short", "new_password2": "short"})
    html = response.content.decode()
    assert "密码太短，至少要有 10 个字符。" in html
    assert "This password" not in html


def test_a_password_is_changed(client, drafter):
    client.force_login(drafter)
    response = client.post("/accounts/password_change/", {
        "old_password": "correct-horse-battery",
        "new_password1": "Xicun-2026-spring",
        "new_password2": "Xicun-2026-spring"},
        follow=True)
    assert "密码已修改。" in response.content.decode()
    drafter.refresh_from_db()
    assert drafter.check_password("Xicun-2026-spring")
