#!/usr/bin/env bash
# Create ./.venv (if needed) and install Candor with its test tools. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
stamp=".venv/.candor-installed"
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  .venv/bin/python -m pip install --quiet --upgrade pip
  # torch is pinned to 2.13.0; pip picks the CPU wheel when one is on the find-links path.
  .venv/bin/python -m pip install --quiet -e ".[test]"
  touch "$stamp"
fi
