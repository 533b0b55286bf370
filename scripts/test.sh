#!/usr/bin/env bash
# Set up and run the whole test suite (end-to-end tests over HTTP and the real model included).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
export HF_HUB_OFFLINE=1
exec .venv/bin/python -m pytest "$@"
