"""The official document for signed-in users: the draft preview with its 草稿 watermark, PDF and Word."""

from __future__ import annotations

from django.shortcuts import render
from django.urls import reverse

from .. import published_files
from ..exports.word import render_docx
from ..models import Publication
from ..permissions import get_report_for_user
from ..publishing import published_file, sha256
from ..exports.document import MissingFontsError, document_context, is_draft, render_pdf
from .downloads import DOCX, PDF, file_response, stored_file_response


def _filename(report, ext: str, draft: bool) -> str:
    return f"{report.title}{'（草稿）' if draft else ''}.{ext}"


def report_document(request, report_id: int):
    report = get_report_for_user(request.user, report_id)
    draft = is_draft(report)
    context = document_context(report, draft=draft)
    if report.publications.exists():
        context["public_url"] = reverse("public_report", args=[report.organisation_id, report.year])
    return render(request, "reports/document.html", context)


def report_pdf(request, report_id: int):
    """A published report's frozen PDF; anything else rendered now, as a draft."""
    report = get_report_for_user(request.user, report_id)
    draft = is_draft(report)
    row = None if draft else report.publications.order_by("-number").values("pk", "pdf_sha256").first()
    if row is not None:
        path = published_files.file_for(row["pdf_sha256"], "pdf", lambda: bytes(
            Publication.objects.values_list("pdf", flat=True).get(pk=row["pk"])))
        return stored_file_response(request, path, PDF, _filename(report, "pdf", False), sha256=row["pdf_sha256"])
    try:
        pdf = render_pdf(report, draft=draft)
    except MissingFontsError as exc:
        return render(request, "reports/render_error.html", {"report": report, "message": str(exc)}, status=503)
    return file_response(request, pdf, PDF, _filename(report, "pdf", draft))


def report_docx(request, report_id: int):
    """A published report's Word file as frozen at publication; anything else rendered now, as a draft."""
    report = get_report_for_user(request.user, report_id)
    frozen = published_file(report, "docx")
    if frozen is not None:
        return file_response(request, frozen, DOCX, _filename(report, "docx", False), sha256=sha256(frozen))
    draft = is_draft(report)
    return file_response(request, render_docx(report, draft=draft), DOCX, _filename(report, "docx", draft))
