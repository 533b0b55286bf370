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
exec .venv/bin/python -m pytest "$@"
