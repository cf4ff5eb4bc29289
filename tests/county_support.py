"""Fixtures shared by the tests/test_county*.py modules (import them into the module to use them)."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone


@pytest.fixture
def on(monkeypatch):
    """Freeze the day the pages and commands take as today: on(date)."""

    def freeze(day: datetime.date) -> None:
        monkeypatch.setattr(timezone, "localdate", lambda *a, **k: day)

    return freeze
