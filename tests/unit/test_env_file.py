"""``candor init`` sets its own variables in .env and leaves every other line a person wrote alone."""

from __future__ import annotations

from pathlib import Path

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
