"""``candor`` prints a user's mistake as one line, and lets a bug show its traceback."""

from __future__ import annotations

import pytest

from bot.cli.main import main
from bot.storage.agents import AgentProfile, AgentRepository

pytestmark = pytest.mark.usefixtures("cli_environment")


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
