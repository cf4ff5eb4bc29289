from django.urls import include, path

from . import converters  # noqa: F401  (registers <id:…> and <year:…>)
from .views import county, document, editing, findings, guide, home, importing, jobs, manage, workflow

urlpatterns = [
    path("", home.index, name="home"),
    path("help/", guide.help_page, name="help"),
    # The report's home page (sections, states, findings) and the section editors.
    path("reports/<id:report_id>/", editing.report_home, name="report_detail"),
    path("reports/<id:report_id>/edit/<str:section>/", editing.section_edit, name="section_edit"),
    path("reports/<id:report_id>/edit/<str:section>/check/", editing.section_check, name="section_check"),
    path("reports/<id:report_id>/edit/<str:section>/save/", editing.section_save, name="section_save"),
    # The report as the official document, in the browser.
    path("reports/<id:report_id>/document/", document.report_document, name="report_document"),
    path("reports/<id:report_id>/document.pdf", document.report_pdf, name="report_pdf"),
    path("reports/<id:report_id>/document.docx", document.report_docx, name="report_docx"),
    # The public column (no login): published reports by organisation and year.
    path("gongkai/", include("reports.public_urls")),
    # Workflow: transitions (GET shows the form, POST acts), section comments, versions, the inbox.
    path("reports/<id:report_id>/submit/", workflow.transition, {"action": "submit"}, name="report_submit"),
    path("reports/<id:report_id>/return/", workflow.transition, {"action": "return"}, name="report_return"),
    path("reports/<id:report_id>/approve/", workflow.transition, {"action": "approve"}, name="report_approve"),
    path("reports/<id:report_id>/publish/", workflow.transition, {"action": "publish"}, name="report_publish"),
    path("reports/<id:report_id>/reopen/", workflow.transition, {"action": "reopen"}, name="report_reopen"),
    path("reports/<id:report_id>/comments/", workflow.comment_add, name="report_comment_add"),
    path("reports/<id:report_id>/comments/<id:comment_id>/resolve/", workflow.comment_resolve,
         name="report_comment_resolve"),
    path("reports/<id:report_id>/versions/", workflow.versions, name="report_versions"),
    path("inbox/", workflow.inbox, name="inbox"),
    path("inbox/read/", workflow.notifications_read, name="notifications_read"),
    # The county office's management of its subtree.
    path("manage/", manage.home, name="manage_home"),
    path("manage/organisations/new/", manage.organisation_new, name="manage_org_new"),
    path("manage/organisations/<id:organisation_id>/", manage.organisation_edit, name="manage_org_edit"),
    path("manage/users/new/", manage.user_new, name="manage_user_new"),
    path("manage/users/<id:user_id>/", manage.user_detail, name="manage_user"),
    path("manage/users/<id:user_id>/password/", manage.user_password, name="manage_user_password"),
    path("manage/users/<id:user_id>/roles/", manage.user_grant, name="manage_user_grant"),
    path("manage/users/<id:user_id>/roles/<id:membership_id>/revoke/", manage.user_revoke,
         name="manage_user_revoke"),
    path("manage/grants/<id:grant_id>/confirm/", manage.grant_confirm, name="manage_grant_confirm"),
    path("manage/grants/<id:grant_id>/withdraw/", manage.grant_withdraw, name="manage_grant_withdraw"),
    # The rules' findings: page, JSON, acknowledging a warning.
    path("reports/<id:report_id>/findings/", findings.report_findings, name="report_findings"),
    path("reports/<id:report_id>/findings.json", findings.report_findings_json, name="report_findings_json"),
    path("reports/<id:report_id>/findings/acknowledge/", findings.acknowledge_finding, name="acknowledge_finding"),
    # Importing documents, Excel/JSON downloads, next year from last year (reports/views/importing.py).
    path("reports/<id:report_id>/import/", importing.report_import, name="report_import"),
    path("reports/<id:report_id>/import/confirm/", importing.report_import_confirm, name="report_import_confirm"),
    path("reports/<id:report_id>/export.xlsx", importing.report_export_xlsx, name="report_export_xlsx"),
    path("reports/<id:report_id>/export.json", importing.report_export_json, name="report_export_json"),
    path("reports/<id:report_id>/next-year/", importing.start_next_year, name="report_next_year"),
    path("reports/<id:report_id>/carried/confirm/", importing.confirm_carried, name="report_confirm_carried"),
    path("import/", importing.bulk_import, name="bulk_import"),
    path("import/confirm/", importing.bulk_import_confirm, name="bulk_import_confirm"),
    path("import/jobs/<id:job_id>/", importing.bulk_import_job, name="bulk_import_job"),
    # Background tasks (reports/tasks.py): progress, outcome, retry.
    path("jobs/<id:job_id>/", jobs.job_status, name="job_status"),
    path("jobs/<id:job_id>/retry/", jobs.job_retry, name="job_retry"),
    path("jobs/<id:job_id>/file/", jobs.job_file, name="job_file"),
    path("export/reports.xlsx", importing.analysts_export, name="analysts_export"),
    # The county office: progress, consolidated tables (and .xlsx, per-cell breakdown), trends.
    path("county/", county.home, name="county_home"),
    path("county/<id:org_id>/<year:year>/", county.dashboard, name="county_dashboard"),
    path("county/<id:org_id>/<year:year>/tables/", county.tables, name="county_tables"),
    path("county/<id:org_id>/<year:year>/tables.xlsx", county.tables_xlsx, name="county_tables_xlsx"),
    path("county/<id:org_id>/<year:year>/tables.xlsx/job/", county.tables_xlsx_job, name="county_tables_xlsx_job"),
    path("county/<id:org_id>/<year:year>/tables/cell/", county.cell, name="county_cell"),
    path("county/<id:org_id>/<year:year>/consolidated-report/", county.prefill, name="county_prefill"),
    path("county/<id:org_id>/trends/", county.trends, name="county_trends"),
]
