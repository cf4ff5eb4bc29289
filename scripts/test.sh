#!/usr/bin/env bash
# Runs the whole suite on SQLite and on PostgreSQL (when one answers on 127.0.0.1:5432).
set -uo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
CORES="$(nproc 2>/dev/null || echo 2)"
# GKPORTAL_TEST_WORKERS=0 runs everything in one process, one database after the other, as a debugger wants.
WORKERS="${GKPORTAL_TEST_WORKERS:-$CORES}"
# The browser tests run at the same time as the others (GKPORTAL_TEST_LANES=1: one run after the other).
# Why: the browser tests run in one process per database and use little CPU (they wait on Chromium, the
# live server and the pages' timers: both databases' editor and site-page tests side by side took
# 93 s of CPU in 154 s), so run alone they left the machine mostly idle for ~11 of the ~23 minutes.
# Now the non-browser tests (SQLite, then PostgreSQL, each spread over the cores with pytest-xdist) run
# while both databases' browser tests run beside them, each in its own process and test database.
LANES="${GKPORTAL_TEST_LANES:-2}"
# The test environment's settings come from gkportal/pytest_plugin.py.
unset DATABASE_URL
# Each run's output is kept in test-artifacts/logs/, and the end of this script repeats every run's
# result and its failures, so that a failure is on the last screen of a long CI log.
LOGS=test-artifacts/logs
mkdir -p "$LOGS"
rm -f "$LOGS"/*.log "$LOGS"/*.rc

xdist() {  # pytest-xdist options for $1 workers
  if [ "$1" -gt 1 ] 2>/dev/null; then echo "-n $1"; fi
}

BROWSER_OPTS="--reruns 1 --reruns-delay 2 -raR"
# The browser tests drive Debian's headless build of Chromium (chromium-headless-shell) when it is installed,
# and /usr/bin/chromium for the tests that need a reader's browser settings: the same pages through the
# same engine for less than half the CPU, which two cores running four test processes lack
# (tests/browser/conftest.py; GKPORTAL_TEST_HEADLESS_SHELL=0: /usr/bin/chromium for every test).
if [ "${GKPORTAL_TEST_HEADLESS_SHELL:-1}" != 0 ] && [ -x /usr/bin/chromium-headless-shell ]; then
  export GKPORTAL_CHROMIUM_HEADLESS_SHELL=/usr/bin/chromium-headless-shell
fi

# One pytest run, its output in $LOGS/$1.log (and on the screen, each line prefixed by its name when
# lanes run side by side); its exit status in $LOGS/$1.rc.
run() {
  local name=$1; shift
  if [ "$PARALLEL" = 1 ]; then
    $PY -m pytest --basetemp="$TMPROOT/$name" "$@" > "$LOGS/$name.log" 2>&1
    local rc=$?
    sed "s/^/[$name] /" "$LOGS/$name.log" | grep -E '^\[[^]]*\] (=+ |FAILED|ERROR|RERUN)' || true
  else
    $PY -m pytest --basetemp="$TMPROOT/$name" "$@" 2>&1 | tee "$LOGS/$name.log"
    local rc=${PIPESTATUS[0]}
  fi
  echo "$rc" > "$LOGS/$name.rc"
  return "$rc"
}

# The whole suite on one database, one run after the other (GKPORTAL_TEST_LANES=1, or no PostgreSQL):
# everything but the browser tests spread over the cores, then the browser tests in one process (they
# wait on timers and a live server: pytest-xdist's two Chromiums in one run fighting for two cores made
# them flaky). A browser test that fails is run once more
# (pytest-rerunfailures): on a loaded machine a page can miss a timer; the rerun is printed (R) and
# listed, and a test that fails twice fails the run. With arguments (make fuzz), just those, in one run.
suite() {
  local db=$1 workers=$2; shift 2
  if [ $# -gt 0 ]; then
    run "$db" $(xdist "$workers") "$@"
  else
    run "$db" $(xdist "$workers") --ignore=tests/browser
    local rc=$?
    run "$db-browser" tests/browser $BROWSER_OPTS
    local browser_rc=$?
    [ $rc -eq 0 ] && [ $browser_rc -eq 0 ]
  fi
}

TMPROOT="$(mktemp -d "${TMPDIR:-/tmp}/gkportal-tests.XXXXXX")"
trap 'rm -rf "$TMPROOT"' EXIT

PG=0
if $PY - <<'PY' 2>/dev/null
import psycopg, sys
try:
    psycopg.connect("host=127.0.0.1 port=5432 user=postgres dbname=postgres", connect_timeout=3).close()
except Exception:
    sys.exit(1)
PY
then PG=1; fi
PG_URL="${PG_TEST_URL:-postgres://postgres@127.0.0.1:5432/gkportal}"

PARALLEL=0
if [ "$LANES" -gt 1 ] 2>/dev/null && [ "$WORKERS" -gt 0 ] 2>/dev/null; then PARALLEL=1; fi

if [ "$PARALLEL" = 1 ]; then
  echo "== gkportal tests on SQLite$([ "$PG" = 1 ] && echo " and on PostgreSQL (127.0.0.1:5432)"), browser tests alongside; full output in $LOGS/ =="
  if [ $# -gt 0 ]; then
    suite sqlite "$WORKERS" "$@" &
    sqlite_pid=$!
    pg_pid=
    if [ "$PG" = 1 ]; then DATABASE_URL="$PG_URL" suite postgresql "$WORKERS" "$@" & pg_pid=$!; fi
    wait "$sqlite_pid"; sqlite_rc=$?
    pg_rc=0; if [ -n "$pg_pid" ]; then wait "$pg_pid"; pg_rc=$?; fi
  else
    run sqlite-browser tests/browser $BROWSER_OPTS &
    sqlite_browser_pid=$!
    # Its own test database (test_<name>_browser), apart from the xdist workers' test_<name>_gw0, _gw1.
    pg_browser_pid=
    if [ "$PG" = 1 ]; then
      # Its pictures would overwrite the SQLite run's with the same pages.
      DATABASE_URL="${PG_URL}_browser" GKPORTAL_TEST_PICTURES=0 run postgresql-browser tests/browser $BROWSER_OPTS &
      pg_browser_pid=$!
    fi
    run sqlite $(xdist "$WORKERS") --ignore=tests/browser; sqlite_rc=$?
    pg_rc=0
    if [ "$PG" = 1 ]; then DATABASE_URL="$PG_URL" run postgresql $(xdist "$WORKERS") --ignore=tests/browser; pg_rc=$?; fi
    wait "$sqlite_browser_pid" || sqlite_rc=1
    if [ -n "$pg_browser_pid" ]; then wait "$pg_browser_pid" || pg_rc=1; fi
  fi
else
  echo "== gkportal tests on SQLite =="
  suite sqlite "$WORKERS" "$@"
  sqlite_rc=$?
  pg_rc=0
  if [ "$PG" = 1 ]; then
    echo "== gkportal tests on PostgreSQL (127.0.0.1:5432) =="
    DATABASE_URL="$PG_URL" suite postgresql "$WORKERS" "$@"
    pg_rc=$?
  fi
fi

echo "== gkportal test summary (logs in $LOGS/) =="
for log in "$LOGS"/*.log; do
  [ -e "$log" ] || continue
  name=$(basename "$log" .log)
  echo "$name: exit $(cat "$LOGS/$name.rc" 2>/dev/null || echo '?'), $(grep -E '^=+ .*(passed|failed|error|no tests ran).* =+$' "$log" | tail -1 | tr -d '=' | xargs)"
done
[ "$PG" = 1 ] || echo "postgresql: skipped, PostgreSQL does not answer on 127.0.0.1:5432"
grep -hE '^(FAILED|ERROR|RERUN) ' "$LOGS"/*.log | sed 's/^/  /' || true
# A failed run's tracebacks, so that a CI log that shows only its end still shows why (the first 150 lines).
for log in "$LOGS"/*.log; do
  [ -e "$log" ] || continue
  name=$(basename "$log" .log)
  if [ "$(cat "$LOGS/$name.rc" 2>/dev/null || echo 1)" != 0 ]; then
    echo "== $name: failures =="
    sed -n '/^=* \(FAILURES\|ERRORS\) =*$/,/^=* short test summary info =*$/p' "$log" | head -150
  fi
done
[ $sqlite_rc -eq 0 ] && [ $pg_rc -eq 0 ]
