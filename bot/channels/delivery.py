"""What can go wrong when a message is sent, in the service's terms, and how long texts are cut to fit.

Channels translate their platform's refusals into these exceptions, so the service and the
handoff desk decide what to do without knowing Telegram: a refusal that will never succeed is
never retried (a retried refusal is a message sent again and again, or an update redelivered
forever), and the person who can act on it is told.
"""

from __future__ import annotations

TEXT_LIMIT = 4096
"""Telegram's longest text message, counted in UTF-16 code units."""


class DeliveryRefused(Exception):
    """The platform refused this message for good: sending it again fails the same way."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class CustomerUnreachable(DeliveryRefused):
    """The customer blocked the bot or their account is gone: nothing more can reach them."""


class TopicGone(DeliveryRefused):
    """The agents' forum topic was deleted (or closed): a new one must be opened for the case."""


class ChannelClosing(Exception):
    """The bot is stopping: a message still waiting for its turn was not sent (a later start picks it up)."""


def utf16_length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def split_text(text: str, limit: int = TEXT_LIMIT) -> list[str]:
    """Cut ``text`` into parts Telegram accepts, at a paragraph, line or word break where there is one.

    Nothing is dropped: the parts joined with the breaks they were cut at give the text back.
    """
    if utf16_length(text) <= limit:
        return [text]
    parts: list[str] = []
    rest = text
    while utf16_length(rest) > limit:
        cut = _longest_prefix(rest, limit)
        head = rest[:cut]
        for separator in ("\n\n", "\n", " "):
            at = head.rfind(separator)
            if at > cut // 2:
                cut = at + len(separator)
                break
        parts.append(rest[:cut].rstrip())
        rest = rest[cut:]
    if rest.strip():
        parts.append(rest)
    return [part for part in parts if part.strip()]


def _longest_prefix(text: str, limit: int) -> int:
    """How many characters of ``text`` fit in ``limit`` UTF-16 code units."""
    units = 0
    for index, char in enumerate(text):
        units += 2 if ord(char) > 0xFFFF else 1
        if units > limit:
            return index
    return len(text)
