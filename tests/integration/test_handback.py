"""/resolve closes what the agent settled: the conversation's promises and the teams' open tasks (issue 18, item 6),
on a real database with a recording workspace, a clock the test moves, and a team task made through the repositories."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from bot.policy.model import CustomerTurn, Reply, TurnKind
from bot.service.customer import CustomerRef
from bot.storage.conversations import case_of
from bot.storage.handoffs import HandoffRepository
from bot.storage.models import Conversation, Promise, Task, TaskEvent
from bot.storage.promises import PromiseRepository
from tests.integration.task_data import new_task
from tests.integration.test_handoff_desk import MONDAY_10, Desk, desk

__all__ = ["desk"]
"""The fixture, shared with the desk's own tests."""


async def handed_off_with_a_task_and_promises(desk: Desk) -> tuple[int, int, int, int]:
    """Olga asked Marta for help; the payments team has an open task keeping one promise, and the bot made another.
    Returns (topic, task, the task's promise, the other promise)."""
    desk.clock[0] = MONDAY_10.replace(hour=14)
    await desk.handle(CustomerTurn(TurnKind.TEXT, text="Let me speak to a human"))
    now, due = desk.clock[0], desk.clock[0] + dt.timedelta(days=1)
    async with desk.database.session() as session:
        promises = PromiseRepository(session)
        kept = await promises.add(1, "double_charge", "our payments team checks both charges", "en", due,
                                  due - dt.timedelta(minutes=30), 24)
        other = await promises.add(1, "refund_status", "you hear back about the refund", "en", due,
                                   due - dt.timedelta(minutes=30), 24)
        task = await new_task(session, "700", "payments", due, now, promise_id=kept)
    return 101, task, kept, other


async def statuses(desk: Desk, *promise_ids: int) -> list[str]:
    async with desk.database.session() as session:
        return [(await session.get(Promise, pid)).status for pid in promise_ids]  # type: ignore[union-attr]


async def test_resolve_closes_the_promises_and_the_open_tasks_as_done_by_the_agent(desk: Desk) -> None:
    thread, task_id, kept, other = await handed_off_with_a_task_and_promises(desk)

    note = await desk.service.handoffs.commands.run(31, thread, "resolve", "The hold drops off on Friday.", desk.send)

    assert note == ("Resolved by Marta; the customer is back with the bot and was told so.\n"
                    "Closed with the handback: 1 open promise(s) and 1 team task(s).")
    assert await statuses(desk, kept, other) == ["kept", "resolved"]
    async with desk.database.session() as session:
        task = await session.get(Task, task_id)
        [*_, event] = (await session.scalars(select(TaskEvent).where(TaskEvent.task_id == task_id)
                                             .order_by(TaskEvent.id))).all()
    assert task is not None and (task.state, task.outcome) == ("done", "The hold drops off on Friday.")
    assert (event.kind, event.actor_name, event.actor_user_id) == ("done", "Marta", 31)

    late: list[Reply] = []

    async def deliver(customer: CustomerRef, reply: Reply) -> None:
        late.append(reply)

    desk.clock[0] += dt.timedelta(days=2)
    await desk.service.follow_up(other, deliver)
    await desk.service.follow_up(kept, deliver)
    assert late == [], "no running-late notice follows a promise the agent settled"


async def test_resolve_keep_tasks_leaves_the_teams_work_and_its_promise_open(desk: Desk) -> None:
    thread, task_id, kept, other = await handed_off_with_a_task_and_promises(desk)

    await desk.service.handoffs.commands.run(31, thread, "resolve", "--keep-tasks Payments still check it.", desk.send)

    assert await statuses(desk, kept, other) == ["open", "resolved"]
    async with desk.database.session() as session:
        task = await session.get(Task, task_id)
    assert task is not None and task.state == "open"
    [(_, told)] = desk.sent[-1:]
    assert '"Payments still check it."' in told.text and "--keep-tasks" not in told.text


async def test_resolve_without_a_note_still_hands_back(desk: Desk) -> None:
    thread, _, _, _ = await handed_off_with_a_task_and_promises(desk)
    desk.sent.clear()

    await desk.service.handoffs.commands.run(31, thread, "resolve", "", desk.send)

    [(_, told)] = desk.sent
    assert told.text.startswith("Marta has marked this as sorted and handed you back"), told.text


async def test_asking_again_for_an_away_agent_never_gives_the_customer_someone_without_their_language(
        desk: Desk) -> None:
    desk.clock[0] = MONDAY_10.replace(hour=14)
    await desk.handle(CustomerTurn(TurnKind.TEXT, text="Я хочу поговорить с оператором"))
    await desk.service.handoffs.commands.run(32, 101, "resolve", "", desk.send)
    await desk.service.handoffs.queue.run(32, "away")

    reply = await desk.handle(CustomerTurn(TurnKind.TEXT, text="Хочу снова поговорить с Иваном"))

    async with desk.database.session() as session:
        reopened = await HandoffRepository(session).open_for(1)
    assert reopened is not None and reopened.thread_id == 101, "the same topic"
    assert reopened.agent_user_id is None, "not Marta, who reads no Russian: Ivan is away, not gone"
    assert reply is not None and "Marta" not in reply.text and "Ivan" in reply.text, reply.text


async def test_an_order_number_the_customer_corrected_by_editing_is_the_one_the_bot_goes_on_with(desk: Desk) -> None:
    thread, _, _, _ = await handed_off_with_a_task_and_promises(desk)
    await desk.handle(CustomerTurn(TurnKind.TEXT, text="It is about order #60113"))
    await desk.handle(CustomerTurn(TurnKind.EDITED, text="It is about order #60311"))

    await desk.service.handoffs.commands.run(31, thread, "resolve", "--keep-tasks", desk.send)

    async with desk.database.session() as session:
        conversation = await session.get(Conversation, 1)
    assert conversation is not None and case_of(conversation).value("order_ref") == "60311", "her correction wins"
