"""Settings read once at start from the environment (and an optional ``.env``).

Every problem is reported at once, each with the variable's name and what to do about it.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path
from zoneinfo import ZoneInfo

from pydantic import Field, SecretStr, ValidationError, ValidationInfo, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.policy.assignment import ScheduleError, Shift, parse_days, parse_shift
from bot.policy.details import DEFAULT_ORDER_REF_PATTERN, DetailReader
from bot.shop.factory import SHOP_KINDS
from knowledge.shop_profile import ProfileError, check_order_pattern, check_timezone
from nlu.errors import CandorError
from nlu.precision import PRECISION_CHOICES
from nlu.registry import live_model_dir

TELEGRAM_API_DEFAULT = "https://api.telegram.org"
TOKEN_PATTERN = re.compile(r"^\d{1,20}:[A-Za-z0-9_-]{1,100}$")
_LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


class ConfigError(CandorError):
    """Configuration is missing or invalid; the message lists each problem and its fix."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore", populate_by_name=True)

    telegram_bot_token: SecretStr | None = Field(default=None, alias="TELEGRAM_BOT_TOKEN")
    telegram_api_base_url: str = Field(default=TELEGRAM_API_DEFAULT, alias="TELEGRAM_API_BASE_URL")
    database_url: str = Field(default="sqlite+aiosqlite:///./var/candor.sqlite3", alias="DATABASE_URL")
    agents_chat_id: int | None = Field(default=None, alias="CANDOR_AGENTS_CHAT_ID")
    models_dir: Path = Field(default=Path("./var/models"), alias="CANDOR_MODELS_DIR")
    model_dir: Path = Field(default_factory=lambda data: live_model_dir(data["models_dir"]), alias="CANDOR_MODEL_DIR")
    model_precision: str = Field(default="auto", alias="CANDOR_MODEL_PRECISION")
    model_cache_dir: Path = Field(default=Path("./var/cache"), alias="CANDOR_MODEL_CACHE_DIR")
    """Where the English encoder exported to ONNX is kept (made at the first start that runs it, then reused)."""
    timezone: str = Field(default="UTC", alias="CANDOR_TIMEZONE")
    console_secret: SecretStr | None = Field(default=None, alias="CANDOR_CONSOLE_SECRET")
    retention_days: int | None = Field(default=None, ge=1, alias="CANDOR_RETENTION_DAYS")
    webhook_secret: SecretStr | None = Field(default=None, alias="CANDOR_WEBHOOK_SECRET")
    log_level: str = Field(default="INFO", alias="CANDOR_LOG_LEVEL")
    group_messages_per_minute: int = Field(default=20, ge=1, le=1000, alias="CANDOR_GROUP_MESSAGES_PER_MINUTE")
    """Telegram's limit for messages into one group (the agents' group); raised only where Telegram allows more."""
    webhook_header_timeout: float = Field(default=10.0, gt=0, le=300, alias="CANDOR_WEBHOOK_HEADER_TIMEOUT")
    """Seconds a webhook request's headers may take to arrive, from its first byte, before the connection is cut."""
    webhook_body_timeout: float = Field(default=10.0, gt=0, le=300, alias="CANDOR_WEBHOOK_BODY_TIMEOUT")
    """Seconds a webhook request's body may take to arrive before it is refused (408)."""
    order_ref_pattern: str = Field(default=DEFAULT_ORDER_REF_PATTERN, alias="CANDOR_ORDER_REF_PATTERN")
    """How the shop's order references look (a regular expression), so the bot can pick one out of a message."""
    support_hours: str = Field(default="09:00-18:00", alias="CANDOR_SUPPORT_HOURS")
    """When the shop's support team works, in the shop's time zone: promised times fall inside these hours."""
    support_days: str = Field(default="mon-fri", alias="CANDOR_SUPPORT_DAYS")
    webhook_max_connections: int = Field(default=100, ge=1, le=100_000, alias="CANDOR_WEBHOOK_MAX_CONNECTIONS")
    """Open connections a webhook worker accepts; more are answered 503 and closed at once."""
    task_watch_seconds: float = Field(default=60.0, ge=0.5, le=3600, alias="CANDOR_TASK_WATCH_SECONDS")
    """How often a worker looks at the teams' tasks: cards left behind, leads to alert, customers to tell first."""
    desk_check_seconds: float = Field(default=60.0, ge=0.5, le=3600, alias="CANDOR_DESK_CHECK_SECONDS")
    """How often a worker looks at the agents' desk: waiting handoffs to assign, late replies to nudge, the board."""
    agent_reply_minutes: float = Field(default=10.0, gt=0, le=1440, alias="CANDOR_AGENT_REPLY_MINUTES")
    """While a person has the chat: how soon they should answer a customer's message before the desk nudges them."""
    lead_nudge_minutes: float = Field(default=5.0, gt=0, le=1440, alias="CANDOR_LEAD_NUDGE_MINUTES")
    """How long after the agent's nudge the lead(s) are nudged and the customer hears an honest new time."""
    content_dir: Path = Field(default=Path("./var/content"), alias="CANDOR_CONTENT_DIR")
    """The shop's own wording, topics and profile (shop.yaml): seeded from the shipped pack on first start, then
    read and written there (the console's edits, ``candor init``), never in the installed package."""
    shop: str = Field(default="demo", alias="CANDOR_SHOP")
    """Where order, parcel and refund lookups go: none, demo (built-in demo data), http, shopify, woocommerce."""
    shop_url: str | None = Field(default=None, alias="CANDOR_SHOP_URL", validate_default=True)
    """The shop service's base URL (the contract's paths, /v1/..., are appended), or the store's address."""
    shop_token: SecretStr | None = Field(default=None, alias="CANDOR_SHOP_TOKEN", validate_default=True)
    """The Bearer token of the http backend, or the platform's access token; never printed or logged."""

    @field_validator("telegram_bot_token", mode="before")
    @classmethod
    def _token_shape(cls, value: object) -> object:
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        text = str(value).strip()
        if not TOKEN_PATTERN.match(text):
            raise ValueError("expected the form '123456789:ABC-def...' that @BotFather gives you")
        return text

    @field_validator("telegram_api_base_url")
    @classmethod
    def _api_url(cls, value: str) -> str:
        text = value.strip().rstrip("/")
        if not re.match(r"^https?://[^/\s]+", text):
            raise ValueError("expected an http(s) URL such as https://api.telegram.org or http://127.0.0.1:8081")
        return text

    @field_validator("database_url")
    @classmethod
    def _database_url(cls, value: str) -> str:
        return normalise_database_url(value)

    @field_validator("agents_chat_id", mode="before")
    @classmethod
    def _agents_chat(cls, value: object) -> object:
        if isinstance(value, str) and not value.strip():
            return None
        if isinstance(value, str) and not re.match(r"^-?\d+$", value.strip()):
            raise ValueError("expected the numeric id of the agents' supergroup, for example -1001234567890")
        return value

    @field_validator("model_precision")
    @classmethod
    def _model_precision(cls, value: str) -> str:
        choice = value.strip().lower()
        if choice not in PRECISION_CHOICES:
            raise ValueError(f"expected one of {', '.join(PRECISION_CHOICES)} (auto: onnx-fp32, or bfloat16 on AMX CPUs; "
                             "see the README)")
        return choice

    @field_validator("timezone")
    @classmethod
    def _timezone(cls, value: str) -> str:
        try:
            return check_timezone(value.strip() or "UTC")
        except ProfileError as error:
            raise ValueError(str(error)) from None

    @property
    def zone(self) -> ZoneInfo:
        """The shop's time zone: promised times are stated in it."""
        return ZoneInfo(self.timezone)

    @field_validator("order_ref_pattern")
    @classmethod
    def _order_ref_pattern(cls, value: str) -> str:
        try:
            return check_order_pattern(value)
        except ProfileError as error:
            raise ValueError(str(error)) from None

    @field_validator("support_hours")
    @classmethod
    def _support_hours(cls, value: str) -> str:
        try:
            parse_shift("UTC", value, "mon")
        except ScheduleError as error:
            raise ValueError(str(error)) from None
        return value.strip()

    @field_validator("support_days")
    @classmethod
    def _support_days(cls, value: str) -> str:
        try:
            parse_days(value)
        except ScheduleError as error:
            raise ValueError(str(error)) from None
        return value.strip()

    @property
    def support_shift(self) -> Shift:
        """The support team's working time: promised times fall inside it."""
        return parse_shift(self.timezone, self.support_hours, self.support_days)

    @property
    def detail_reader(self) -> DetailReader:
        """How the bot reads the details a case needs, with the shop's order-reference pattern."""
        return DetailReader(self.order_ref_pattern)

    @field_validator("shop", mode="before")
    @classmethod
    def _shop(cls, value: object) -> str:
        kind = str(value or "").strip().lower() or "demo"
        if kind not in SHOP_KINDS:
            raise ValueError(f"expected one of {', '.join(SHOP_KINDS)} (demo is the built-in demo shop, none turns "
                             "order lookups off)")
        return kind

    @field_validator("shop_url", mode="before")
    @classmethod
    def _shop_url(cls, value: object, info: ValidationInfo) -> str | None:
        text = str(value or "").strip().rstrip("/")
        kind = info.data.get("shop")
        if not text:
            if kind in ("http", "shopify", "woocommerce"):
                raise ValueError(f"CANDOR_SHOP={kind} needs the shop's base URL, for example https://shop.example.com")
            return None
        if not re.match(r"^https?://[^/\s]+\S*$", text):
            raise ValueError("expected an http(s) URL such as https://shop.example.com or http://127.0.0.1:8720")
        return text

    @field_validator("shop_token", mode="before")
    @classmethod
    def _shop_token(cls, value: object, info: ValidationInfo) -> object:
        if value is None or (isinstance(value, str) and not value.strip()):
            kind = info.data.get("shop")
            if kind in ("shopify", "woocommerce"):
                raise ValueError(f"CANDOR_SHOP={kind} needs an access token for the shop's API")
            return None
        return value.strip() if isinstance(value, str) else value

    @field_validator("log_level")
    @classmethod
    def _log_level(cls, value: str) -> str:
        level = value.strip().upper()
        if level not in _LOG_LEVELS:
            raise ValueError(f"expected one of {', '.join(_LOG_LEVELS)}")
        return level

    @property
    def bot_api_base_url(self) -> str:
        """The base PTB expects: the server root followed by ``/bot`` (the token is appended)."""
        root = self.telegram_api_base_url
        return root if root.endswith("/bot") else f"{root}/bot"

    @property
    def bot_api_file_url(self) -> str:
        root = self.telegram_api_base_url.removesuffix("/bot")
        return f"{root}/file/bot"

    @property
    def log_level_number(self) -> int:
        return int(getattr(logging, self.log_level))


def normalise_database_url(url: str) -> str:
    """Accept the usual spellings and pick the async drivers the bot uses."""
    text = url.strip()
    if text.startswith("sqlite:///"):
        return "sqlite+aiosqlite:///" + text.removeprefix("sqlite:///")
    for prefix in ("postgres://", "postgresql://", "postgresql+psycopg2://", "postgresql+psycopg://"):
        if text.startswith(prefix):
            return "postgresql+asyncpg://" + text.removeprefix(prefix)
    if not text.startswith(("sqlite+aiosqlite://", "postgresql+asyncpg://")):
        raise ValueError("expected sqlite:///path/to/file.db or postgresql://user:password@host/dbname")
    return text


def load_settings(env_file: str | None = ".env") -> Settings:
    """Read and validate the settings, or raise ConfigError listing every problem."""
    try:
        return Settings(_env_file=env_file)  # type: ignore[call-arg]
    except ValidationError as error:
        lines = []
        for problem in error.errors():
            name = str(problem["loc"][0]) if problem["loc"] else "configuration"
            field = Settings.model_fields.get(name)  # a default validated by itself is named by field, not variable
            name = field.alias if field is not None and field.alias else name
            message = str(problem["msg"]).removeprefix("Value error, ")
            lines.append(f"  {name}: {message}")
        raise ConfigError("Candor cannot start; please fix these settings:\n" + "\n".join(lines)) from None
