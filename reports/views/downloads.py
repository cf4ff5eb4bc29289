"""Responses for files: the right type and a Chinese file name; stored bytes answer by their SHA-256."""

from __future__ import annotations

import re
from pathlib import Path

from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseNotModified
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
    if _not_modified(request, etag):
        response: HttpResponse = HttpResponseNotModified()
    else:
        response = HttpResponse(content, content_type=content_type)
        response["Content-Disposition"] = content_disposition_header(attachment, download_name(filename))
        response["Content-Length"] = str(len(content))
    return _headers(response, etag, immutable)


def stored_file_response(request: HttpRequest, path: Path, content_type: str, filename: str, *, sha256: str,
                         attachment: bool = True, immutable: bool = False) -> HttpResponse:
    """A published file from disk, streamed (gunicorn sends it with sendfile); its SHA-256 is the ETag."""
    etag = f'"{sha256}"'
    if _not_modified(request, etag):
        response: HttpResponse = HttpResponseNotModified()
    else:
        response = FileResponse(path.open("rb"), content_type=content_type)
        response["Content-Disposition"] = content_disposition_header(attachment, download_name(filename))
    return _headers(response, etag, immutable)


def _not_modified(request: HttpRequest, etag: str | None) -> bool:
    if not etag:
        return False
    wanted = [t.strip().removeprefix("W/") for t in request.headers.get("If-None-Match", "").split(",")]
    return etag in wanted or "*" in wanted


def _headers(response: HttpResponse, etag: str | None, immutable: bool) -> HttpResponse:
    if etag:
        response["ETag"] = etag
        # A numbered version never changes; "the latest" changes when a correction is published.
        response["Cache-Control"] = "public, max-age=31536000, immutable" if immutable else "public, max-age=300"
    response["X-Content-Type-Options"] = "nosniff"
    return response
