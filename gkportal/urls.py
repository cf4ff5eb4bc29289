from django.contrib import admin
from django.contrib.auth.views import LoginView, PasswordResetView
from django.urls import include, path

from reports.accounts import OwnPasswordChangeView, OwnPasswordResetConfirmView, UnprivilegedPasswordResetForm

from .auth import AdminLoginForm, LoginForm
from .health import healthz
from .idle import PING_PATH, STATE_PATH, session_ping, session_state
from .pages import favicon

admin.site.site_header = "gkportal 政府信息公开工作年度报告"
admin.site.site_title = "gkportal 管理"
admin.site.index_title = "系统管理"
admin.site.login_form = AdminLoginForm

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("favicon.ico", favicon, name="favicon"),
    path(STATE_PATH.lstrip("/"), session_state, name="session_state"),
    path(PING_PATH.lstrip("/"), session_ping, name="session_ping"),
    path("admin/", admin.site.urls),
    path("accounts/login/", LoginView.as_view(authentication_form=LoginForm), name="login"),
    path("accounts/password_change/", OwnPasswordChangeView.as_view(), name="password_change"),
    path("accounts/password_reset/", PasswordResetView.as_view(form_class=UnprivilegedPasswordResetForm),
         name="password_reset"),
    path("accounts/reset/<uidb64>/<token>/", OwnPasswordResetConfirmView.as_view(), name="password_reset_confirm"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("", include("reports.urls")),
]
