"""A team's helpdesk receives its tasks: signed per Standard Webhooks, keyed by task id, retried with backoff.

The helpdesk is a real HTTP server on 127.0.0.1 that checks every signature with
``bot.service.webhook_signing.verify`` (as a shop's desk would with any Standard Webhooks
library) and records what it got; retries are driven by moving the clock, never by waiting.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import itertools
import json
import logging
import re
import socket
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from bot.service.helpdesk import RETRY_DELAYS, HelpdeskDeliveries, enqueue_delivery
from bot.service.helpdesk_payload import TASK_CREATED, TASK_UPDATED
from bot.service.webhook_signing import WebhookSignatureError, verify
from bot.shop.demo_server import LoopbackServer
from bot.storage.database import Database, upgrade_schema_async
from bot.storage.deliveries import DeliveryRepository, DeliveryView
from bot.storage.tasks import TaskRepository
from bot.storage.teams import TeamRepository
from tests.conftest import database_url
from tests.integration.helpdesk_setup import (
    ANNA,
    CUSTOMER_ID,
    CUSTOMER_NAME,
    Clock,
    Helpdesk,
    add_team,
    draft,
    open_conversation,
)


@dataclass(frozen=True)
class Received:
    path: str
    headers: dict[str, str]
    body: bytes
    signed: bool

    def header(self, name: str) -> str:
        return self.headers[name.lower()]


@dataclass
class Receiver:
    """The team's helpdesk: answers each POST with the next scripted status (then 200), after checking its signature."""

    clock: Clock
    secret: str = ""
    statuses: list[int] = field(default_factory=list)
    received: list[Received] = field(default_factory=list)
    hold_first: asyncio.Event | None = None
    first_arrived: asyncio.Event = field(default_factory=asyncio.Event)
    never_answer: asyncio.Event | None = None

    def app(self) -> Starlette:
        return Starlette(routes=[Route("/{path:path}", self._hook, methods=["POST"])])

    async def _hook(self, request: Request) -> PlainTextResponse:
        body = await request.body()
        try:
            verify(self.secret, request.headers, body, self.clock.now())
            signed = True
        except WebhookSignatureError:
            signed = False
        self.received.append(Received(request.url.path, dict(request.headers), body, signed))
        if len(self.received) == 1:
            self.first_arrived.set()
            if self.hold_first is not None:
                await self.hold_first.wait()
        if self.never_answer is not None:
            await self.never_answer.wait()
        if not signed:
            return PlainTextResponse("bad signature", status_code=401)
        return PlainTextResponse("ok", status_code=self.statuses.pop(0) if self.statuses else 200)


@dataclass
class World:
    database: Database
    clock: Clock
    receiver: Receiver
    helpdesk: Helpdesk
    deliveries: HelpdeskDeliveries

    async def new_task(self, team: str = "payments") -> int:
        """A task and its task.created, stored in one transaction as the task desk does."""
        conversation_id = await open_conversation(self.database)
        now = self.clock.now()
        async with self.database.session() as session:
            tasks = TaskRepository(session)
            task_id = await tasks.create(draft(conversation_id, team, now + dt.timedelta(hours=4)), now)
            task, profile = await tasks.get(task_id), await TeamRepository(session).get(team)
            assert task is not None and profile is not None
            assert await enqueue_delivery(session, profile, task, await tasks.events(task_id), TASK_CREATED, now)
        return task_id

    async def taken_by_anna(self, task_id: int) -> None:
        """Anna takes the task, and its task.updated is queued with the event."""
        now = self.clock.now()
        async with self.database.session() as session:
            tasks = TaskRepository(session)
            await tasks.add_event(task_id, "take", ANNA, "", now)
            task, team = await tasks.get(task_id), await TeamRepository(session).get("payments")
            assert task is not None and team is not None
            await enqueue_delivery(session, team, task, await tasks.events(task_id), TASK_UPDATED, now)

    async def stored(self, task_id: int) -> list[DeliveryView]:
        async with self.database.session() as session:
            return await DeliveryRepository(session).of_task(task_id)


@pytest.fixture
async def world(tmp_path: Path) -> AsyncIterator[World]:
    url = database_url(tmp_path, "helpdesk")
    await upgrade_schema_async(url)
    database, clock = Database(url), Clock()
    receiver = Receiver(clock)
    server = LoopbackServer(receiver.app())
    base = await server.start()
    helpdesk = Helpdesk("payments", f"{base}/hooks/candor?key=desk-s3cret")
    receiver.secret = helpdesk.secret
    await add_team(database, "payments", helpdesk)
    deliveries = HelpdeskDeliveries(database, clock.now)
    yield World(database, clock, receiver, helpdesk, deliveries)
    for event in (receiver.hold_first, receiver.never_answer):
        if event is not None:
            event.set()
    await deliveries.close()
    await server.stop()
    await database.dispose()


async def test_a_new_task_reaches_the_helpdesk_signed_with_the_task_id_as_idempotency_key(world: World) -> None:
    task_id = await world.new_task()

    assert await world.deliveries.deliver_due() == 1

    [request] = world.receiver.received
    assert request.signed, "the desk's Standard Webhooks check passes"
    assert request.path == "/hooks/candor"
    assert request.header("Idempotency-Key") == str(task_id)
    assert re.fullmatch(r"msg_[0-9a-f]{32}", request.header("webhook-id"))
    assert request.header("webhook-timestamp") == str(int(world.clock.now().timestamp()))
    assert request.header("content-type") == "application/json"
    event = json.loads(request.body)
    assert event["type"] == "task.created" and event["timestamp"] == "2026-11-23T10:00:00Z"
    task = event["data"]["task"]
    assert (task["id"], task["team"], task["state"], task["order_ref"]) == (task_id, "payments", "open", "50001")
    assert task["due_at"] == "2026-11-23T14:00:00Z" and task["customer_verified"] is True
    assert [entry["kind"] for entry in task["events"]] == ["created"]
    assert CUSTOMER_ID not in request.body.decode() and CUSTOMER_NAME not in request.body.decode()
    [stored] = await world.stored(task_id)
    assert stored.delivered_at == world.clock.now() and stored.attempts == 1 and stored.last_error == ""
    assert await world.deliveries.deliver_due() == 0 and len(world.receiver.received) == 1, "taken once, sent once"


async def test_a_refused_delivery_is_retried_with_the_same_ids_and_a_fresh_signature(world: World) -> None:
    world.receiver.statuses = [503]
    task_id = await world.new_task()

    assert await world.deliveries.deliver_due() == 0
    [stored] = await world.stored(task_id)
    assert (stored.attempts, stored.last_error, stored.delivered_at) == (1, "HTTP 503", None)
    assert stored.next_attempt_at == world.clock.now() + RETRY_DELAYS[0]
    assert await world.deliveries.deliver_due() == 0 and len(world.receiver.received) == 1, "not before its time"

    world.clock.advance(RETRY_DELAYS[0])
    assert await world.deliveries.deliver_due() == 1

    first, retry = world.receiver.received
    assert retry.signed and first.signed
    assert retry.header("webhook-id") == first.header("webhook-id")
    assert retry.header("Idempotency-Key") == first.header("Idempotency-Key") == str(task_id)
    assert int(retry.header("webhook-timestamp")) - int(first.header("webhook-timestamp")) == 10
    assert retry.header("webhook-signature") != first.header("webhook-signature")
    assert retry.body == first.body
    [stored] = await world.stored(task_id)
    assert stored.delivered_at == world.clock.now() and stored.attempts == 2


async def test_every_event_of_a_task_carries_its_id_as_the_key_but_its_own_webhook_id(world: World) -> None:
    task_id = await world.new_task()
    await world.taken_by_anna(task_id)

    assert await world.deliveries.deliver_due() == 2

    created, updated = world.receiver.received
    assert [json.loads(r.body)["type"] for r in (created, updated)] == ["task.created", "task.updated"], "oldest first"
    assert created.header("Idempotency-Key") == updated.header("Idempotency-Key") == str(task_id)
    assert created.header("webhook-id") != updated.header("webhook-id")
    taken = json.loads(updated.body)["data"]["task"]["events"][-1]
    assert taken["by"] == {"name": "Anna", "role": "Payments specialist"}


async def test_a_tasks_events_arrive_in_order_even_when_the_first_needs_a_retry(world: World) -> None:
    world.receiver.statuses = [503]
    task_id = await world.new_task()
    assert await world.deliveries.deliver_due() == 0
    await world.taken_by_anna(task_id)

    assert await world.deliveries.deliver_due() == 0, "the update waits for the task's creation to be taken"
    world.clock.advance(RETRY_DELAYS[0])
    assert await world.deliveries.deliver_due() == 2

    assert [json.loads(r.body)["type"] for r in world.receiver.received] == ["task.created", "task.created",
                                                                              "task.updated"]


async def test_a_retry_goes_to_the_url_the_team_has_now(world: World) -> None:
    world.receiver.statuses = [500]
    task_id = await world.new_task()
    await world.deliveries.deliver_due()
    moved = world.helpdesk.url.replace("/hooks/candor", "/hooks/new-desk")
    async with world.database.session() as session:
        teams = TeamRepository(session)
        await teams.set_helpdesk("payments", moved, await teams.signing_secret("payments"), "0" * 64)

    world.clock.advance(RETRY_DELAYS[0])
    assert await world.deliveries.deliver_due() == 1

    assert [r.path for r in world.receiver.received] == ["/hooks/candor", "/hooks/new-desk"]
    assert (await world.stored(task_id))[0].delivered_at is not None


async def test_a_delivery_nobody_takes_is_given_up_after_the_schedule_and_the_log_says_which(
        world: World, caplog: pytest.LogCaptureFixture) -> None:
    world.receiver.statuses = [500] * 100
    task_id = await world.new_task()

    with caplog.at_level(logging.INFO, logger="bot.service.helpdesk"):
        for delay in RETRY_DELAYS:
            assert await world.deliveries.deliver_due() == 0
            world.clock.advance(delay)
        assert await world.deliveries.deliver_due() == 0
        world.clock.advance(dt.timedelta(days=7))
        assert await world.deliveries.deliver_due() == 0

    sent = [int(r.header("webhook-timestamp")) for r in world.receiver.received]
    assert [b - a for a, b in itertools.pairwise(sent)] == [d.total_seconds() for d in RETRY_DELAYS]
    [stored] = await world.stored(task_id)
    assert stored.given_up_at is not None and stored.delivered_at is None
    assert (stored.attempts, stored.last_error) == (len(RETRY_DELAYS) + 1, "HTTP 500")
    [error] = [record for record in caplog.records if record.levelno == logging.ERROR]
    assert "payments" in error.getMessage() and f"task {task_id}" in error.getMessage()
    assert "s3cret" not in caplog.text and "hooks" not in caplog.text, "the URL and its secrets are never logged"


async def test_410_gone_stops_the_retries_at_once(world: World) -> None:
    world.receiver.statuses = [410]
    task_id = await world.new_task()

    assert await world.deliveries.deliver_due() == 0
    world.clock.advance(dt.timedelta(days=1))
    assert await world.deliveries.deliver_due() == 0

    assert len(world.receiver.received) == 1
    [stored] = await world.stored(task_id)
    assert stored.given_up_at is not None and stored.last_error == "HTTP 410"


@pytest.mark.parametrize(("change", "reason"), [("remove", "team removed"), ("turn_off", "helpdesk turned off")])
async def test_a_team_that_is_gone_or_has_no_helpdesk_now_gets_nothing(world: World, change: str, reason: str) -> None:
    task_id = await world.new_task()
    async with world.database.session() as session:
        teams = TeamRepository(session)
        if change == "remove":
            await teams.remove("payments")
        else:
            await teams.set_helpdesk("payments", None, None, None)

    assert await world.deliveries.deliver_due() == 0

    assert world.receiver.received == []
    [stored] = await world.stored(task_id)
    assert stored.given_up_at is not None and stored.last_error == reason and stored.attempts == 0


async def test_two_workers_at_once_post_a_delivery_once(world: World) -> None:
    world.receiver.hold_first = asyncio.Event()
    task_id = await world.new_task()
    other = HelpdeskDeliveries(world.database, world.clock.now)
    try:
        async with asyncio.timeout(60):
            first = asyncio.create_task(world.deliveries.deliver_due())
            await world.receiver.first_arrived.wait()
            assert await other.deliver_due() == 0, "the other worker sees it claimed while its post is out"
            world.receiver.hold_first.set()
            assert await first == 1
    finally:
        await other.close()

    assert len(world.receiver.received) == 1
    [stored] = await world.stored(task_id)
    assert stored.delivered_at is not None and stored.attempts == 1


async def test_a_worker_that_saw_a_delivery_due_cannot_claim_it_once_another_has(world: World) -> None:
    task_id = await world.new_task()
    now = world.clock.now()
    [delivery] = await world.stored(task_id)
    async with world.database.session() as session:
        first = await DeliveryRepository(session).claim(delivery.id, now, now + dt.timedelta(minutes=1))
    async with world.database.session() as session:
        second = await DeliveryRepository(session).claim(delivery.id, now, now + dt.timedelta(minutes=1))

    assert first is not None and first.task_id == task_id and first.message_id == delivery.message_id
    assert second is None


async def test_a_desk_that_cannot_be_reached_or_never_answers_is_retried_and_its_url_is_never_recorded(
        world: World) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    async with world.database.session() as session:
        await TeamRepository(session).set_helpdesk(
            "payments", f"http://127.0.0.1:{closed_port}/hook?key=desk-s3cret",
            world.helpdesk.secret, None)
    unreachable = await world.new_task()
    await world.deliveries.deliver_due()
    async with world.database.session() as session:
        await TeamRepository(session).set_helpdesk("payments", world.helpdesk.url, world.helpdesk.secret, None)
    world.receiver.never_answer = asyncio.Event()
    silent = await world.new_task()
    impatient = HelpdeskDeliveries(world.database, world.clock.now, timeout=0.5)
    try:
        await impatient.deliver_due()
    finally:
        await impatient.close()

    [refused], [timed_out] = await world.stored(unreachable), await world.stored(silent)
    assert (refused.last_error, refused.attempts) == ("connect error", 1)
    assert (timed_out.last_error, timed_out.attempts) == ("timeout", 1)
    assert timed_out.next_attempt_at == world.clock.now() + RETRY_DELAYS[0] and timed_out.given_up_at is None


async def test_nothing_is_queued_for_a_team_without_a_helpdesk_nor_for_a_task_that_was_not_stored(
        world: World) -> None:
    await add_team(world.database, "delivery", None)
    conversation_id = await open_conversation(world.database)
    now = world.clock.now()
    async with world.database.session() as session:
        tasks = TaskRepository(session)
        task_id = await tasks.create(draft(conversation_id, "delivery", now + dt.timedelta(hours=4)), now)
        task, team = await tasks.get(task_id), await TeamRepository(session).get("delivery")
        assert task is not None and team is not None
        assert not await enqueue_delivery(session, team, task, await tasks.events(task_id), TASK_CREATED, now)
    with pytest.raises(RuntimeError):
        async with world.database.session() as session:
            tasks = TaskRepository(session)
            lost = await tasks.create(draft(conversation_id, "payments", now + dt.timedelta(hours=4)), now)
            task, team = await tasks.get(lost), await TeamRepository(session).get("payments")
            assert task is not None and team is not None
            assert await enqueue_delivery(session, team, task, await tasks.events(lost), TASK_CREATED, now)
            raise RuntimeError("the turn failed after the task was drafted")

    assert await world.deliveries.deliver_due() == 0
    assert world.receiver.received == []
    assert await world.stored(task_id) == [] and await world.stored(lost) == []
