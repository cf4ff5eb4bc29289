"""Publishing freezes the document: stored bytes with SHA-256, corrections as new versions, rollback on failure."""

from __future__ import annotations

import hashlib

import pytest
from django.db import transaction

from reports.models import Publication, Report
from reports.publishing import PublishingError, freeze_publication
from reports.exports.document import MissingFontsError, render_html
from reports.signals import report_published

from .rendering_support import page_texts

pytestmark = pytest.mark.django_db


def publish(report: Report, by, note: str = "") -> None:
    """What the workflow's publish() does: set the state and send the signal, in one transaction."""
    with transaction.atomic():
        Report.objects.filter(pk=report.pk).update(status=Report.Status.PUBLISHED)
        report.status = Report.Status.PUBLISHED
        report_published.send(sender=Report, report=report, by=by, correction_note=note)


def test_publishing_freezes_the_html_and_pdf_with_their_sha256(report, approver):
    publish(report, approver)
    publication = Publication.objects.get(report=report)
    assert publication.number == 1 and publication.published_by == approver
    assert publication.title == report.title and publication.correction_note == ""
    assert publication.html_sha256 == hashlib.sha256(publication.html.encode()).hexdigest()
    assert publication.pdf_sha256 == hashlib.sha256(bytes(publication.pdf)).hexdigest()
    assert bytes(publication.pdf)[:5] == b"%PDF-" and publication.pdf_pages == len(page_texts(bytes(publication.pdf)))
    assert "草稿" not in publication.html
    assert not any("草稿" in t for t in page_texts(bytes(publication.pdf)))
    assert publication.data["table3"]["new"] == [4, 0, 0, 0, 0, 0, 4]


def test_a_template_change_never_alters_a_published_report(client, report, approver, settings, tmp_path):
    publish(report, approver)
    publication = Publication.objects.get(report=report)
    base = f"/gongkai/{report.organisation_id}/{report.year}"
    before = {path: client.get(base + path).getvalue() for path in ("/report.pdf", "/v1.pdf", "/v1.html", "/")}

    # A later template: a different document body.
    override = tmp_path / "templates" / "reports"
    override.mkdir(parents=True)
    (override / "_document_body.html").write_text(
        "<!--gkportal:document--><article>改过的模板 {{ report.title }}</article>", encoding="utf-8")
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path / "templates", *settings.TEMPLATES[0]["DIRS"]]}]
    assert "改过的模板" in render_html(report, draft=False)  # the change is live for new renders

    after = {path: client.get(base + path).getvalue() for path in before}
    assert after == before
    assert hashlib.sha256(after["/report.pdf"]).hexdigest() == publication.pdf_sha256
    assert hashlib.sha256(after["/v1.html"]).hexdigest() == publication.html_sha256
    assert "改过的模板".encode() not in after["/"]


def test_a_failed_freeze_rolls_the_publication_back(report, approver, monkeypatch):
    Report.objects.filter(pk=report.pk).update(status=Report.Status.APPROVED)
    report.refresh_from_db()
    monkeypatch.setattr("reports.exports.document.cjk_font_families", lambda: ())
    with pytest.raises(MissingFontsError):
        publish(report, approver)
    report.refresh_from_db()
    assert report.status == Report.Status.APPROVED
    assert not Publication.objects.exists()


def test_a_correction_is_a_new_version_with_its_note_and_the_original_stays_byte_identical(report, approver):
    publish(report, approver)
    first = Publication.objects.get(report=report)
    original = (first.html, bytes(first.pdf), first.pdf_sha256)

    with pytest.raises(PublishingError, match="更正说明"):
        publish(report, approver)
    assert Publication.objects.count() == 1

    values = report.values()
    values.prose["other_matters"] = "2023年，本单位未收取信息处理费。（更正后）"
    from reports.services import save_values

    save_values(report, values)
    publish(report, approver, note="第六部分补充了说明。")
    second = Publication.objects.get(report=report, number=2)
    assert second.correction_note == "第六部分补充了说明。"
    assert "更正说明" in second.html and "第六部分补充了说明。" in second.html
    assert "（更正后）" in second.html
    first.refresh_from_db()
    assert (first.html, bytes(first.pdf), first.pdf_sha256) == original


def test_only_a_published_report_can_be_frozen(report, approver):
    with pytest.raises(PublishingError, match="已公开发布"):
        freeze_publication(report, by=approver)
    assert not Publication.objects.exists()


def test_render_report_writes_the_files_and_the_frozen_bytes_once_published(report, approver, tmp_path):
    from django.core.management import CommandError, call_command

    pdf, html, word = tmp_path / "a.pdf", tmp_path / "a.html", tmp_path / "a.docx"
    call_command("render_report", "西村乡", "2023", "--pdf", str(pdf), "--html", str(html), "--docx", str(word))
    assert pdf.read_bytes()[:5] == b"%PDF-" and word.read_bytes()[:2] == b"PK"
    assert "草稿" in html.read_text(encoding="utf-8")

    publish(report, approver)
    publication = Publication.objects.get(report=report)
    call_command("render_report", "西村乡人民政府", "2023", "--pdf", str(pdf), "--html", str(html))
    assert pdf.read_bytes() == bytes(publication.pdf)
    assert html.read_bytes() == publication.html.encode("utf-8")

    with pytest.raises(CommandError, match="至少指定一个输出"):
        call_command("render_report", "西村乡", "2023")
    with pytest.raises(CommandError, match="没有 2022 年度的报告"):
        call_command("render_report", "西村乡", "2022", "--pdf", str(pdf))


def test_the_signal_may_come_before_the_new_state_is_saved(report, approver):
    with transaction.atomic():
        report.status = Report.Status.PUBLISHED  # in memory only, as a publish() might send it first
        report_published.send(sender=Report, report=report, by=approver, correction_note="")
        report.save(update_fields=["status"])
    assert Publication.objects.get(report=report).number == 1
