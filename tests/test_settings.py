"""The settings read the environment, fail clearly on bad values, and pass check --deploy."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

PRODUCTION = {
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": "x9$Kp2!vQ7#mZ4&wR8*tY1^uL6@nB3%cF5(hJ0)dG-sA_eT+oI=pU~lM|kN;jH:gV",
    "DJANGO_ALLOWED_HOSTS": "gk.example.gov.cn",
    "DATABASE_URL": "postgres://gk:secret@db.internal:5432/gkportal",
}


def manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))}
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=clean | env, capture_output=True, text=True, timeout=120
    )


def test_check_deploy_is_clean_with_production_settings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "WARNING" not in result.stderr and "System check identified no issues" in result.stdout


def test_missing_secret_key_outside_debug_fails_with_a_clear_message():
    env = {k: v for k, v in PRODUCTION.items() if k != "DJANGO_SECRET_KEY"}
    result = manage("check", env=env)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr


def test_a_bad_boolean_is_named():
    result = manage("check", env=PRODUCTION | {"DJANGO_DEBUG": "maybe"})
    assert result.returncode != 0
    assert "DJANGO_DEBUG='maybe' is not a boolean" in result.stderr


def test_a_bad_database_url_is_named():
    result = manage("check", env=PRODUCTION | {"DATABASE_URL": "nosuchdb://x"})
    assert result.returncode != 0
    assert "DATABASE_URL" in result.stderr


def test_sqlite_is_the_default_database():
    result = manage("shell", "-c", "from django.db import connection; print(connection.vendor)",
                    env={"DJANGO_DEBUG": "1"})
    assert result.stdout.strip().splitlines()[-1] == "sqlite", result.stderr


def test_the_import_size_limit_comes_from_the_environment_in_megabytes():
    read = "from reports.importing import max_upload_bytes; print(max_upload_bytes())"
    result = manage("shell", "-c", read, env={"DJANGO_DEBUG": "1", "GKPORTAL_IMPORT_MAX_MB": "5"})
    assert result.stdout.strip().splitlines()[-1] == str(5 * 1024 * 1024), result.stderr
    result = manage("check", env={"DJANGO_DEBUG": "1", "GKPORTAL_IMPORT_MAX_MB": "0"})
    assert result.returncode != 0
    assert "GKPORTAL_IMPORT_MAX_MB=0 should be between 1 and 1024" in result.stderr


def test_the_migrations_match_the_models():
    result = manage("makemigrations", "--check", "--dry-run", env={"DJANGO_DEBUG": "1"})
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_broker_moves_tasks_to_the_worker_and_the_cache_and_sessions_to_redis():
    read = ("from django.conf import settings; print(settings.TASKS['default']['BACKEND'], "
            "settings.CACHES['default']['BACKEND'], settings.SESSION_ENGINE)")
    alone = manage("shell", "-c", read, env={"DJANGO_DEBUG": "1", "GKPORTAL_REDIS_URL": ""})
    assert alone.stdout.strip().splitlines()[-1].split() == [
        "django_tasks.backends.immediate.ImmediateBackend", "django.core.cache.backends.locmem.LocMemCache",
        "django.contrib.sessions.backends.db"], alone.stderr  # a per-process cache must not hold sessions
    broker = manage("shell", "-c", read, env={"DJANGO_DEBUG": "1", "GKPORTAL_REDIS_URL": "redis://127.0.0.1:6379/9"})
    assert broker.stdout.strip().splitlines()[-1].split() == [
        "django_tasks_rq.RQBackend", "django.core.cache.backends.redis.RedisCache",
        "django.contrib.sessions.backends.cached_db"], broker.stderr


def test_postgresql_prepares_statements_unless_told_not_to():
    read = "from django.conf import settings; print(sorted(settings.DATABASES['default'].get('OPTIONS', {}).items()))"
    url = {"DJANGO_DEBUG": "1", "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/gkportal"}
    on = manage("shell", "-c", read, env=url)
    assert on.stdout.strip().splitlines()[-1] == "[('prepare_threshold', 5), ('server_side_binding', True)]", on.stderr
    off = manage("shell", "-c", read, env={**url, "GKPORTAL_PG_PREPARED": "0"})
    assert off.stdout.strip().splitlines()[-1] == "[]", off.stderr
    sqlite = manage("shell", "-c", read, env={"DJANGO_DEBUG": "1", "DATABASE_URL": ""})
    assert "server_side_binding" not in sqlite.stdout, sqlite.stdout
