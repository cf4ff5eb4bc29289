from django.urls import path

from .views import home, importing

urlpatterns = [
    path("", home.index, name="home"),
    # The report's home page (sections, states, findings) — the drafting part grows it.
    path("reports/<int:report_id>/", home.report_detail, name="report_detail"),
    # The report as the official document, in the browser — the rendering part grows it.
    path("reports/<int:report_id>/document/", home.report_document, name="report_document"),
    # Importing documents, Excel/JSON downloads, next year from last year (reports/views/importing.py).
    path("reports/<int:report_id>/import/", importing.report_import, name="report_import"),
    path("reports/<int:report_id>/import/confirm/", importing.report_import_confirm, name="report_import_confirm"),
    path("reports/<int:report_id>/export.xlsx", importing.report_export_xlsx, name="report_export_xlsx"),
    path("reports/<int:report_id>/export.json", importing.report_export_json, name="report_export_json"),
    path("reports/<int:report_id>/next-year/", importing.start_next_year, name="report_next_year"),
    path("reports/<int:report_id>/carried/confirm/", importing.confirm_carried, name="report_confirm_carried"),
    path("import/", importing.bulk_import, name="bulk_import"),
    path("import/confirm/", importing.bulk_import_confirm, name="bulk_import_confirm"),
    path("export/reports.xlsx", importing.analysts_export, name="analysts_export"),
]
