"""Fixtures shared by the tests/test_county*.py modules (import them into the module to use them)."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    """These tests make many users; the default hasher takes about a second each on a busy 2-core machine."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def on(monkeypatch):
    """Freeze the day the pages and commands take as today: on(date)."""

    def freeze(day: datetime.date) -> None:
        monkeypatch.setattr(timezone, "localdate", lambda *a, **k: day)

    return freeze
