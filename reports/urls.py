from django.urls import path

from .views import home

urlpatterns = [
    path("", home.index, name="home"),
    # The report's home page (sections, states, findings) — the drafting part grows it.
    path("reports/<int:report_id>/", home.report_detail, name="report_detail"),
    # The report as the official document, in the browser — the rendering part grows it.
    path("reports/<int:report_id>/document/", home.report_document, name="report_document"),
]
