from django.urls import path

from .views import editing, home

urlpatterns = [
    path("", home.index, name="home"),
    # The report's home page (sections, states, findings) — the drafting part grows it.
    path("reports/<int:report_id>/", editing.report_home, name="report_detail"),
    path("reports/<int:report_id>/edit/<str:section>/", editing.section_edit, name="section_edit"),
    path("reports/<int:report_id>/edit/<str:section>/check/", editing.section_check, name="section_check"),
    path("reports/<int:report_id>/edit/<str:section>/save/", editing.section_save, name="section_save"),
    # The report as the official document, in the browser — the rendering part grows it.
    path("reports/<int:report_id>/document/", home.report_document, name="report_document"),
]
