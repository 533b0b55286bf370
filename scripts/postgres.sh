#!/usr/bin/env bash
# Start a throwaway PostgreSQL server on 127.0.0.1 for the tests and print its URL.
#
#   scripts/postgres.sh start DIR [PORT]   installs Debian's postgresql if missing (as root),
#                                          creates a cluster in DIR, starts it, prints the URL
#   scripts/postgres.sh stop DIR           stops that server
#
# The cluster trusts local connections and skips fsync: it holds test data only, never a
# customer's. Production runs its own server (see docs/deploy/compose.yaml).
set -euo pipefail
action="${1:?usage: scripts/postgres.sh start|stop DIR [PORT]}"
dir="${2:?usage: scripts/postgres.sh start|stop DIR [PORT]}"
port="${3:-55432}"

find_bin() {
  ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1
}

as_owner() {
  # initdb and postgres refuse to run as root; the postgres user created by the package runs them.
  if [ "$(id -u)" = "0" ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

bin="$(find_bin)"
case "$action" in
  stop)
    [ -n "$bin" ] && [ -f "$dir/PG_VERSION" ] && as_owner "$bin/pg_ctl" -D "$dir" -m immediate -w stop >/dev/null || true
    exit 0
    ;;
  start) ;;
  *) echo "unknown action '$action': use start or stop" >&2; exit 2 ;;
esac

if [ -z "$bin" ]; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "Installing Debian's postgresql for the PostgreSQL test run..." >&2
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
    bin="$(find_bin)"
  fi
  if [ -z "$bin" ]; then
    echo "PostgreSQL is not installed and cannot be installed here (needs root and apt-get): apt-get install postgresql" >&2
    exit 3
  fi
fi

mkdir -p "$dir"
if [ "$(id -u)" = "0" ]; then
  chown postgres: "$dir"
  chmod o+x "$(dirname "$dir")"  # the postgres user must be able to reach its data folder
fi
chmod 700 "$dir"
if [ ! -f "$dir/PG_VERSION" ]; then
  as_owner "$bin/initdb" -D "$dir" -A trust -U candor -E UTF8 --locale=C.UTF-8 --no-sync >/dev/null
fi
as_owner "$bin/pg_ctl" -D "$dir" -l "$dir/server.log" -w -t 60 \
  -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=400" \
  start >/dev/null
echo "postgresql+asyncpg://candor@127.0.0.1:$port/postgres"
