#!/usr/bin/env bash
# Runs the whole suite on SQLite, then on PostgreSQL when one answers on 127.0.0.1:5432.
set -uo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
# Spread the tests over the machine's cores (pytest-xdist; each worker has its own test database).
# GKPORTAL_TEST_WORKERS=0 runs them in one process, as a debugger wants.
WORKERS="${GKPORTAL_TEST_WORKERS:-$(nproc 2>/dev/null || echo 2)}"
if [ "$WORKERS" -gt 1 ] 2>/dev/null; then XDIST=(-n "$WORKERS"); else XDIST=(); fi
# The test environment's settings come from gkportal/pytest_plugin.py.
unset DATABASE_URL

# The whole suite: everything but the browser tests spread over the cores, then the browser tests in one
# process (they wait on timers and a live server: two Chromiums fighting for two cores made them flaky).
# With arguments (make fuzz), just those, in one run.
suite() {
  if [ $# -gt 0 ]; then
    $PY -m pytest "${XDIST[@]}" "$@"
  else
    $PY -m pytest "${XDIST[@]}" --ignore=tests/browser
    local rc=$?
    $PY -m pytest tests/browser
    local browser_rc=$?
    [ $rc -eq 0 ] && [ $browser_rc -eq 0 ]
  fi
}

echo "== gkportal tests on SQLite =="
suite "$@"
sqlite_rc=$?

pg_rc=0
if $PY - <<'PY' 2>/dev/null
import psycopg, sys
try:
    psycopg.connect("host=127.0.0.1 port=5432 user=postgres dbname=postgres", connect_timeout=3).close()
except Exception:
    sys.exit(1)
PY
then
  echo "== gkportal tests on PostgreSQL (127.0.0.1:5432) =="
  DATABASE_URL="${PG_TEST_URL:-postgres://postgres@127.0.0.1:5432/gkportal}" suite "$@"
  pg_rc=$?
else
  echo "== PostgreSQL does not answer on 127.0.0.1:5432: the PostgreSQL run is skipped =="
fi
[ $sqlite_rc -eq 0 ] && [ $pg_rc -eq 0 ]
