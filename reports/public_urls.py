"""The public column: /gongkai/ (政府信息公开年报), stable by organisation id and year."""

from django.urls import path

from . import converters  # noqa: F401  (registers <id:…> and <year:…>)
from .views import public

urlpatterns = [
    path("", public.public_index, name="public_index"),
    path("<id:org_id>/", public.public_org, name="public_org"),
    path("<id:org_id>/<year:year>/", public.public_report, name="public_report"),
    path("<id:org_id>/<year:year>/report.pdf", public.public_pdf, name="public_pdf"),
    path("<id:org_id>/<year:year>/data.json", public.public_json, name="public_json"),
    path("<id:org_id>/<year:year>/data.csv", public.public_csv, name="public_csv"),
    path("<id:org_id>/<year:year>/v<id:number>.pdf", public.public_version_pdf, name="public_version_pdf"),
    path("<id:org_id>/<year:year>/v<id:number>.html", public.public_version_html, name="public_version_html"),
    path("<str:org_key>/", public.public_alias, name="public_alias_org"),
    path("<str:org_key>/<year:year>/", public.public_alias, name="public_alias"),
]
