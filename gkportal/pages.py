"""What every site answers: the favicon at /favicon.ico."""

from __future__ import annotations

from functools import cache

from django.conf import settings
from django.http import HttpResponse
from django.views.decorators.http import require_GET

FAVICON = settings.BASE_DIR / "static" / "favicon.ico"


@cache
def _favicon_bytes() -> bytes:
    return FAVICON.read_bytes()


@require_GET
def favicon(request) -> HttpResponse:
    """Browsers ask for /favicon.ico whatever the page links; answer from the file in static/."""
    response = HttpResponse(_favicon_bytes(), content_type="image/x-icon")
    response["Cache-Control"] = "public, max-age=86400"
    return response
