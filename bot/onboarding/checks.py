"""The checks ``candor init`` runs against the outside world: Telegram and the shop's backend.

Each turns a failure into one sentence a shop owner can act on (which setting, what to change),
raised as ``SetupError``. The token is sent only to the Bot API and never appears in a message:
Telegram's URLs contain it, so transport errors are described, never quoted.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx

from bot.config import TOKEN_PATTERN
from bot.shop.backend import ShopError, ShopUnavailable
from bot.shop.factory import ShopSetupError, open_shop
from bot.storage.models import utc_now
from nlu.errors import CandorError

TELEGRAM_TIMEOUT = 20.0


class SetupError(CandorError):
    """An answer to ``candor init`` did not pass its check; the message says what to do."""


@dataclass(frozen=True)
class TelegramBot:
    id: int
    username: str


@dataclass(frozen=True)
class OnlineChecks:
    """Checks over the network. ``api_base_url`` is the Bot API root (TELEGRAM_API_BASE_URL)."""

    api_base_url: str

    async def telegram_bot(self, token: str) -> TelegramBot:
        """The bot the token belongs to (getMe); SetupError when Telegram refuses it or cannot be reached."""
        if not TOKEN_PATTERN.match(token):
            raise SetupError("the Telegram token should look like 123456789:ABC-def... (as @BotFather gives it)")
        me = await self._call(token, "getMe", {}, refused="Telegram refused this token (401 Unauthorized): copy it "
                                                          "again from @BotFather, or make a new one with /token")
        return TelegramBot(int(me["id"]), str(me.get("username") or me.get("first_name") or "the bot"))

    async def agents_group(self, token: str, chat_id: int) -> str:
        """The group's title once it is a forum where the bot may open topics (getChat, getChatMember)."""
        bot = await self.telegram_bot(token)
        chat = await self._call(token, "getChat", {"chat_id": chat_id},
                                refused=f"the bot cannot see the group {chat_id}: add @{bot.username} to the agents' "
                                        "group, and check the id (a supergroup's id starts with -100)")
        title = str(chat.get("title") or chat_id)
        if chat.get("type") != "supergroup" or not chat.get("is_forum"):
            raise SetupError(f"the group '{title}' has no topics: in Telegram open the group's settings and turn on "
                             "Topics (each customer gets a topic there)")
        member = await self._call(token, "getChatMember", {"chat_id": chat_id, "user_id": bot.id},
                                  refused=f"the bot cannot read its own rights in '{title}'")
        if member.get("status") != "creator" and not (member.get("status") == "administrator"
                                                      and member.get("can_manage_topics")):
            raise SetupError(f"@{bot.username} cannot manage topics in '{title}': make it an administrator of the "
                             "group with the right to manage topics")
        return title

    async def _call(self, token: str, method: str, params: dict[str, Any], refused: str) -> dict[str, Any]:
        url = f"{self.api_base_url.removesuffix('/bot')}/bot{token}/{method}"
        try:
            async with httpx.AsyncClient(timeout=TELEGRAM_TIMEOUT) as client:
                response = await client.post(url, json=params)
        except httpx.HTTPError:
            raise SetupError(f"could not reach the Bot API at {self.api_base_url.removesuffix('/bot')}: check the "
                             "network (and TELEGRAM_API_BASE_URL if you run your own Bot API server)") from None
        try:
            payload = response.json()
        except ValueError:
            payload = {}
        if response.status_code == 401 or not isinstance(payload, dict) or not payload.get("ok"):
            raise SetupError(refused)
        result = payload.get("result")
        return result if isinstance(result, dict) else {}


async def check_shop(kind: str, url: str | None, token: str | None) -> str:
    """What the shop's backend says about itself (its health check); SetupError when it cannot answer."""
    try:
        shop = open_shop(kind, url, token, utc_now)
    except ShopSetupError as error:
        raise SetupError(str(error)) from None
    if shop is None:
        return "no order lookups (the bot answers in general terms)"
    try:
        health = await shop.health()
    except ShopUnavailable as error:
        raise SetupError(f"the {kind} shop at {url or 'the built-in demo'} did not answer its health check: "
                         f"{error.reason}") from None
    except ShopError as error:
        raise SetupError(f"the {kind} shop's health check failed: {error}") from None
    finally:
        await shop.close()
    return f"{shop.name}, version {health.version}, looks up {', '.join(health.capabilities) or 'nothing'}"
