"""Security settings at work: CSP without inline scripts, login throttling, password policy, CSRF."""

import re

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client

pytestmark = pytest.mark.django_db


def test_every_page_sends_a_csp_that_forbids_inline_and_foreign_scripts(client, report, drafter):
    client.force_login(drafter)
    for url in ("/", f"/reports/{report.pk}/", "/accounts/login/"):
        policy = client.get(url)["Content-Security-Policy"]
        script_src = re.search(r"script-src ([^;]*)", policy).group(1)
        assert script_src.split() == ["'self'"], policy
        assert "frame-ancestors 'none'" in policy and "object-src 'none'" in policy


def test_pages_have_no_inline_scripts(client, report, drafter):
    client.force_login(drafter)
    for url in ("/", f"/reports/{report.pk}/", f"/reports/{report.pk}/document/", "/accounts/password_change/"):
        html = client.get(url).content.decode()
        inline = [tag for tag in re.findall(r"<script\b[^>]*>", html) if "src=" not in tag and "json" not in tag]
        assert inline == [], (url, inline)
        assert not re.search(r"\son[a-z]+\s*=", html), url  # no onclick= and the like


def test_five_failed_logins_lock_the_account_with_a_chinese_page(drafter):
    client = Client()
    for _ in range(5):
        response = client.post("/accounts/login/", {"username": "drafter", "password": "wrong"})
    assert response.status_code == 429
    assert "登录失败次数过多" in response.content.decode()
    # even the right password is refused while locked
    response = client.post("/accounts/login/", {"username": "drafter", "password": "correct-horse-battery"})
    assert response.status_code == 429


def test_a_successful_login_is_not_throttled(drafter):
    client = Client()
    client.post("/accounts/login/", {"username": "drafter", "password": "wrong"})
    response = client.post("/accounts/login/", {"username": "drafter", "password": "correct-horse-battery"})
    assert response.status_code == 302


@pytest.mark.parametrize("password", ["short1A!", "alllowercaseletters", "lowercase-and-dashes", "1234567890123"])
def test_weak_passwords_are_refused(password):
    with pytest.raises(ValidationError):
        validate_password(password)


def test_a_strong_password_passes():
    validate_password("Xicun-2024-report")


def test_csrf_is_enforced_on_login():
    client = Client(enforce_csrf_checks=True)
    response = client.post("/accounts/login/", {"username": "x", "password": "y"})
    assert response.status_code == 403
