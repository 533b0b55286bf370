"""Reply deadlines on a real database (issue 18, item 5): a queued customer's wait, a transfer's new promise, and a
ladder rung recorded before anything is sent, so a crash or a second worker never repeats it."""

from __future__ import annotations

import datetime as dt

from bot.policy.model import CustomerTurn, Move, TurnKind
from bot.storage.models import Handoff, as_utc
from tests.integration.test_handoff_desk import MONDAY_10, Desk, desk

__all__ = ["desk"]
"""The fixture, shared with the desk's own tests."""


async def handoff(desk: Desk) -> Handoff:
    async with desk.database.session() as session:
        row = await session.get(Handoff, 1)
    assert row is not None
    return row


def utc(when: dt.datetime | None) -> dt.datetime | None:
    """SQLite gives stored times back without their zone."""
    return as_utc(when) if when is not None else None


async def test_a_queued_customer_writing_again_keeps_the_time_they_were_told(desk: Desk) -> None:
    await desk.handle(CustomerTurn(TurnKind.TEXT, text="I want to talk to a real person"))  # 10:00, shift at 13:00
    told = (await handoff(desk)).expected_at
    desk.clock[0] = MONDAY_10.replace(minute=40)

    await desk.handle(CustomerTurn(TurnKind.TEXT, text="Hello? Is anyone there?"))

    waiting = await handoff(desk)
    assert waiting.status == "queued" and waiting.reply_due_at == told, "no new promise while nobody is on shift"
    assert await desk.service.handoffs.nudge_late_replies(desk.send) == 0 and desk.sent == []


async def test_a_later_message_waits_the_agents_reply_time_and_a_transfer_restarts_the_ladder(desk: Desk) -> None:
    desk.clock[0] = MONDAY_10.replace(hour=14)
    await desk.handle(CustomerTurn(TurnKind.TEXT, text="Let me speak to a human"))
    await desk.service.handoffs.from_agent(31, 101, "Hi Olga, Marta here.", desk.send)
    desk.clock[0] = MONDAY_10.replace(hour=14, minute=5)
    await desk.handle(CustomerTurn(TurnKind.TEXT, text="It's about order #60311"))
    assert utc((await handoff(desk)).reply_due_at) == MONDAY_10.replace(hour=14, minute=15), "CANDOR_AGENT_REPLY_MINUTES"

    desk.clock[0] = MONDAY_10.replace(hour=14, minute=16)
    assert await desk.service.handoffs.nudge_late_replies(desk.send) == 1
    assert (await handoff(desk)).nudge_stage == 1, "the agent first"
    assert not [reply for _, reply in desk.sent if reply.move is Move.PROMISE_UPDATE], "the customer not yet"

    await desk.service.handoffs.commands.run(31, 101, "transfer", "Ivan --anyway", desk.send)  # Ivan: Russian only
    moved = await handoff(desk)
    assert (moved.agent_user_id, moved.nudge_stage) == (32, 0) and moved.reply_due_at == moved.expected_at, \
        "the new owner's promised time is the wait's, and its ladder starts again"


async def test_a_rung_is_recorded_before_anything_is_sent_so_it_is_never_sent_twice(desk: Desk) -> None:
    desk.clock[0] = MONDAY_10.replace(hour=14)
    await desk.handle(CustomerTurn(TurnKind.TEXT, text="Let me speak to a human"))
    desk.clock[0] = MONDAY_10.replace(hour=14, minute=14)

    climbed = await desk.service.handoffs.deadlines.climb()  # a worker decides, commits, and stops before sending

    assert [climb.rungs for climb in climbed] == [(1, 2, 3)]
    assert await desk.service.handoffs.nudge_late_replies(desk.send) == 0, "another worker finds nothing owed"
    assert desk.sent == [] and [m for m in desk.workspace.mentions if not m[1].startswith("Handoff #")] == []
    assert utc((await handoff(desk)).expected_at) == MONDAY_10.replace(hour=14, minute=30), "the new time is kept"
    desk.clock[0] += dt.timedelta(hours=1)
    assert await desk.service.handoffs.nudge_late_replies(desk.send) == 0
