from django.contrib import admin
from django.urls import include, path

from .health import healthz

admin.site.site_header = "gkportal 政府信息公开工作年度报告"
admin.site.site_title = "gkportal 管理"
admin.site.index_title = "系统管理"

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("accounts/", include("django.contrib.auth.urls")),
    path("", include("reports.urls")),
]
