"""Published PDF and HTML served as files named by their SHA-256: checked, renamed by a correction, old links kept."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from reports import published_files
from reports.models import Publication
from reports.services import save_values

from .test_public import _base, published, quick_pdf  # noqa: F401  (fixtures)
from .test_public_publishing import publish

pytestmark = pytest.mark.django_db


def _file(settings, digest: str, ext: str) -> Path:
    return Path(settings.MEDIA_ROOT) / "published" / digest[:2] / f"{digest}.{ext}"


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_publishing_writes_the_pdf_and_html_under_their_sha256(settings, published):
    publication = Publication.objects.get(report=published)
    pdf, html = _file(settings, publication.pdf_sha256, "pdf"), _file(settings, publication.html_sha256, "html")
    assert pdf.read_bytes() == bytes(publication.pdf)
    assert html.read_bytes() == publication.html.encode("utf-8")
    assert hashlib.sha256(pdf.read_bytes()).hexdigest() == publication.pdf_sha256


def test_the_pdf_is_streamed_from_its_file_in_one_query_with_the_sha256_shown_and_as_etag(
        client, published, django_assert_num_queries):
    publication = Publication.objects.get(report=published)
    with django_assert_num_queries(1):
        response = client.get(_base(published) + "/report.pdf")
        body = _body(response)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert body == bytes(publication.pdf)
    assert response["ETag"] == f'"{hashlib.sha256(body).hexdigest()}"'
    page = client.get(_base(published) + "/").content.decode()
    assert f"<code>{hashlib.sha256(body).hexdigest()}</code>" in page
    assert client.get(_base(published) + "/report.pdf", HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304


def test_a_correction_gets_new_names_and_the_old_links_keep_their_bytes(settings, client, published, approver):
    first = Publication.objects.get(report=published)
    values = published.values()
    values.prose["other_matters"] = "2023年，本单位未收取信息处理费（更正版）。"
    save_values(published, values)
    publish(published, approver, note="更正了第六部分的表述。")
    second = Publication.objects.get(report=published, number=2)
    assert second.pdf_sha256 != first.pdf_sha256 and second.html_sha256 != first.html_sha256
    assert _file(settings, first.pdf_sha256, "pdf").exists() and _file(settings, second.pdf_sha256, "pdf").exists()
    assert _body(client.get(_base(published) + "/v1.pdf")) == bytes(first.pdf)
    assert _body(client.get(_base(published) + "/v1.html")) == first.html.encode("utf-8")
    assert _body(client.get(_base(published) + "/report.pdf")) == bytes(second.pdf)
    assert _body(client.get(_base(published) + "/v2.html")) == second.html.encode("utf-8")


def test_a_publication_without_its_files_gets_them_at_the_first_download(settings, client, published):
    publication = Publication.objects.get(report=published)
    for digest, ext in ((publication.pdf_sha256, "pdf"), (publication.html_sha256, "html")):
        _file(settings, digest, ext).unlink()
    assert _body(client.get(_base(published) + "/v1.pdf")) == bytes(publication.pdf)
    assert _body(client.get(_base(published) + "/v1.html")) == publication.html.encode("utf-8")
    assert _file(settings, publication.pdf_sha256, "pdf").read_bytes() == bytes(publication.pdf)


def test_an_altered_file_is_never_served(settings, client, published):
    publication = Publication.objects.get(report=published)
    path = _file(settings, publication.pdf_sha256, "pdf")
    assert _body(client.get(_base(published) + "/report.pdf")) == bytes(publication.pdf)
    path.write_bytes(b"%PDF-1.7 forged")
    os.utime(path, ns=(1, 1))
    assert _body(client.get(_base(published) + "/report.pdf")) == bytes(publication.pdf)
    assert path.read_bytes() == bytes(publication.pdf)


def test_bytes_that_do_not_match_the_recorded_sha256_are_refused(settings):
    with pytest.raises(published_files.PublishedFileError):
        published_files.write(b"something else", hashlib.sha256(b"the published bytes").hexdigest(), "pdf")
    with pytest.raises(ValueError):
        published_files.name_for("../../etc/passwd", "pdf")


def test_the_signed_in_pdf_of_a_published_report_is_the_same_file(client, published):
    publication = Publication.objects.get(report=published)
    response = client.get(f"/reports/{published.pk}/document.pdf")
    assert response.status_code == 200 and _body(response) == bytes(publication.pdf)
    assert response["ETag"] == f'"{publication.pdf_sha256}"'


def test_the_files_answer_before_sessions_yet_keep_the_security_headers(client, published):
    response = client.get(_base(published) + "/v1.html")
    assert response.status_code == 200
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY" and response["X-Content-Type-Options"] == "nosniff"
    assert "sessionid" not in response.cookies and "csrftoken" not in response.cookies
    missing = client.get(_base(published) + "/v9.pdf")
    assert missing.status_code == 404 and "Content-Security-Policy" in missing
