"""``candor init`` sets its own variables in .env and leaves every other line a person wrote alone."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from dotenv import dotenv_values

from bot.onboarding.env_file import updated_env, write_env

BEFORE = """# my bot
DATABASE_URL=postgresql://candor@db/candor
CANDOR_TIMEZONE=UTC

export CANDOR_LOG_LEVEL=DEBUG
CANDOR_TIMEZONE=Europe/London
"""


def test_asked_variables_are_set_in_place_and_the_rest_is_kept_line_for_line() -> None:
    after = updated_env(BEFORE, {"CANDOR_TIMEZONE": "Europe/Warsaw", "CANDOR_SHOP": "demo"})
    assert after == ("# my bot\nDATABASE_URL=postgresql://candor@db/candor\nCANDOR_TIMEZONE=Europe/Warsaw\n\n"
                     "export CANDOR_LOG_LEVEL=DEBUG\n\nCANDOR_SHOP=demo\n")


def test_values_read_back_exactly_as_written(tmp_path: Path) -> None:
    path = tmp_path / ".env"
    values = {"CANDOR_ORDER_REF_PATTERN": r"#?\d{5,}", "CANDOR_SHOP_TOKEN": "a b'c\"d\\e", "CANDOR_SHOP_URL": "",
              "TELEGRAM_BOT_TOKEN": "123456:ABC-def_1"}
    write_env(path, values)
    assert dotenv_values(path) == values
    assert path.stat().st_mode & 0o077 == 0, "the file holds tokens: only its owner may read it"


def test_a_missing_env_file_is_created(tmp_path: Path) -> None:
    path = tmp_path / ".env"
    write_env(path, {"CANDOR_SHOP": "none"})
    assert path.read_text() == "CANDOR_SHOP=none\n"



def test_the_new_env_file_is_never_readable_by_others_not_even_while_it_is_written(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The token goes into .env: a draft written with the usual rights and restricted afterwards can be read by
    another user in between, so the draft must be owner-only from the moment it holds the token."""
    rights_while_written: list[int] = []
    real_write_text = Path.write_text

    def write_text_and_note(self: Path, data: str, *args: Any, **kwargs: Any) -> int:
        written = real_write_text(self, data, *args, **kwargs)
        if "123:abc" in data:
            rights_while_written.append(self.stat().st_mode & 0o777)
        return written

    monkeypatch.setattr(Path, "write_text", write_text_and_note)
    old_umask = os.umask(0o022)
    try:
        leftover = tmp_path / "..env.new"
        real_write_text(leftover, "TELEGRAM_BOT_TOKEN=stale\n", encoding="utf-8")
        leftover.chmod(0o644)
        write_env(tmp_path / ".env", {"TELEGRAM_BOT_TOKEN": "123:abc"})
    finally:
        os.umask(old_umask)
    assert all(rights == 0o600 for rights in rights_while_written)
    assert (tmp_path / ".env").stat().st_mode & 0o777 == 0o600
    assert "123:abc" in (tmp_path / ".env").read_text(encoding="utf-8")
    assert not leftover.exists()
