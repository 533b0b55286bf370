"""The http backend over real HTTP on 127.0.0.1: the demo shop's contract server, and a fake that misbehaves."""

from __future__ import annotations

import asyncio
import datetime as dt
import socket
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

from bot.shop.backend import OrderNotFound, ShopUnavailable
from bot.shop.contract import order_json
from bot.shop.demo import DemoShop
from bot.shop.demo_data import demo_order
from bot.shop.demo_server import LoopbackServer, contract_app
from bot.shop.http import HttpShop

pytestmark = pytest.mark.no_database

NOW = dt.datetime(2026, 11, 30, 12, 0, tzinfo=dt.UTC)
TOKEN = "candor-test-token-7f3a"
CEILING = 30.0
"""Seconds a test may take before it counts as hung: a bound for failures, not a measured time."""


@dataclass
class Misbehaving:
    """A shop that answers by the first part of its path: /429/v1/..., /hang/v1/..., /record/v1/..."""

    release: asyncio.Event = field(default_factory=asyncio.Event)
    seen: list[tuple[bytes, str, str]] = field(default_factory=list)

    async def answer(self, request: Request) -> Response:
        mode = request.path_params["mode"]
        if mode.isdigit():
            return JSONResponse({"error": "busy"}, int(mode))
        if mode == "hang":
            await self.release.wait()
        if mode == "html":
            return PlainTextResponse("<html>Maintenance</html>")
        if mode == "redirect":
            return RedirectResponse("https://elsewhere.example.com/", 302)
        if mode == "misshapen":
            entry = demo_order("50001", NOW)
            assert entry is not None
            return JSONResponse({**order_json(entry.order), "status": "emily.clarke@example.com"})
        self.seen.append((request.scope["raw_path"], request.query_params.get("contact", ""),
                          request.headers.get("authorization", "")))
        if request.url.path.endswith("/shipments"):
            return JSONResponse({"shipments": []})
        entry = demo_order("50001", NOW)
        assert entry is not None
        return JSONResponse(order_json(entry.order))

    def app(self) -> Starlette:
        return Starlette(routes=[Route("/{mode}/v1/{rest:path}", self.answer)])


@pytest.fixture
async def demo_url() -> AsyncIterator[str]:
    async with LoopbackServer(contract_app(DemoShop(lambda: NOW), TOKEN)) as url:
        yield url


@pytest.fixture
async def fake() -> AsyncIterator[tuple[Misbehaving, str]]:
    shop = Misbehaving()
    server = LoopbackServer(shop.app())
    url = await server.start()
    try:
        yield shop, url
    finally:
        shop.release.set()  # lets a hung answer finish, so the server can stop
        await server.stop()


async def unavailable(shop: HttpShop, ref: str = "50001", contact: str = "emily.clarke@example.com") -> str:
    """The reason the shop gives for not answering an order lookup."""
    try:
        async with asyncio.timeout(CEILING):
            with pytest.raises(ShopUnavailable) as caught:
                await shop.order(ref, contact)
    finally:
        await shop.close()
    return caught.value.reason


@pytest.mark.parametrize(("ref", "contact"), [
    ("50001", "emily.clarke@example.com"), ("#50012", "+48601234567"), ("50034", "WANG.FANG@example.com"),
    ("50049", "+8613687654321"), ("50048", "maria.ivanova@example.net"), ("50043", "+12025550143")])
async def test_the_http_backend_reads_the_demo_shop_exactly_as_the_demo_backend_does(
        demo_url: str, ref: str, contact: str) -> None:
    direct = DemoShop(lambda: NOW)
    shop = HttpShop(demo_url, TOKEN)
    try:
        assert await shop.order(ref, contact) == await direct.order(ref, contact)
        assert await shop.shipments(ref, contact) == await direct.shipments(ref, contact)
        assert await shop.refunds(ref, contact) == await direct.refunds(ref, contact)
        assert await shop.orders(contact, limit=3) == await direct.orders(contact, limit=3)
        assert await shop.health() == await direct.health()
    finally:
        await shop.close()
    assert shop.name == "http"


async def test_a_wrong_contact_looks_exactly_like_a_missing_order(demo_url: str) -> None:
    shop = HttpShop(demo_url, TOKEN)
    try:
        for ref, contact in (("50012", "emily.clarke@example.com"), ("50012", "+48601234560"),
                             ("77777", "katarzyna.nowak@example.com")):
            with pytest.raises(OrderNotFound):
                await shop.order(ref, contact)
            with pytest.raises(OrderNotFound):
                await shop.shipments(ref, contact)
            with pytest.raises(OrderNotFound):
                await shop.refunds(ref, contact)
    finally:
        await shop.close()


@pytest.mark.parametrize("token", [None, "not-the-token"])
async def test_a_missing_or_wrong_token_says_which_setting_to_fix(demo_url: str, token: str | None) -> None:
    reason = await unavailable(HttpShop(demo_url, token))

    assert reason == "the shop refused the token (401); check CANDOR_SHOP_TOKEN"
    assert TOKEN not in reason


async def test_the_contact_and_the_reference_arrive_as_the_customer_gave_them(fake: tuple[Misbehaving, str]) -> None:
    recorder, url = fake
    shop = HttpShop(f"{url}/record/", TOKEN)
    try:
        await shop.order("#50001", "+48601234567")
        await shop.shipments("AB/12 3", "anna+shop@example.com")
    finally:
        await shop.close()

    assert recorder.seen == [
        (b"/record/v1/orders/50001", "+48601234567", f"Bearer {TOKEN}"),
        (b"/record/v1/orders/AB%2F12%203/shipments", "anna+shop@example.com", f"Bearer {TOKEN}"),
    ]


@pytest.mark.parametrize(("status", "reason"), [
    (429, "the shop is rate-limiting lookups (429)"), (500, "the shop had an error (500)"),
    (502, "the shop had an error (502)"), (503, "the shop had an error (503)"),
    (403, "the shop refused the token (403); check CANDOR_SHOP_TOKEN"),
    (400, "unexpected answer from the shop (400)")])
async def test_a_busy_or_broken_shop_is_unavailable_with_its_status(fake: tuple[Misbehaving, str], status: int,
                                                                     reason: str) -> None:
    _, url = fake

    assert await unavailable(HttpShop(f"{url}/{status}", TOKEN)) == reason


async def test_a_shop_that_does_not_answer_in_time_is_unavailable(fake: tuple[Misbehaving, str]) -> None:
    _, url = fake

    assert await unavailable(HttpShop(f"{url}/hang", TOKEN, timeout=0.2)) == "the shop did not answer within 0.2 s"


async def test_a_reply_that_is_not_the_contract_is_unavailable_and_repeats_nothing(
        fake: tuple[Misbehaving, str]) -> None:
    _, url = fake

    assert await unavailable(HttpShop(f"{url}/html", TOKEN)) == "reply not shaped like the contract: not JSON"
    misshapen = await unavailable(HttpShop(f"{url}/misshapen", TOKEN))
    assert misshapen.startswith("reply not shaped like the contract: order.status: expected one of pending_payment")
    assert "example.com" not in misshapen


async def test_a_redirect_is_not_followed(fake: tuple[Misbehaving, str]) -> None:
    _, url = fake

    assert await unavailable(HttpShop(f"{url}/redirect", TOKEN)) == "unexpected answer from the shop (302)"


async def test_an_address_without_the_contract_is_named_on_the_health_check(demo_url: str) -> None:
    shop = HttpShop(f"{demo_url}/api", TOKEN)
    try:
        with pytest.raises(ShopUnavailable, match=r"no shop contract at this address \(404\); check CANDOR_SHOP_URL"):
            await shop.health()
    finally:
        await shop.close()


async def test_a_shop_that_is_not_running_is_unavailable() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]

    assert await unavailable(HttpShop(f"http://127.0.0.1:{port}", TOKEN)) == "could not reach the shop (ConnectError)"


async def test_a_shared_client_stays_open_for_its_owner(demo_url: str) -> None:
    async with httpx.AsyncClient() as client:
        shop = HttpShop(demo_url, TOKEN, client=client)
        assert (await shop.order("50005", "oliver.bennett@example.com")).payments[1].status == "pending"
        await shop.close()

        assert not client.is_closed


async def test_the_demo_server_refuses_a_call_without_a_contact_or_with_a_bad_limit(demo_url: str) -> None:
    headers = {"Authorization": f"Bearer {TOKEN}"}
    async with httpx.AsyncClient(base_url=demo_url, headers=headers) as client:
        no_contact = await client.get("/v1/orders/50001")
        bad_limit = await client.get("/v1/orders", params={"contact": "emily.clarke@example.com", "limit": "0"})
        two = await client.get("/v1/orders", params={"contact": "emily.clarke@example.com", "limit": "2"})
        anonymous = await client.get("/v1/health", headers={"Authorization": ""})

    assert no_contact.status_code == 400 and "contact is required" in no_contact.json()["error"]
    assert bad_limit.status_code == 400
    assert len(two.json()["orders"]) == 2
    assert anonymous.status_code == 401 and anonymous.headers["www-authenticate"] == "Bearer"
