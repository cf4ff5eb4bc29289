from django.urls import include, path

from .views import document, home

urlpatterns = [
    path("", home.index, name="home"),
    # The report's home page (sections, states, findings) — the drafting part grows it.
    path("reports/<int:report_id>/", home.report_detail, name="report_detail"),
    # The report as the official document, in the browser — the rendering part grows it.
    path("reports/<int:report_id>/document/", document.report_document, name="report_document"),
    path("reports/<int:report_id>/document.pdf", document.report_pdf, name="report_pdf"),
    path("reports/<int:report_id>/document.docx", document.report_docx, name="report_docx"),
    # The public column (no login): published reports by organisation and year.
    path("gongkai/", include("reports.public_urls")),
]
