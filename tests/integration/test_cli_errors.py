"""``candor`` prints a user's mistake as one line, and lets a bug show its traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

import bot.cli.main
from bot.cli.main import main
from bot.storage.agents import AgentProfile, AgentRepository
from tests.conftest import database_url


@pytest.fixture(autouse=True)
def plain_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Default settings (no .env, no token) with this test's database; the test runner's logging left alone."""
    monkeypatch.chdir(tmp_path)
    for name in ("TELEGRAM_BOT_TOKEN", "TELEGRAM_API_BASE_URL", "CANDOR_AGENTS_CHAT_ID", "CANDOR_LOG_LEVEL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DATABASE_URL", database_url(tmp_path))
    monkeypatch.setattr(bot.cli.main, "configure_logging", lambda level: None)


def test_a_bad_languages_flag_is_one_line_on_stderr_and_exit_code_2(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["agents", "add", "--user-id", "7", "--name", "Marta", "--languages", "english!"])

    captured = capsys.readouterr()
    assert code == 2
    assert captured.err == "candor: --languages expects codes like 'en,ru', got 'english!'\n"
    assert captured.out == ""


def test_a_value_error_from_a_library_bug_keeps_its_traceback(monkeypatch: pytest.MonkeyPatch) -> None:
    async def broken_library(repository: AgentRepository) -> list[AgentProfile]:
        raise ValueError("a bug deep inside a library")

    monkeypatch.setattr(AgentRepository, "list", broken_library)

    with pytest.raises(ValueError, match="a bug deep inside a library"):
        main(["agents", "list"])
