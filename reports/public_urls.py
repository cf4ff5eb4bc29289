"""The public column: /gongkai/ (政府信息公开年报), stable by organisation id and year."""

from django.urls import path

from .views import public

urlpatterns = [
    path("", public.public_index, name="public_index"),
    path("<int:org_id>/", public.public_org, name="public_org"),
    path("<int:org_id>/<int:year>/", public.public_report, name="public_report"),
    path("<int:org_id>/<int:year>/report.pdf", public.public_pdf, name="public_pdf"),
    path("<int:org_id>/<int:year>/data.json", public.public_json, name="public_json"),
    path("<int:org_id>/<int:year>/data.csv", public.public_csv, name="public_csv"),
    path("<int:org_id>/<int:year>/v<int:number>.pdf", public.public_version_pdf, name="public_version_pdf"),
    path("<int:org_id>/<int:year>/v<int:number>.html", public.public_version_html, name="public_version_html"),
    path("<str:org_key>/", public.public_alias, name="public_alias_org"),
    path("<str:org_key>/<int:year>/", public.public_alias, name="public_alias"),
]
