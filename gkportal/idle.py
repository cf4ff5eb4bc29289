"""Idle logout (等保): a signed-in session ends after GKPORTAL_IDLE_MINUTES without a request.

The session records when its owner was last seen, renewed at most once a minute (a database write
per request would be wasteful: the editor checks as people type). A request that arrives later than
the idle limit finds the person signed out. The page's idle.js warns a minute before, with 继续,
which posts to session_ping; asking how long is left (GET session_state) does not count as activity.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

LAST_SEEN = "gkportal_last_seen"
# Renew the record of activity at most this often (seconds).
RENEW_EVERY = 60
STATE_PATH = "/session/state/"
PING_PATH = "/session/ping/"
# Requests a browser makes by itself are not a person's activity: asking how long is left, the favicon.
PASSIVE_PATHS = frozenset({STATE_PATH, "/favicon.ico"})


def idle_seconds() -> int:
    return settings.GKPORTAL_IDLE_MINUTES * 60


def seconds_left(request) -> int | None:
    """How long this signed-in session has before the idle logout; None when nobody is signed in."""
    if not request.user.is_authenticated:
        return None
    last_seen = request.session.get(LAST_SEEN)
    if last_seen is None:
        return idle_seconds()
    return max(0, int(last_seen + idle_seconds() - time.time()))


class IdleTimeoutMiddleware:
    """Sign out a session idle for longer than the limit; record activity otherwise."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = time.time()
            last_seen = request.session.get(LAST_SEEN)
            if last_seen is not None and now - last_seen > idle_seconds():
                logout(request)
            elif request.path == PING_PATH or (
                request.path not in PASSIVE_PATHS and (last_seen is None or now - last_seen >= RENEW_EVERY)
            ):
                request.session[LAST_SEEN] = now
        return self.get_response(request)


def idle_context(request) -> dict:
    """For base.html: the seconds left, so that idle.js can warn a minute before the logout."""
    return {"idle_seconds_left": seconds_left(request), "idle_minutes": settings.GKPORTAL_IDLE_MINUTES}


@never_cache
@require_GET
def session_state(request) -> JsonResponse:
    """How long is left (another tab or the editor's saves may have kept the session alive); not activity."""
    left = seconds_left(request)
    return JsonResponse({"signed_in": left is not None, "seconds_left": left or 0})


@never_cache
@require_POST
def session_ping(request) -> JsonResponse:
    """继续: the person is still here; the middleware has just recorded the activity."""
    left = seconds_left(request)
    if left is None:
        return JsonResponse({"signed_in": False, "seconds_left": 0}, status=401)
    return JsonResponse({"signed_in": True, "seconds_left": left})


@receiver(user_logged_in)
def _fresh_start(sender, request, **kwargs) -> None:
    """A new sign-in starts a new idle period, whatever the session held before."""
    if request is not None and hasattr(request, "session"):
        request.session[LAST_SEEN] = time.time()
