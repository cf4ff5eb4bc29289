"""Responses for files: the right type and a Chinese file name; stored bytes answer by their SHA-256."""

from __future__ import annotations

import re

from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.utils.http import content_disposition_header

from ..values import clean_text

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
HTML = "text/html; charset=utf-8"
JSON = "application/json; charset=utf-8"
CSV = "text/csv; charset=utf-8"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def download_name(filename: str) -> str:
    """A file name as the browser shows it: no control or bidi characters (a name stored before they were
    dropped on input could make “报告‮fdp.exe” look like “报告exe.pdf”), no line breaks, no folders."""
    return re.sub(r"[\s/\\]+", " ", clean_text(filename)).strip() or "download"


def file_response(request: HttpRequest, content: bytes, content_type: str, filename: str, *,
                  attachment: bool = True, sha256: str | None = None, immutable: bool = False) -> HttpResponse:
    """The bytes as a download named `filename`; with `sha256`, an ETag and a 304 for a repeat visit."""
    etag = f'"{sha256}"' if sha256 else None
    if etag and etag in [t.strip() for t in request.headers.get("If-None-Match", "").split(",")]:
        response: HttpResponse = HttpResponseNotModified()
    else:
        response = HttpResponse(content, content_type=content_type)
        response["Content-Disposition"] = content_disposition_header(attachment, download_name(filename))
        response["Content-Length"] = str(len(content))
    if etag:
        response["ETag"] = etag
        # A numbered version never changes; "the latest" changes when a correction is published.
        response["Cache-Control"] = "public, max-age=31536000, immutable" if immutable else "public, max-age=300"
    response["X-Content-Type-Options"] = "nosniff"
    return response
