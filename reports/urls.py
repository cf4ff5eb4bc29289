from django.urls import path

from .views import county, home

urlpatterns = [
    path("", home.index, name="home"),
    # The report's home page (sections, states, findings) — the drafting part grows it.
    path("reports/<int:report_id>/", home.report_detail, name="report_detail"),
    # The report as the official document, in the browser — the rendering part grows it.
    path("reports/<int:report_id>/document/", home.report_document, name="report_document"),
    # Stand-in for the rules part's findings page: at merge it points at the real view.
    path("reports/<int:report_id>/findings/", home.report_detail, name="report_findings"),
    # The county office: progress, consolidated tables (and .xlsx, per-cell breakdown), trends.
    path("county/", county.home, name="county_home"),
    path("county/<int:org_id>/<int:year>/", county.dashboard, name="county_dashboard"),
    path("county/<int:org_id>/<int:year>/tables/", county.tables, name="county_tables"),
    path("county/<int:org_id>/<int:year>/tables.xlsx", county.tables_xlsx, name="county_tables_xlsx"),
    path("county/<int:org_id>/<int:year>/tables/cell/", county.cell, name="county_cell"),
    path("county/<int:org_id>/<int:year>/consolidated-report/", county.prefill, name="county_prefill"),
    path("county/<int:org_id>/trends/", county.trends, name="county_trends"),
]
