"""Publishing freezes the document: the HTML, the PDF and the numbers are stored once, with SHA-256.

The PDF and HTML are also written as files named by their SHA-256 (reports.published_files), which the
public downloads serve.

`freeze_publication` runs inside the workflow's publish transaction (through the `report_published`
signal); if it fails it raises, and the publication rolls back. The publish task (reports.tasks) renders
first, with `render_publication`, outside any transaction, and hands the result to it, so that the
transaction holding the report's lock is short. Nothing here is ever re-rendered: the
public pages serve the stored bytes, so a later template change never alters a published report.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.db import transaction
from django.dispatch import receiver
from django.utils import timezone

from . import published_files
from .exports.word import render_docx
from .exports.excel import report_workbook
from .models import Publication, Report
from .exports.document import document_article, html_to_pdf_pages, render_html
from .signals import report_published


class PublishingError(Exception):
    """The report cannot be frozen as it stands; the message is for the user."""


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def render_publication(report: Report, *, number: int, correction_note: str = "") -> dict[str, Any]:
    """Everything a Publication stores that takes time to make (HTML, PDF, Word, Excel, numbers), for the
    `number`th publication of the report as it stands. Touches nothing: a task renders this first and
    writes it with the state change in one short transaction (freeze_publication's `rendered`)."""
    note = (correction_note or "").strip() if number > 1 else ""
    values = report.values()
    html = render_html(report, draft=False, correction_note=note, values=values)
    document_article(html)  # a document the public page cannot embed must not be published
    pdf, pages = html_to_pdf_pages(html)
    return {"number": number, "correction_note": note, "html": html, "pdf": pdf, "pdf_pages": pages,
            "docx": render_docx(report, draft=False), "xlsx": report_workbook(report, values),
            "data": values.to_json_dict()}


def next_publication_number(report: Report) -> int:
    last = report.publications.order_by("-number").values_list("number", flat=True).first()
    return (last or 0) + 1


@transaction.atomic
def freeze_publication(report: Report, *, by, correction_note: str = "",
                       rendered: dict[str, Any] | None = None) -> Publication:
    """Store the report as its next Publication: `rendered` (render_publication's, made for this number and
    this state of the report: the workflow vouches for that) or rendered now, once and for good."""
    # Lock the report so two publishers cannot take the same number.
    locked = Report.objects.select_for_update().select_related("organisation").get(pk=report.pk)
    # The workflow may send the signal before or after saving the new state, inside its transaction.
    if Report.Status.PUBLISHED not in (report.status, locked.status):
        raise PublishingError(f"只有“{Report.Status.PUBLISHED.label}”状态的报告才能生成正式文本，"
                              f"这份报告目前是“{locked.get_status_display()}”。")
    number = next_publication_number(locked)
    note = (correction_note or "").strip()
    if number > 1 and not note:
        raise PublishingError("这份报告已经发布过，再次发布即为更正，请填写更正说明。")
    if rendered is None or rendered.get("number") != number or rendered.get("correction_note") != (
            note if number > 1 else ""):
        rendered = render_publication(locked, number=number, correction_note=note)
    html_bytes = rendered["html"].encode("utf-8")
    publication = Publication.objects.create(
        report=locked,
        number=number,
        title=locked.title,
        organisation_name=locked.organisation.name,
        html=rendered["html"],
        html_sha256=sha256(html_bytes),
        pdf=rendered["pdf"],
        pdf_sha256=sha256(rendered["pdf"]),
        pdf_pages=rendered["pdf_pages"],
        docx=rendered["docx"],
        xlsx=rendered["xlsx"],
        data=rendered["data"],
        correction_note=rendered["correction_note"],
        published_at=timezone.now(),
        published_by=by if getattr(by, "pk", None) else None,
    )
    # The files the public downloads are served from; a failure here rolls the publication back. A rollback
    # after this leaves a file no publication names, which is harmless: its name is its content's hash.
    published_files.write(rendered["pdf"], publication.pdf_sha256, "pdf")
    published_files.write(html_bytes, publication.html_sha256, "html")
    return publication


@receiver(report_published, dispatch_uid="reports.publishing.freeze_on_publish")
def freeze_on_publish(sender, *, report: Report, by=None, correction_note: str = "",
                      rendered: dict[str, Any] | None = None, **kwargs: Any) -> None:
    """The workflow's publish() sends this inside its transaction; an exception here rolls it back."""
    freeze_publication(report, by=by, correction_note=correction_note, rendered=rendered)


# ---------------------------------------------------------------- what the public pages read


def latest_publication(report: Report) -> Publication | None:
    return report.publications.order_by("-number").first()


FROZEN_FILES = {"docx": render_docx, "xlsx": lambda report, draft: report_workbook(report)}


def published_file(report: Report, kind: str) -> bytes | None:
    """The Word ("docx") or Excel ("xlsx") file of a published report, as frozen at its latest publication;
    None when the report is not published (it is then rendered as a draft). A publication made before these
    files were stored gets them at its first download, once."""
    if report.status != Report.Status.PUBLISHED:
        return None
    row = report.publications.order_by("-number").values("pk", kind).first()
    if row is None:
        return None
    content = bytes(row[kind] or b"")
    if not content:
        content = FROZEN_FILES[kind](report, draft=False)
        Publication.objects.filter(pk=row["pk"], **{kind: b""}).update(**{kind: content})
    return content
