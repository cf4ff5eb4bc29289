"""gkportal settings: one file, every deployment-specific value read from the environment.

See README.md, "Configuration", for the variables.
"""

from __future__ import annotations

import datetime
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from .env import env_bool, env_float, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DJANGO_DEBUG", False)

SECRET_KEY = env_str("DJANGO_SECRET_KEY") or ""
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set. Set it to a long random string in production "
            "(python -c 'import secrets; print(secrets.token_urlsafe(50))'), or set DJANGO_DEBUG=1 for development."
        )
    SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production-0123456789abcdefghij"

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "axes",
    "csp",
    "django_tasks",
    "reports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Published PDF and HTML files, as WhiteNoise does static ones: before sessions, CSRF and auth.
    "reports.published_middleware.PublishedFilesMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # The signed-in user's memberships read once per request (reports.permissions).
    "reports.permissions.RequestScopedUserMiddleware",
    "gkportal.idle.IdleTimeoutMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # A password somebody else set must be replaced by the owner's own before anything else.
    "reports.accounts.PasswordChangeRequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes asks: it turns a flagged failed login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "gkportal.urls"
WSGI_APPLICATION = "gkportal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "gkportal.idle.idle_context",
            ],
        },
    },
]

_default_db = f"sqlite:///{BASE_DIR / 'db.sqlite3'}"
try:
    DATABASES = {"default": dj_database_url.parse(env_str("DATABASE_URL") or _default_db, conn_max_age=60)}
except Exception as exc:  # dj_database_url raises several kinds on a malformed URL
    raise ImproperlyConfigured(f"DATABASE_URL is not a valid database URL: {exc}") from None
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Several people save at once: wait for the write lock instead of failing at once.
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
    DATABASES["default"]["CONN_MAX_AGE"] = 0
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and env_bool("GKPORTAL_PG_PREPARED", True):
    # Parameters bound by the server, and a statement run five times on a connection prepared there: the editor's
    # read of a report joins eight tables, which PostgreSQL took ~0.8 ms to plan and 0.07 ms to run, on every
    # check and twice on every save. Django leaves prepared statements off for connection poolers in transaction
    # mode (PgBouncer before 1.21): behind one, set GKPORTAL_PG_PREPARED=0.
    DATABASES["default"].setdefault("OPTIONS", {}).update(server_side_binding=True, prepare_threshold=5)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "gkportal.auth.ThrottledBackend",
    # Django's ModelBackend, reading the account state with the user (one query less per request). Sessions
    # signed in under django.contrib.auth.backends.ModelBackend end once when this is deployed.
    "gkportal.auth.AccountModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "gkportal.passwords.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "gkportal.auth.CharacterClassesValidator"},
]

# Login throttling (django-axes): after 5 failures for one username from one address, a 30-minute
# lock-out. Attempts live in the database, so every app server behind a load balancer sees them.
AXES_ENABLED = env_bool("GKPORTAL_LOGIN_THROTTLING", True)
AXES_FAILURE_LIMIT = env_int("GKPORTAL_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env_int("GKPORTAL_LOGIN_COOLOFF_MINUTES", 30))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_IPWARE_PROXY_COUNT = 1 if env_bool("DJANGO_BEHIND_TLS_PROXY", False) else None
AXES_VERBOSE = False
# Idle logout (等保): a session ends after this many minutes without a request (gkportal/idle.py);
# the page warns a minute before. The cookie and the stored session last a little longer, as a backstop.
GKPORTAL_IDLE_MINUTES = env_int("GKPORTAL_IDLE_MINUTES", 30)
if not 2 <= GKPORTAL_IDLE_MINUTES <= 1440:
    raise ImproperlyConfigured(
        f"GKPORTAL_IDLE_MINUTES={GKPORTAL_IDLE_MINUTES} should be between 2 and 1440 (minutes without activity)."
    )
SESSION_COOKIE_AGE = (GKPORTAL_IDLE_MINUTES + 2) * 60
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env_str("DJANGO_STATIC_ROOT") or BASE_DIR / "staticfiles")
MEDIA_ROOT = Path(env_str("DJANGO_MEDIA_ROOT") or BASE_DIR / "media")
MEDIA_URL = "media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        # The manifest storage needs `collectstatic`; development and tests serve files as they are.
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if env_bool("DJANGO_STATIC_MANIFEST", not DEBUG)
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

EMAIL_BACKEND = env_str("DJANGO_EMAIL_BACKEND") or (
    "django.core.mail.backends.console.EmailBackend" if DEBUG else "django.core.mail.backends.smtp.EmailBackend"
)
EMAIL_HOST = env_str("DJANGO_EMAIL_HOST") or "localhost"
EMAIL_PORT = env_int("DJANGO_EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("DJANGO_EMAIL_HOST_USER") or ""
EMAIL_HOST_PASSWORD = env_str("DJANGO_EMAIL_HOST_PASSWORD") or ""
EMAIL_USE_TLS = env_bool("DJANGO_EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DJANGO_DEFAULT_FROM_EMAIL") or "gkportal@localhost"

# Security: strict by default outside development; each can be relaxed behind a TLS proxy.
SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # load balancers probe over plain HTTP
SECURE_HSTS_SECONDS = env_int("DJANGO_SECURE_HSTS_SECONDS", 0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("DJANGO_SECURE_HSTS_PRELOAD", True)
if env_bool("DJANGO_BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
# Content-Security-Policy (django-csp): scripts only from our own static files, never inline; nothing
# from other hosts. Inline styles stay allowed: they cannot run code, and the SVG charts carry <style>.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# gkportal's own settings.
# The address people open gkportal at, for the links in notification emails (e.g. https://gk.example.gov.cn).
GKPORTAL_BASE_URL = env_str("GKPORTAL_BASE_URL") or ""

# Long work (publication, bulk import, reminders) runs as django-tasks tasks. With a broker configured a
# worker does it (`manage.py rqworker <queue>`, beside gunicorn); without one (`make run`, the tests) each task
# runs in-process, inside the request that enqueues it, so the embedded default stays one command.
GKPORTAL_REDIS_URL = env_str("GKPORTAL_REDIS_URL") or ""  # not REDIS_URL: a cache URL must not turn tasks off
GKPORTAL_TASK_QUEUE = env_str("GKPORTAL_TASK_QUEUE") or "gkportal"
# A running task that has shown no progress for this long is taken for dead (its worker was killed) and may
# be retried from its page; publication is all-or-nothing, so a retry never publishes twice.
GKPORTAL_TASK_STALE_SECONDS = env_int("GKPORTAL_TASK_STALE_SECONDS", 300)
# The county office's consolidated .xlsx is made by a task (the user waits on the job page) when the subtree has
# more organisations than this; a county of a few dozen keeps its direct download.
GKPORTAL_COUNTY_XLSX_TASK_ABOVE = env_int("GKPORTAL_COUNTY_XLSX_TASK_ABOVE", 2000)
if GKPORTAL_REDIS_URL:
    INSTALLED_APPS.append("django_rq")
    RQ_QUEUES = {GKPORTAL_TASK_QUEUE: {"URL": GKPORTAL_REDIS_URL, "DEFAULT_TIMEOUT": 1800}}
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": [GKPORTAL_TASK_QUEUE]}}
    # The same Redis caches what every gunicorn worker reads again and again (last year's report for the live
    # check, reports/previous.py), so that one worker's read serves the others. Django's own Redis backend.
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                          "LOCATION": GKPORTAL_REDIS_URL, "KEY_PREFIX": "gkportal-cache"}}
    # Every signed-in request reads its session: from that Redis, one round trip, instead of a database query
    # (written through to the database too, so a Redis restart signs nobody out). Only with a cache all the
    # workers share: a per-process cache would keep serving a session another worker had ended.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
                         "QUEUES": [GKPORTAL_TASK_QUEUE]}}
# T3-OTHER-HIGH: warn when （六）其他处理 exceeds this share of （七）总计.
GKPORTAL_OTHER_HANDLING_WARN_SHARE = env_float("GKPORTAL_OTHER_HANDLING_WARN_SHARE", 0.2)
# The largest document (or zip of documents) an import accepts.
_import_max_mb = env_int("GKPORTAL_IMPORT_MAX_MB", 20)
if not 1 <= _import_max_mb <= 1024:
    raise ImproperlyConfigured(f"GKPORTAL_IMPORT_MAX_MB={_import_max_mb} should be between 1 and 1024 (megabytes).")
GKPORTAL_IMPORT_MAX_BYTES = _import_max_mb * 1024 * 1024
# What reading one imported document may cost, whatever it claims about itself (reports/importing/budget.py,
# README "Security"). Keep gunicorn's --timeout above GKPORTAL_IMPORT_BULK_SECONDS.
GKPORTAL_IMPORT_LIMITS = {
    "seconds": env_float("GKPORTAL_IMPORT_SECONDS", 15.0),
    "memory_mb": env_int("GKPORTAL_IMPORT_MEMORY_MB", 512),
    "bulk_seconds": env_float("GKPORTAL_IMPORT_BULK_SECONDS", 40.0),
    "pdf_pages": env_int("GKPORTAL_IMPORT_PDF_PAGES", 60),
    "pdf_page_mb": env_float("GKPORTAL_IMPORT_PDF_PAGE_MB", 1.0),
    "pdf_total_mb": env_float("GKPORTAL_IMPORT_PDF_TOTAL_MB", 4.0),
    "xml_mb": env_float("GKPORTAL_IMPORT_XML_MB", 10.0),
    "package_mb": env_float("GKPORTAL_IMPORT_PACKAGE_MB", 40.0),
    "cells": env_int("GKPORTAL_IMPORT_CELLS", 200_000),
    "text_mb": env_float("GKPORTAL_IMPORT_TEXT_MB", 4.0),
    "lines": env_int("GKPORTAL_IMPORT_LINES", 10_000),
    "isolate": env_bool("GKPORTAL_IMPORT_ISOLATE", True),
}
for _name, _value in GKPORTAL_IMPORT_LIMITS.items():
    if not isinstance(_value, bool) and not 0 < _value < 10**9:
        raise ImproperlyConfigured(f"GKPORTAL_IMPORT_{_name.upper()}={_value} should be a positive number.")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("DJANGO_LOG_LEVEL") or "INFO"},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # WeasyPrint reports every layout step at INFO: one line per page of every PDF.
        "weasyprint.progress": {"level": "WARNING"},
    },
}
