"""``candor shop ...``: see what the configured shop backend answers, and serve the demo shop over HTTP.

``check`` is how an operator connecting a shop sees, before any customer asks, whether the bot
can look orders up and what it would read: the same calls the bot makes, printed plainly.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from bot.config import Settings
from bot.policy.orders import Order, Refund, Shipment
from bot.shop.backend import OrderNotFound, ShopBackend, ShopUnavailable
from bot.shop.factory import ShopSetupError, open_shop
from nlu.errors import UsageError

DEFAULT_DEMO_PORT = 8720
NOT_FOUND = "not found (no such order, or not with that contact)"


def add_shop_commands(commands: Any) -> None:
    shop = commands.add_parser("shop", help="the shop's order data: check lookups, serve the demo shop").add_subparsers(
        dest="shop_command", required=True)
    check = shop.add_parser("check", help="print what the configured backend (CANDOR_SHOP) answers: its health, and "
                                          "with --ref and --contact an order, its parcels and refunds")
    check.add_argument("--ref", help="the order reference, as the shop shows it (a leading # is fine)")
    check.add_argument("--contact", help="the email or E.164 phone on the order; alone, lists that contact's orders")
    check.set_defaults(handler=_check)
    serve = shop.add_parser("serve-demo", help="serve the demo shop's contract (docs/shop-api.yaml) on 127.0.0.1 "
                                               "until interrupted, to try CANDOR_SHOP=http")
    serve.add_argument("--port", type=int, default=DEFAULT_DEMO_PORT, help=f"port (default {DEFAULT_DEMO_PORT}; "
                                                                           "0 takes a free one)")
    serve.add_argument("--token", default=None, help="require this Bearer token (CANDOR_SHOP_TOKEN of the bot)")
    serve.set_defaults(handler=_serve_demo)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _check(args: argparse.Namespace, settings: Settings) -> int:
    if args.ref and not args.contact:
        raise UsageError("--ref needs --contact: the email or E.164 phone on the order (a shop shows an order only "
                         "to its own contact)")
    token = settings.shop_token.get_secret_value() if settings.shop_token else None
    try:
        shop = open_shop(settings.shop, settings.shop_url, token, _now)
    except ShopSetupError as error:
        raise UsageError(str(error)) from None
    if shop is None:
        print("No shop backend (CANDOR_SHOP=none): the bot answers order questions in general terms.")
        return 1
    return asyncio.run(_report(shop, args.ref, args.contact, settings.zone))


async def _report(shop: ShopBackend, ref: str | None, contact: str | None, zone: ZoneInfo) -> int:
    """Print the backend's answers; 1 when it could not answer or has no such order for that contact."""
    label = " (built-in demo data, not a real shop)" if shop.name == "demo" else ""
    print(f"Backend: {shop.name}{label}")
    try:
        health = await shop.health()
        print(f"Health: version {health.version}; looks up {', '.join(health.capabilities) or 'nothing'}")
        if ref and contact:
            order = await shop.order(ref, contact)
            shipments, refunds = await asyncio.gather(shop.shipments(ref, contact), shop.refunds(ref, contact))
            for line in _order_lines(order, zone) + _shipment_lines(shipments, zone) + _refund_lines(refunds, zone):
                print(line)
        elif contact:
            orders = await shop.orders(contact)
            print(f"Orders of that contact: {len(orders) or 'none'}")
            for summary in orders:
                print(f"  {summary.ref}: {summary.status}, placed {_when(summary.placed_at, zone)}, "
                      f"{summary.total} {summary.currency}")
    except OrderNotFound:
        print(NOT_FOUND)
        return 1
    except ShopUnavailable as error:
        print(f"unavailable: {error.reason}")
        return 1
    finally:
        await shop.close()
    return 0


def _when(moment: dt.datetime | None, zone: ZoneInfo) -> str:
    return "unknown" if moment is None else moment.astimezone(zone).strftime("%Y-%m-%d %H:%M %Z")


def _order_lines(order: Order, zone: ZoneInfo) -> list[str]:
    lines = [f"Order {order.ref}: {order.status}",
             f"  placed {_when(order.placed_at, zone)}, updated {_when(order.updated_at, zone)}",
             f"  total {order.total} {order.currency}",
             "  items: " + ("; ".join(f"{item.quantity} × {item.name}" for item in order.items) or "none")]
    lines += [f"  payment: {payment.amount} {payment.currency} {payment.status}, {_when(payment.at, zone)}"
              for payment in order.payments] or ["  payments: none"]
    if order.status_page_url:
        lines.append(f"  status page: {order.status_page_url}")
    return lines


def _shipment_lines(shipments: tuple[Shipment, ...], zone: ZoneInfo) -> list[str]:
    lines = [f"Shipments: {len(shipments) or 'none'}"]
    for parcel in shipments:
        carrier = " ".join(part for part in (parcel.carrier, parcel.tracking_number) if part) or "no carrier yet"
        estimate = f"expected {_when(parcel.estimated_delivery, zone)}" if parcel.estimated_delivery else "no estimate"
        lines.append(f"  {carrier}: {parcel.status}, {estimate}")
        if parcel.last_event is not None:
            place = f" in {parcel.last_event.place}" if parcel.last_event.place else ""
            lines.append(f"    last: {_when(parcel.last_event.at, zone)}{place}: {parcel.last_event.text}")
        if parcel.tracking_url:
            lines.append(f"    tracking: {parcel.tracking_url}")
    return lines


def _refund_lines(refunds: tuple[Refund, ...], zone: ZoneInfo) -> list[str]:
    return [f"Refunds: {len(refunds) or 'none'}"] + [
        f"  {refund.amount} {refund.currency} {refund.status}, created {_when(refund.created_at, zone)}, "
        f"expected by {_when(refund.expected_by, zone)}" for refund in refunds]


def _serve_demo(args: argparse.Namespace, settings: Settings) -> int:
    asyncio.run(_serve(args.port, args.token))
    return 0


async def _serve(port: int, token: str | None) -> None:
    from bot.shop.demo import DemoShop
    from bot.shop.demo_server import LoopbackServer, contract_app

    server = LoopbackServer(contract_app(DemoShop(_now), token), port)
    try:
        url = await server.start()
    except OSError as error:
        raise UsageError(f"cannot listen on 127.0.0.1:{port} ({error.strerror}); choose another --port") from None
    print(f"Demo shop serving docs/shop-api.yaml on {url} (demo data); stop with Ctrl-C.", flush=True)
    secret = " CANDOR_SHOP_TOKEN=<the token>" if token else ""
    print(f"Try: CANDOR_SHOP=http CANDOR_SHOP_URL={url}{secret} candor shop check --ref 50001 "
          "--contact emily.clarke@example.com", flush=True)
    await server.wait()
