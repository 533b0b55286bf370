"""The emotion model's package stands on its own: importing it loads nothing of the bot."""

from __future__ import annotations

import subprocess
import sys


def test_importing_nlu_and_its_runtime_loads_no_bot_module() -> None:
    script = ("import sys, nlu, nlu.runtime, nlu.training.cli; "
              "print(sorted(m for m in sys.modules if m == 'bot' or m.startswith('bot.')))")
    result = subprocess.run([sys.executable, "-c", script], check=True, capture_output=True, text=True, timeout=120)
    assert result.stdout.strip() == "[]"
