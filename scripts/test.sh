#!/usr/bin/env bash
# Set up and run the whole test suite (end-to-end tests over HTTP and the real model included).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
# The console's browser tests drive Debian's Chromium (Playwright's own browser download needs a
# network we do not have). Install it when it is missing and we may.
if [ "${CANDOR_SKIP_BROWSER:-}" != "1" ] && ! command -v chromium >/dev/null 2>&1; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "Installing Debian's chromium for the console's browser tests..." >&2
    apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "note: chromium is not installed, so the console's browser tests will be skipped (apt-get install chromium)" >&2
  fi
fi
export HF_HUB_OFFLINE=1
# The suite runs twice: on SQLite (the embedded default), then on a real PostgreSQL server
# from Debian's packages, started here on 127.0.0.1 and removed afterwards. CANDOR_TEST_DATABASES
# picks the passes ("sqlite", "postgresql", or both, the default).
databases="${CANDOR_TEST_DATABASES:-sqlite postgresql}"
status=0
# Lint and types first (seconds for ruff, a minute or two for mypy without its cache); a finding fails
# the run but does not hide the tests' results.
echo "== ruff ==" >&2
.venv/bin/ruff check . || status=$?
echo "== mypy (strict: bot, nlu, knowledge) ==" >&2
.venv/bin/mypy || status=$?
# In CI, each pass also lists its slowest tests, so the run's time can be kept under watch.
durations=()
if [[ -n "${CI:-}" ]]; then durations=(--durations=20); fi
run_sqlite() {
  echo "== tests on SQLite ==" >&2
  .venv/bin/python -m pytest "${durations[@]}" "$@"
}
run_postgresql() {
  pg_home="$(mktemp -d "${TMPDIR:-/tmp}/candor-pg.XXXXXX")"
  pg_port="${CANDOR_TEST_POSTGRES_PORT:-55433}"
  trap 'scripts/postgres.sh stop "$pg_home/data"; rm -rf "$pg_home"' EXIT
  if url="$(scripts/postgres.sh start "$pg_home/data" "$pg_port")"; then
    echo "== tests on PostgreSQL ($url) ==" >&2
    CANDOR_TEST_POSTGRES_URL="$url" .venv/bin/python -m pytest "${durations[@]}" "$@"
  else
    echo "PostgreSQL could not be started; see above. The PostgreSQL pass did not run." >&2
    return 1
  fi
}
# Both passes at once: most of a test's time is spent waiting (on the fake Bot API, a subprocess, a
# server), so the two share the CPUs well, and every test must pass while another heavy process runs
# anyway. Each pass writes its own log, shown whole when both are done. CANDOR_TEST_SEQUENTIAL=1 runs
# them one after the other, with their output as it comes.
wants_sqlite=0; wants_postgresql=0
[[ " $databases " == *" sqlite "* ]] && wants_sqlite=1
[[ " $databases " == *" postgresql "* ]] && wants_postgresql=1
if [[ $wants_sqlite == 1 && $wants_postgresql == 1 && "${CANDOR_TEST_SEQUENTIAL:-}" != "1" ]]; then
  logs="$(mktemp -d "${TMPDIR:-/tmp}/candor-tests.XXXXXX")"
  echo "== tests on SQLite and on PostgreSQL, at the same time (logs in $logs) ==" >&2
  (run_sqlite "$@") >"$logs/sqlite.log" 2>&1 &
  sqlite_pid=$!
  postgresql_status=0
  (run_postgresql "$@") >"$logs/postgresql.log" 2>&1 || postgresql_status=$?
  sqlite_status=0
  wait "$sqlite_pid" || sqlite_status=$?
  cat "$logs/sqlite.log" "$logs/postgresql.log"
  echo "== SQLite pass exit $sqlite_status, PostgreSQL pass exit $postgresql_status ==" >&2
  [[ $sqlite_status == 0 ]] || status=$sqlite_status
  [[ $postgresql_status == 0 ]] || status=$postgresql_status
else
  if [[ $wants_sqlite == 1 ]]; then run_sqlite "$@" || status=$?; fi
  if [[ $wants_postgresql == 1 ]]; then (run_postgresql "$@") || status=$?; fi
fi
exit "$status"
