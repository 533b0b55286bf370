"""The questions of ``candor init``, in order, each checked as it is answered.

The same questions serve a person at a terminal and a script: an ``Asker`` either prompts (and,
when a check fails, says why and asks again) or reads the flags (and stops at the first failed
check, so nothing is written). Checks that need the network run once their inputs are known:
the backend's health after its kind, URL and token; the group's topics right after the token.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Protocol, TypeVar

from bot.onboarding.checks import OnlineChecks, SetupError, check_shop
from bot.onboarding.profile_settings import profile_settings
from bot.policy.details import DEFAULT_ORDER_REF_PATTERN
from bot.shop.factory import SHOP_KINDS
from knowledge.shop_profile import (
    ProfileError,
    ShopProfile,
    check_email,
    check_languages,
    check_order_pattern,
    check_phone,
    check_shop_name,
    check_timezone,
    parse_hours,
)

T = TypeVar("T")
_NEEDS_URL = ("http", "shopify", "woocommerce")
_NEEDS_TOKEN = ("shopify", "woocommerce")


class Asker(Protocol):
    """Where answers come from: a person at the terminal, or the command's flags."""

    def answer(self, name: str, prompt: str, default: str | None, secret: bool = False) -> str:
        """The raw answer to question ``name`` ("" for an optional one left empty)."""

    def refused(self, name: str, problem: str) -> None:
        """An answer failed its check: say so (and ask again), or raise SetupError to stop."""

    def tell(self, line: str) -> None:
        """Report a check that passed."""


@dataclass(frozen=True)
class ShopBackendAnswer:
    kind: str
    url: str = ""
    token: str = ""


@dataclass(frozen=True)
class Setup:
    """Everything ``candor init`` writes: the profile (shop.yaml) and the settings (.env)."""

    profile: ShopProfile
    backend: ShopBackendAnswer
    telegram_token: str = ""
    agents_chat_id: int | None = None

    def env(self) -> dict[str, str]:
        """The .env variables this setup sets (an unanswered optional one is left as it was)."""
        values = {**profile_settings(self.profile), "CANDOR_SHOP": self.backend.kind, "CANDOR_SHOP_URL": self.backend.url,
                  "CANDOR_SHOP_TOKEN": self.backend.token}
        if self.telegram_token:
            values["TELEGRAM_BOT_TOKEN"] = self.telegram_token
        if self.agents_chat_id is not None:
            values["CANDOR_AGENTS_CHAT_ID"] = str(self.agents_chat_id)
        return values


def interview(asker: Asker, languages: tuple[str, ...], checks: OnlineChecks) -> Setup:
    """Ask every question in order; return the checked answers (or SetupError from a non-interactive asker)."""
    profile = ShopProfile(
        shop_name=_checked(asker, "shop_name", "Shop name, as customers know it", None, check_shop_name),
        support_email=_checked(asker, "support_email", "Support email customers can write to", None, check_email),
        support_phone=_checked(asker, "support_phone", "Support phone (optional, Enter to skip)", "", check_phone),
        timezone=_checked(asker, "timezone", "Time zone (IANA name, e.g. Europe/Warsaw)", "UTC", check_timezone),
        hours=_checked(asker, "hours", "Support hours (e.g. Mon-Fri 09:00-18:00,Sat 10:00-14:00)",
                       "Mon-Fri 09:00-18:00", parse_hours),
        languages=_checked(asker, "languages", f"Languages customers write in ({', '.join(languages)})",
                           ",".join(languages), lambda text: check_languages(text, languages)),
        order_pattern=_checked(asker, "order_pattern", "Order references look like (a regular expression)",
                               DEFAULT_ORDER_REF_PATTERN, check_order_pattern),
    )
    backend = _backend(asker)
    token = _checked(asker, "telegram_token", "Telegram bot token from @BotFather (Enter for the local chat only)",
                     "", lambda text: _telegram(asker, checks, text.strip()) if text.strip() else "",
                     secret=True)
    group = None
    if token:
        group = _checked(asker, "agents_group", "Agents' group id (a forum supergroup, e.g. -1001234567890; "
                         "Enter to skip)", "", lambda text: _group(asker, checks, token, text))
    return Setup(profile, backend, token, group)


def _backend(asker: Asker) -> ShopBackendAnswer:
    while True:
        kind = _checked(asker, "shop", f"Shop backend for order lookups ({', '.join(SHOP_KINDS)})", "demo", _shop_kind)
        url = _checked(asker, "shop_url", "Shop URL (e.g. https://shop.example.com)", None, _url) \
            if kind in _NEEDS_URL else ""
        token = asker.answer("shop_token", "Shop API token (Enter if none)", "", secret=True).strip() \
            if kind in _NEEDS_URL else ""
        if kind in _NEEDS_TOKEN and not token:
            asker.refused("shop_token", f"the {kind} backend needs an access token for the shop's API")
            continue
        try:
            asker.tell(f"Shop backend: {_run(check_shop(kind, url or None, token or None))}")
        except SetupError as error:
            asker.refused("shop", str(error))
            continue
        return ShopBackendAnswer(kind, url, token)


def _group(asker: Asker, checks: OnlineChecks, token: str, text: str) -> int | None:
    if not text.strip():
        return None
    try:
        chat_id = int(text.strip())
    except ValueError:
        raise SetupError("the agents' group id is a number such as -1001234567890 (forward a message from the group "
                         "to @userinfobot to see it)") from None
    title = _run(checks.agents_group(token, chat_id))
    asker.tell(f"Agents' group: '{title}' has topics, and the bot can manage them")
    return chat_id


def _telegram(asker: Asker, checks: OnlineChecks, token: str) -> str:
    bot = _run(checks.telegram_bot(token))
    asker.tell(f"Telegram: the token belongs to @{bot.username}")
    return token


def _checked(asker: Asker, name: str, prompt: str, default: str | None, check: Callable[[str], T],
             secret: bool = False) -> T:
    """Ask until the answer passes ``check`` (an asker that cannot ask again raises instead)."""
    while True:
        raw = asker.answer(name, prompt, default, secret)
        try:
            return check(raw)
        except (ProfileError, SetupError) as error:
            asker.refused(name, str(error))


def _shop_kind(text: str) -> str:
    kind = text.strip().lower()
    if kind not in SHOP_KINDS:
        raise SetupError(f"the shop backend is one of {', '.join(SHOP_KINDS)} (demo is the built-in demo shop)")
    return kind


def _url(text: str) -> str:
    url = text.strip().rstrip("/")
    if not url.startswith(("http://", "https://")) or len(url) < 10:
        raise SetupError("the shop URL starts with https:// (or http:// on your own network), e.g. https://shop.example.com")
    return url


def _run(coroutine: Awaitable[T]) -> T:
    async def wait() -> T:
        return await coroutine

    return asyncio.run(wait())
