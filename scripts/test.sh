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
if [[ " $databases " == *" sqlite "* ]]; then
  echo "== tests on SQLite ==" >&2
  .venv/bin/python -m pytest "${durations[@]}" "$@" || status=$?
fi
if [[ " $databases " == *" postgresql "* ]]; then
  pg_home="$(mktemp -d "${TMPDIR:-/tmp}/candor-pg.XXXXXX")"
  pg_port="${CANDOR_TEST_POSTGRES_PORT:-55433}"
  trap 'scripts/postgres.sh stop "$pg_home/data"; rm -rf "$pg_home"' EXIT
  if url="$(scripts/postgres.sh start "$pg_home/data" "$pg_port")"; then
    echo "== tests on PostgreSQL ($url) ==" >&2
    CANDOR_TEST_POSTGRES_URL="$url" .venv/bin/python -m pytest "${durations[@]}" "$@" || status=$?
  else
    echo "PostgreSQL could not be started; see above. The PostgreSQL pass did not run." >&2
    status=1
  fi
fi
exit "$status"
