#!/usr/bin/env bash
# Set up and start Candor: Telegram when TELEGRAM_BOT_TOKEN is set, otherwise the local chat.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
export HF_HUB_OFFLINE=1
exec .venv/bin/candor run "$@"
