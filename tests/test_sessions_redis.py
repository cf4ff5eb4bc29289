"""Sessions in Redis (cached_db), as production runs them when GKPORTAL_REDIS_URL is set (gkportal/settings.py):
read from Redis, written through to the database, ended everywhere at once. Skipped, saying why, when Redis does
not answer on 127.0.0.1:6379."""

from __future__ import annotations

import os
import uuid

import pytest
from django.contrib.sessions.models import Session
from django.core.cache import caches
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from .conftest import REDIS, redis_answers

pytestmark = pytest.mark.django_db


@pytest.fixture
def redis_sessions(settings):
    if not redis_answers():
        pytest.skip("Redis does not answer on 127.0.0.1:6379: sessions in Redis cannot be tested")
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                                   "LOCATION": f"redis://{REDIS[0]}:{REDIS[1]}/{1 + os.getpid() % 15}",
                                   "KEY_PREFIX": f"gkportal-test-{uuid.uuid4().hex}"}}
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    yield caches["default"]
    caches["default"].clear()


def _signed_in(client: Client) -> bool:
    response = client.get(reverse("home"))
    return response.status_code == 200 and f'action="{reverse("logout")}"' in response.content.decode()


def _log_in(client: Client) -> str:
    response = client.post("/accounts/login/", {"username": "drafter", "password": "correct-horse-battery"})
    assert response.status_code == 302, response.content.decode()[:500]
    return client.cookies["sessionid"].value


def test_a_session_is_read_from_redis_and_kept_in_the_database(redis_sessions, drafter):
    client = Client()
    key = _log_in(client)
    assert _signed_in(client)
    from django.contrib.sessions.backends.cached_db import SessionStore

    assert redis_sessions.get(SessionStore(key).cache_key) is not None
    assert Session.objects.filter(session_key=key).exists()
    with CaptureQueriesContext(connection) as captured:
        assert _signed_in(client)
    assert not [q for q in captured.captured_queries if q["sql"].startswith("SELECT") and "django_session" in q["sql"]]
    redis_sessions.clear()  # Redis restarted: nobody is signed out, the database still has the session
    assert _signed_in(client)


def test_signing_out_ends_the_session_for_every_worker(redis_sessions, drafter):
    first = Client()
    key = _log_in(first)
    second = Client()  # the same browser's next request, served by another gunicorn worker
    second.cookies["sessionid"] = key
    assert _signed_in(second)
    first.post(reverse("logout"))
    assert not _signed_in(second)
    assert not Session.objects.filter(session_key=key).exists()
