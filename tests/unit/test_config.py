import datetime as dt
from pathlib import Path

import pytest

from bot.config import ConfigError, load_settings


def test_defaults_need_no_configuration(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    for name in ("TELEGRAM_BOT_TOKEN", "TELEGRAM_API_BASE_URL", "DATABASE_URL", "CANDOR_AGENTS_CHAT_ID"):
        monkeypatch.delenv(name, raising=False)
    settings = load_settings()
    assert settings.telegram_bot_token is None
    assert settings.bot_api_base_url == "https://api.telegram.org/bot"
    assert settings.database_url == "sqlite+aiosqlite:///./var/candor.sqlite3"


def test_every_bad_setting_is_named_with_a_fix(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "not-a-token")
    monkeypatch.setenv("DATABASE_URL", "mysql://localhost/candor")
    monkeypatch.setenv("CANDOR_AGENTS_CHAT_ID", "agents")
    monkeypatch.setenv("CANDOR_GROUP_MESSAGES_PER_MINUTE", "0")
    with pytest.raises(ConfigError) as caught:
        load_settings()
    message = str(caught.value)
    assert "CANDOR_GROUP_MESSAGES_PER_MINUTE" in message
    assert "TELEGRAM_BOT_TOKEN" in message and "@BotFather" in message
    assert "DATABASE_URL" in message and "postgresql://" in message
    assert "CANDOR_AGENTS_CHAT_ID" in message
    assert "not-a-token" not in message


def test_dotenv_file_is_read_and_urls_are_normalised(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    for name in ("TELEGRAM_BOT_TOKEN", "TELEGRAM_API_BASE_URL", "DATABASE_URL", "CANDOR_AGENTS_CHAT_ID"):
        monkeypatch.delenv(name, raising=False)
    (tmp_path / ".env").write_text(
        "TELEGRAM_BOT_TOKEN=42:abc_DEF-1\nTELEGRAM_API_BASE_URL=http://127.0.0.1:8081/\n"
        "DATABASE_URL=postgresql://candor:secret@127.0.0.1/candor\nCANDOR_AGENTS_CHAT_ID=-1001234\n"
    )
    settings = load_settings()
    assert settings.telegram_bot_token is not None
    assert settings.telegram_bot_token.get_secret_value() == "42:abc_DEF-1"
    assert settings.bot_api_base_url == "http://127.0.0.1:8081/bot"
    assert settings.database_url == "postgresql+asyncpg://candor:secret@127.0.0.1/candor"
    assert settings.agents_chat_id == -1001234
    assert "abc_DEF" not in repr(settings)


def test_model_precision_is_checked(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CANDOR_MODEL_PRECISION", "BFloat16")
    assert load_settings().model_precision == "bfloat16"
    monkeypatch.setenv("CANDOR_MODEL_PRECISION", "int4")
    with pytest.raises(ConfigError, match="CANDOR_MODEL_PRECISION.*auto, float32, bfloat16"):
        load_settings()


def test_the_shops_order_pattern_and_support_hours_are_checked(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CANDOR_ORDER_REF_PATTERN", "SO-(\\d{4}")
    monkeypatch.setenv("CANDOR_SUPPORT_HOURS", "9-5")
    monkeypatch.setenv("CANDOR_SUPPORT_DAYS", "weekdays")
    with pytest.raises(ConfigError) as caught:
        load_settings()
    message = str(caught.value)
    assert "CANDOR_ORDER_REF_PATTERN" in message and "not a regular expression" in message
    assert "CANDOR_SUPPORT_HOURS" in message and "09:00-18:00" in message
    assert "CANDOR_SUPPORT_DAYS" in message and "mon-fri" in message
    monkeypatch.setenv("CANDOR_ORDER_REF_PATTERN", "\\d*")
    monkeypatch.delenv("CANDOR_SUPPORT_HOURS")
    monkeypatch.delenv("CANDOR_SUPPORT_DAYS")
    with pytest.raises(ConfigError, match="matches empty text"):
        load_settings()
    monkeypatch.setenv("CANDOR_ORDER_REF_PATTERN", "SO-\\d{4}")
    settings = load_settings()
    assert settings.detail_reader.find("order_ref", "my order SO-1234 is late") == "SO-1234"
    assert settings.support_shift.covers(dt.datetime(2026, 11, 30, 10, 0, tzinfo=dt.UTC))
