"""The shop backend ``CANDOR_SHOP`` names, opened with its URL and token.

Settings validate the combination first (``bot/config.py``), so here a kind only has to be
matched to its adapter. Each adapter is imported when chosen, so a bot that uses the demo shop
never loads a platform's client code.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from bot.shop.backend import ShopBackend

SHOP_KINDS = ("none", "demo", "http", "shopify", "woocommerce")
"""What ``CANDOR_SHOP`` may say; ``none`` means no lookups (the bot answers in general terms)."""


class ShopSetupError(ValueError):
    """The backend cannot be opened as configured; the message says which setting to change."""


def open_shop(kind: str, url: str | None, token: str | None, now: Callable[[], dt.datetime]) -> ShopBackend | None:
    """The backend for ``kind``, or None for ``none``. The caller closes it (``await shop.close()``)."""
    if kind == "none":
        return None
    if kind == "demo":
        from bot.shop.demo import DemoShop

        return DemoShop(now)
    if kind == "http":
        from bot.shop.http import HttpShop

        return HttpShop(_required(url, kind), token)
    if kind == "shopify":
        from bot.shop.shopify import ShopifyShop

        return ShopifyShop(_required(url, kind), _token(token, kind))
    if kind == "woocommerce":
        from bot.shop.woocommerce import WooCommerceShop

        try:
            return WooCommerceShop(_required(url, kind), _token(token, kind))
        except ValueError as error:
            raise ShopSetupError(f"CANDOR_SHOP_TOKEN: {error}") from None
    raise ShopSetupError(f"CANDOR_SHOP={kind[:32]!r} is not a shop backend; expected one of {', '.join(SHOP_KINDS)}")


def _token(token: str | None, kind: str) -> str:
    if not token:
        raise ShopSetupError(f"CANDOR_SHOP={kind} needs CANDOR_SHOP_TOKEN, the shop API's access token")
    return token


def _required(url: str | None, kind: str) -> str:
    if not url:
        raise ShopSetupError(f"CANDOR_SHOP={kind} needs CANDOR_SHOP_URL, the shop service's base URL")
    return url
