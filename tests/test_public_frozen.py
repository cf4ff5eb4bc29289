"""What was published stays as published: the organisation's name then, Word and Excel frozen (issue 12)."""

from __future__ import annotations

import hashlib

import pytest

from reports.models import Organisation, Publication, Report

from .test_public import _base, published, quick_pdf  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db


def _rename(org: Organisation, name: str) -> None:
    Organisation.objects.filter(pk=org.pk).update(name=name, short_name="新名")


def test_a_rename_does_not_change_the_published_name_in_data_json_or_the_page(client, published):
    old = published.organisation.name
    _rename(published.organisation, "西村镇人民政府")
    data = client.get(f"{_base(published)}/data.json").json()
    assert data["organisation"] == old
    page = client.get(f"{_base(published)}/").content.decode()
    assert f"发布机关：{old}" in page and "发布机关：西村镇人民政府" not in page


def test_the_publication_stores_the_name_and_the_word_and_excel_files(published):
    publication = Publication.objects.get(report=published)
    assert publication.organisation_name == published.organisation.name
    assert bytes(publication.docx)[:2] == b"PK" and bytes(publication.xlsx)[:2] == b"PK"


def test_word_and_excel_of_a_published_report_are_served_frozen_not_rendered_again(client, published, monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("a published report was rendered again")

    monkeypatch.setattr("reports.views.document.render_docx", refuse)
    monkeypatch.setattr("reports.views.importing.report_workbook", refuse)
    publication = Publication.objects.get(report=published)
    for url, stored in ((f"/reports/{published.pk}/document.docx", publication.docx),
                        (f"/reports/{published.pk}/export.xlsx", publication.xlsx)):
        response = client.get(url)  # anonymous: a published report is public
        assert response.status_code == 200
        assert response.content == bytes(stored)
        etag = response["ETag"]
        assert etag == f'"{hashlib.sha256(bytes(stored)).hexdigest()}"'
        assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304


def test_a_publication_made_before_the_files_were_stored_gets_them_at_the_first_download(client, published):
    Publication.objects.filter(report=published).update(docx=b"", xlsx=b"")
    first = client.get(f"/reports/{published.pk}/document.docx").content
    assert bytes(Publication.objects.get(report=published).docx) == first
    assert client.get(f"/reports/{published.pk}/document.docx").content == first


def test_a_reopened_report_is_rendered_as_a_draft_again(client, published, drafter):
    Report.objects.filter(pk=published.pk).update(status=Report.Status.DRAFT)
    client.force_login(drafter)
    response = client.get(f"/reports/{published.pk}/document.docx")
    assert response.content != bytes(Publication.objects.get(report=published).docx)
    assert "%EF%BC%88%E8%8D%89%E7%A8%BF%EF%BC%89" in response["Content-Disposition"]  # （草稿）
