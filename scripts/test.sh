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
# Each run's output is also kept in test-artifacts/logs/, and the end of this script repeats every run's
# result and its failures, so that a failure is on the last screen of a long CI log.
LOGS=test-artifacts/logs
mkdir -p "$LOGS"
rm -f "$LOGS"/*.log
SUMMARY=()

# One pytest run, its output on the screen and in $LOGS/$1.log.
run() {
  local name=$1; shift
  $PY -m pytest "$@" 2>&1 | tee "$LOGS/$name.log"
  local rc=${PIPESTATUS[0]}
  SUMMARY+=("$name: exit $rc, $(grep -E '^=+ .*(passed|failed|error|no tests ran).* =+$' "$LOGS/$name.log" | tail -1 | tr -d '=' | xargs)")
  return "$rc"
}

# The whole suite: everything but the browser tests spread over the cores, then the browser tests in one
# process (they wait on timers and a live server: two Chromiums fighting for two cores made them flaky).
# A browser test that fails is run once more (pytest-rerunfailures): on a loaded 2-core machine a page can
# miss a timer; the rerun is printed (R) and listed, and a test that fails twice fails the run.
# With arguments (make fuzz), just those, in one run.
suite() {
  local db=$1; shift
  if [ $# -gt 0 ]; then
    run "$db" "${XDIST[@]}" "$@"
  else
    run "$db" "${XDIST[@]}" --ignore=tests/browser
    local rc=$?
    run "$db-browser" tests/browser --reruns 1 --reruns-delay 2 -raR
    local browser_rc=$?
    [ $rc -eq 0 ] && [ $browser_rc -eq 0 ]
  fi
}

echo "== gkportal tests on SQLite =="
suite sqlite "$@"
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
  DATABASE_URL="${PG_TEST_URL:-postgres://postgres@127.0.0.1:5432/gkportal}" suite postgresql "$@"
  pg_rc=$?
else
  echo "== PostgreSQL does not answer on 127.0.0.1:5432: the PostgreSQL run is skipped =="
  SUMMARY+=("postgresql: skipped, PostgreSQL does not answer on 127.0.0.1:5432")
fi

echo "== gkportal test summary (logs in $LOGS/) =="
printf '%s\n' "${SUMMARY[@]}"
grep -hE '^(FAILED|ERROR|RERUN) ' "$LOGS"/*.log | sed 's/^/  /' || true
[ $sqlite_rc -eq 0 ] && [ $pg_rc -eq 0 ]
