"""A helpdesk acts on its team's tasks over real HTTP: ``POST /helpdesk/tasks/{id}/events`` with the team's token.

The endpoint runs on uvicorn on 127.0.0.1 with a task desk (``StoredTaskDesk``) that changes the
stored task as the card's buttons would, so each answer is checked against what was stored.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from starlette.applications import Starlette
from telegram.ext import ApplicationBuilder

from bot.channels.helpdesk_inbound import MAX_BODY_BYTES, helpdesk_routes
from bot.channels.updates import FailedUpdateDesk, UpdateFailures
from bot.channels.webhook import build_webhook_app
from bot.channels.webhook_server import BodyGuard, WebhookLimits
from bot.policy.tasks import Member, TaskState
from bot.service.helpdesk_keys import token_hash
from bot.service.support import SupportService
from bot.shop.demo_server import LoopbackServer
from bot.storage.chat_locks import ChatLocks
from bot.storage.database import Database, upgrade_schema_async
from bot.storage.models import Base
from bot.storage.tasks import TaskEventView, TaskRepository, TaskView
from knowledge import load_pack
from knowledge.retrieval import TopicIndex
from nlu.runtime import EmotionAnalyzer
from tests.conftest import TEST_TOKEN, database_url
from tests.integration.helpdesk_setup import ANNA, Clock, Helpdesk, StoredTaskDesk, add_team, draft, open_conversation

STRANGER = 999
TOMASZ = Member(601, "Tomasz", "Delivery coordinator")


@dataclass
class Desk:
    database: Database
    clock: Clock
    client: httpx.AsyncClient
    payments: Helpdesk
    delivery: Helpdesk

    async def new_task(self, team: str = "payments") -> int:
        conversation_id = await open_conversation(self.database)
        async with self.database.session() as session:
            return await TaskRepository(session).create(
                draft(conversation_id, team, self.clock.now() + dt.timedelta(hours=4)), self.clock.now())

    async def post(self, task_id: int, body: dict[str, Any], token: str | None = None) -> httpx.Response:
        token = self.payments.token if token is None else token
        return await self.client.post(f"/helpdesk/tasks/{task_id}/events", json=body,
                                      headers={"Authorization": f"Bearer {token}"})

    async def task(self, task_id: int) -> tuple[TaskView, list[TaskEventView]]:
        async with self.database.session() as session:
            tasks = TaskRepository(session)
            task = await tasks.get(task_id)
            assert task is not None
            return task, await tasks.events(task_id)


@pytest.fixture(scope="module")
async def desk(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Desk]:
    """One desk for the module: each test makes its own task."""
    url = database_url(tmp_path_factory.mktemp("inbound"), "inbound")
    await upgrade_schema_async(url)
    database, clock = Database(url), Clock()
    payments, delivery = Helpdesk("payments", "https://desk.example.com/p"), Helpdesk("delivery", "https://d.example")
    await add_team(database, "payments", payments)
    await add_team(database, "delivery", delivery, members=(TOMASZ,))
    app = Starlette(routes=helpdesk_routes(database, StoredTaskDesk(database, clock)))
    async with LoopbackServer(app) as base, httpx.AsyncClient(base_url=base, timeout=30) as client:
        yield Desk(database, clock, client, payments, delivery)
    await database.dispose()


async def test_a_member_takes_a_task_and_the_answer_and_the_task_say_so(desk: Desk) -> None:
    task_id = await desk.new_task()

    response = await desk.post(task_id, {"action": "take", "member_user_id": ANNA.user_id})

    assert response.status_code == 200
    answered = response.json()["task"]
    assert answered["state"] == "taken"
    assert answered["taken_by"] == {"user_id": 501, "name": "Anna", "role": "Payments specialist"}
    task, events = await desk.task(task_id)
    assert task.state is TaskState.TAKEN and task.taken_by == ANNA.user_id and task.first_touch_at == desk.clock.now()
    assert (events[-1].kind, events[-1].actor_name) == ("take", "Anna")


@pytest.mark.parametrize(("more", "due"), [
    ({"hours": 1}, dt.datetime(2026, 11, 23, 15, 0, tzinfo=dt.UTC)),
    ({"hours": 4}, dt.datetime(2026, 11, 24, 10, 0, tzinfo=dt.UTC)),
    ({"next_day": True}, dt.datetime(2026, 11, 24, 17, 0, tzinfo=dt.UTC)),
])
async def test_more_time_moves_the_due_time_by_the_teams_working_hours(desk: Desk, more: dict[str, Any],
                                                                       due: dt.datetime) -> None:
    task_id = await desk.new_task()  # due Monday 14:00; the team works 09:00-17:00, Monday to Friday

    response = await desk.post(task_id, {"action": "more_time", "member_user_id": ANNA.user_id, **more})

    assert response.status_code == 200
    assert response.json()["task"]["due_at"] == f"{due:%Y-%m-%dT%H:%M:%S}Z"
    task, events = await desk.task(task_id)
    assert task.due_at == due and events[-1].due_at == due


async def test_done_with_a_note_closes_the_task_and_then_nothing_more_can_be_done(desk: Desk) -> None:
    task_id = await desk.new_task()
    note = "The second charge was a hold; your bank releases it by Thursday."

    done = await desk.post(task_id, {"action": "done", "member_user_id": ANNA.user_id, "note": note})
    again = await desk.post(task_id, {"action": "take", "member_user_id": ANNA.user_id})

    assert done.status_code == 200 and done.json()["task"]["outcome"] == note
    assert again.status_code == 409 and again.json()["error"] == "closed"
    task, _ = await desk.task(task_id)
    assert task.state is TaskState.DONE and task.outcome == note and task.taken_by is None


async def test_a_second_question_while_one_waits_is_refused_but_the_first_is_stored(desk: Desk) -> None:
    task_id = await desk.new_task()
    ask = {"action": "need_info", "member_user_id": ANNA.user_id, "question": "Which card did you pay with?"}

    first = await desk.post(task_id, ask)
    second = await desk.post(task_id, {**ask, "question": "And when?"})

    assert first.status_code == 200 and first.json()["task"]["state"] == "waiting"
    assert second.status_code == 409 and second.json()["error"] == "waiting"
    task, _ = await desk.task(task_id)
    assert task.question == "Which card did you pay with?"


async def test_a_decline_needs_a_reason_and_keeps_it(desk: Desk) -> None:
    task_id = await desk.new_task()

    response = await desk.post(task_id, {"action": "decline", "member_user_id": ANNA.user_id,
                                         "reason": "  Two  separate orders,\n both paid. "})

    assert response.status_code == 200
    task, _ = await desk.task(task_id)
    assert task.state is TaskState.DECLINED and task.outcome == "Two separate orders, both paid."


@pytest.mark.parametrize("authorization", [None, "Bearer", "Basic YW5uYTpwYXNz", "Bearer not-a-token"])
async def test_without_the_teams_token_nothing_happens(desk: Desk, authorization: str | None) -> None:
    task_id = await desk.new_task()
    headers = {"Authorization": authorization} if authorization is not None else {}

    response = await desk.client.post(f"/helpdesk/tasks/{task_id}/events", headers=headers,
                                      json={"action": "take", "member_user_id": ANNA.user_id})

    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith('Bearer realm="candor"')
    assert ('error="invalid_token"' in response.headers["WWW-Authenticate"]) is (authorization == "Bearer not-a-token")
    task, events = await desk.task(task_id)
    assert task.state is TaskState.OPEN and len(events) == 1


async def test_another_teams_task_or_a_task_that_does_not_exist_is_not_found(desk: Desk) -> None:
    theirs = await desk.new_task("delivery")

    foreign = await desk.post(theirs, {"action": "take", "member_user_id": ANNA.user_id})
    missing = await desk.post(theirs + 1000, {"action": "take", "member_user_id": ANNA.user_id})
    absurd = await desk.post(10**20, {"action": "take", "member_user_id": ANNA.user_id})
    own_token = await desk.post(theirs, {"action": "take", "member_user_id": TOMASZ.user_id}, desk.delivery.token)

    assert (foreign.status_code, foreign.json()["error"]) == (404, "unknown_task")
    assert missing.status_code == 404 and absurd.status_code == 404
    assert own_token.status_code == 200, "the delivery team's token reaches the delivery team's task"


async def test_a_stranger_named_as_the_member_changes_nothing(desk: Desk) -> None:
    task_id = await desk.new_task()

    stranger = await desk.post(task_id, {"action": "done", "member_user_id": STRANGER, "note": "all sorted"})
    other_team = await desk.post(task_id, {"action": "take", "member_user_id": TOMASZ.user_id})

    assert (stranger.status_code, stranger.json()["error"]) == (403, "not_member")
    assert other_team.status_code == 403, "a member of another team is a stranger here"
    task, events = await desk.task(task_id)
    assert task.state is TaskState.OPEN and task.outcome == "" and len(events) == 1


@pytest.mark.parametrize(("body", "field"), [
    ({"member_user_id": 501}, "action"),
    ({"action": "escalate", "member_user_id": 501}, "action"),
    ({"action": "take"}, "member_user_id"),
    ({"action": "take", "member_user_id": "501"}, "member_user_id"),
    ({"action": "more_time", "member_user_id": 501}, "hours"),
    ({"action": "more_time", "member_user_id": 501, "hours": 2}, "hours"),
    ({"action": "more_time", "member_user_id": 501, "hours": 1, "next_day": True}, "hours"),
    ({"action": "more_time", "member_user_id": 501, "next_day": "yes"}, "next_day"),
    ({"action": "done", "member_user_id": 501}, "note"),
    ({"action": "decline", "member_user_id": 501, "reason": "   "}, "reason"),
    ({"action": "need_info", "member_user_id": 501, "question": "?" * 501}, "question"),
    (["take", 501], "body"),
])
async def test_a_body_that_says_something_impossible_gets_422_naming_the_field(
        desk: Desk, body: Any, field: str) -> None:
    task_id = await desk.new_task()

    response = await desk.post(task_id, body)

    assert (response.status_code, response.json()["field"]) == (422, field)
    task, events = await desk.task(task_id)
    assert task.state is TaskState.OPEN and len(events) == 1


async def test_a_body_that_is_not_json_or_too_big_is_refused(desk: Desk) -> None:
    task_id = await desk.new_task()
    headers = {"Authorization": f"Bearer {desk.payments.token}", "content-type": "application/json"}
    path = f"/helpdesk/tasks/{task_id}/events"

    garbled = await desk.client.post(path, content=b'{"action": "take", ', headers=headers)
    huge = await desk.client.post(path, headers=headers, content=(
        b'{"action": "done", "member_user_id": 501, "note": "' + b"x" * MAX_BODY_BYTES + b'"}'))

    assert (garbled.status_code, garbled.json()["field"]) == (422, "body")
    assert huge.status_code == 413
    task, _ = await desk.task(task_id)
    assert task.state is TaskState.OPEN


async def test_the_token_is_stored_only_as_its_hash_and_never_logged(
        desk: Desk, caplog: pytest.LogCaptureFixture) -> None:
    task_id = await desk.new_task()
    with caplog.at_level(logging.DEBUG):
        assert (await desk.post(task_id, {"action": "take", "member_user_id": ANNA.user_id})).status_code == 200
        assert (await desk.post(task_id, {"action": "take"}, desk.payments.token + "x")).status_code == 401

    stored: list[str] = []
    async with desk.database.session() as session:
        for table in Base.metadata.sorted_tables:
            stored += [repr(tuple(row)) for row in await session.execute(select(table))]
    everything = "\n".join(stored)
    assert token_hash(desk.payments.token) in everything
    assert desk.payments.token not in everything and desk.payments.token not in caplog.text


async def test_the_webhook_worker_serves_the_endpoint_next_to_telegrams_updates(desk: Desk) -> None:
    task_id = await desk.new_task()
    analyzer, pack = EmotionAnalyzer(None), load_pack()
    service = SupportService(desk.database, analyzer, pack, TopicIndex.build(pack, None), now=desk.clock.now)
    telegram = ApplicationBuilder().token(TEST_TOKEN).build()

    def worker_app(with_helpdesk: bool) -> BodyGuard:
        app = build_webhook_app(telegram, "telegram-secret", desk.database, ChatLocks(), UpdateFailures(), service,
                                FailedUpdateDesk(desk.database, pack),
                                StoredTaskDesk(desk.database, desk.clock) if with_helpdesk else None)
        return BodyGuard(app, WebhookLimits())

    path, take = f"/helpdesk/tasks/{task_id}/events", {"action": "take", "member_user_id": ANNA.user_id}
    auth = {"Authorization": f"Bearer {desk.payments.token}"}
    try:
        async with LoopbackServer(worker_app(True)) as base, httpx.AsyncClient(base_url=base, timeout=30) as client:
            taken = await client.post(path, json=take, headers=auth)
            not_telegram = await client.post("/", json={"update_id": 1}, headers=auth)
        async with LoopbackServer(worker_app(False)) as base, httpx.AsyncClient(base_url=base, timeout=30) as client:
            without = await client.post(path, json=take, headers=auth)
    finally:
        await analyzer.close()

    assert taken.status_code == 200 and taken.json()["task"]["taken_by"]["name"] == "Anna"
    assert not_telegram.status_code == 401, "the helpdesk's token is not Telegram's secret"
    assert without.status_code == 404, "a worker started without a task desk has no helpdesk endpoint"
