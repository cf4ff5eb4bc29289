from django.urls import path

from .views import findings, home

urlpatterns = [
    path("", home.index, name="home"),
    # The report's home page (sections, states, findings) — the drafting part grows it.
    path("reports/<int:report_id>/", home.report_detail, name="report_detail"),
    # The report as the official document, in the browser — the rendering part grows it.
    path("reports/<int:report_id>/document/", home.report_document, name="report_document"),
    # The rules' findings: page, JSON, acknowledging a warning.
    path("reports/<int:report_id>/findings/", findings.report_findings, name="report_findings"),
    path("reports/<int:report_id>/findings.json", findings.report_findings_json, name="report_findings_json"),
    path("reports/<int:report_id>/findings/acknowledge/", findings.acknowledge_finding, name="acknowledge_finding"),
    # Stand-in for the section editor's route (replaced at merge), so findings can link to their cells.
    path("reports/<int:report_id>/edit/<str:section>/", findings.section_edit_stand_in, name="section_edit"),
]
