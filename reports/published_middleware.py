"""The public PDF and HTML downloads answer before the session, CSRF, auth, messages and lockout middleware.

A published file is the same for everyone: the request needs no session, user, CSRF token or message, and
reading those cost more than finding and sending the file (issue 15: the downloads at the static server's
speed). Placed right after WhiteNoise, as WhiteNoise does for static files; SecurityMiddleware, before it,
still adds its headers, and the two that later middleware would add (X-Frame-Options and the CSP) are set
here. Anything else, a 404 included, goes through the whole stack.
"""

from __future__ import annotations

from functools import lru_cache

from csp.utils import build_policy
from django.http import Http404
from django.urls import Resolver404, get_resolver

PREFIX = "/gongkai/"  # where reports/urls.py includes reports.public_urls
FAST = frozenset({"public_pdf", "public_version_pdf", "public_version_html"})


@lru_cache(maxsize=1)
def _policy() -> str:
    return build_policy()


def _match(path: str):
    """The public column's own URL patterns only (ten of them), not the whole site's."""
    try:
        return get_resolver("reports.public_urls").resolve("/" + path.removeprefix(PREFIX))
    except Resolver404:
        return None


class PublishedFilesMiddleware:
    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        if request.method == "GET" and request.path_info.startswith(PREFIX):
            match = _match(request.path_info)
            if match is not None and match.url_name in FAST:
                try:
                    response = match.func(request, *match.args, **match.kwargs)
                except Http404:
                    return self.get_response(request)  # the site's own 404 page
                response["X-Frame-Options"] = "DENY"
                response["Content-Security-Policy"] = _policy()
                return response
        return self.get_response(request)
