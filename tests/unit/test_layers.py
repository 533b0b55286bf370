"""Each layer imports only the layers below it, so the layout keeps explaining itself (README, Architecture)."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FORBIDDEN = {
    "bot/policy": ("bot.service", "bot.channels", "bot.storage", "bot.console", "bot.cli", "bot.runtime"),
    "bot/service": ("bot.channels.telegram", "bot.channels.webhook", "bot.channels.agents", "bot.console", "bot.cli"),
    "bot/storage": ("bot.service", "bot.channels", "bot.console", "bot.cli"),
    "bot/shop": ("bot.service", "bot.channels", "bot.storage", "bot.console", "bot.cli", "bot.runtime"),
    "nlu": ("bot",),
    "knowledge": ("bot",),
}


def test_importing_nlu_and_its_runtime_loads_no_bot_module() -> None:
    script = ("import sys, nlu, nlu.runtime, nlu.training.cli; "
              "print(sorted(m for m in sys.modules if m == 'bot' or m.startswith('bot.')))")
    result = subprocess.run([sys.executable, "-c", script], check=True, capture_output=True, text=True, timeout=120)
    assert result.stdout.strip() == "[]"


def imported_modules(source: Path) -> set[str]:
    """Every module a file imports, wherever the import statement stands (inside functions too)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(source.read_text(), str(source))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


@pytest.mark.parametrize("folder", sorted(FORBIDDEN))
def test_a_layer_imports_nothing_from_the_layers_above_it(folder: str) -> None:
    crossing = sorted(
        f"{path.relative_to(ROOT)} imports {module}"
        for path in (ROOT / folder).rglob("*.py") if "migrations" not in path.parts
        for module in imported_modules(path)
        if any(module == above or module.startswith(f"{above}.") for above in FORBIDDEN[folder])
    )
    assert crossing == []
