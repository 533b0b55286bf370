"""/resolve NOTE: a person hands the customer back, and the case goes on where they left it.

In the command's unit of work: the handoff resolves with the agent's note (kept, and stored as the
agent's message so the console's transcript shows it); the conversation's open promises close, so
no "running late" notice follows; the teams' open tasks of the conversation close as done by the
agent, each with an event (``--keep-tasks`` keeps them, and the promises they keep); and the
details the customer gave the agent are read into the case, so the bot never asks for them again.

Which tasks count as settled: every open task of the conversation, because an agent who resolves
the conversation has dealt with what the customer was waiting for; an agent who only answered the
customer while a team still works on something says ``/resolve --keep-tasks``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from bot.policy.assignment import AgentProfile
from bot.policy.details import DetailReader
from bot.policy.handback import details_given, resolve_options
from bot.policy.tasks import Member, TaskEventKind, TaskState
from bot.service.helpdesk import announce
from bot.service.helpdesk_payload import TASK_UPDATED
from bot.storage.conversations import ConversationRepository, case_of
from bot.storage.handbacks import HandbackRepository
from bot.storage.handoffs import HandoffRepository, OpenHandoff
from bot.storage.models import Conversation
from bot.storage.promises import PromiseRepository
from bot.storage.tasks import TaskRepository
from knowledge import KnowledgePack

NOTE_LIMIT = 2000


@dataclass(frozen=True)
class Handback:
    """What a handback closed, for the agent's note and the teams' cards after it commits."""

    note: str
    promises: int
    tasks: tuple[int, ...]
    queued: bool
    """A helpdesk delivery was queued with the closed tasks."""


async def hand_back(session: AsyncSession, handoff: OpenHandoff, agent: AgentProfile, argument: str,
                    now: dt.datetime, pack: KnowledgePack, reader: DetailReader) -> Handback:
    """Resolve the handoff and settle what the agent settled, in the command's unit of work."""
    note, keep_tasks = resolve_options(argument)
    note = note[:NOTE_LIMIT]
    handoffs = HandoffRepository(session)
    await handoffs.resolve(handoff.id, now)
    await HandbackRepository(session).settle(handoff.id, note)
    if note:
        await handoffs.add_agent_message(handoff.conversation_id, note, agent.name)
    tasks, queued = ((), False) if keep_tasks else await _settle_tasks(session, handoff.conversation_id, agent, note, now)
    kept = await _promises_of_open_tasks(session, handoff.conversation_id) if keep_tasks else frozenset[int]()
    promises = PromiseRepository(session)
    closed = 0
    for promise in await promises.of_conversation(handoff.conversation_id):
        if promise.id not in kept and await promises.close(promise.id, "resolved", now):
            closed += 1
    await _read_details(session, handoff.conversation_id, pack, reader)
    return Handback(note, closed, tasks, queued)


async def _settle_tasks(session: AsyncSession, conversation_id: int, agent: AgentProfile, note: str,
                        now: dt.datetime) -> tuple[tuple[int, ...], bool]:
    """Close every open task of the conversation as done by the agent; the promise each keeps is kept."""
    tasks = TaskRepository(session)
    member = Member(agent.telegram_user_id, agent.name, agent.role)
    detail = note or "settled in the support chat"
    settled: list[int] = []
    queued = False
    for task in await tasks.of_conversation(conversation_id):
        row = await tasks.row(task.id)
        if row is None or task.state.closed:
            continue
        row.state, row.outcome, row.closed_at = TaskState.DONE.value, detail[:500], now
        row.pending_action, row.pending_by = None, None
        if row.promise_id is not None:  # the promise the task keeps is kept with it
            await PromiseRepository(session).close(row.promise_id, "kept", now)
        await tasks.add_event(task.id, TaskEventKind.DONE, member, detail, now)
        queued |= await announce(session, task.id, TASK_UPDATED, now)
        settled.append(task.id)
    return tuple(settled), queued


async def _promises_of_open_tasks(session: AsyncSession, conversation_id: int) -> frozenset[int]:
    """The promises the teams' still-open tasks keep: with ``--keep-tasks`` they stay open with their tasks."""
    return frozenset(task.promise_id for task in await TaskRepository(session).of_conversation(conversation_id)
                     if not task.state.closed and task.promise_id is not None)


async def _read_details(session: AsyncSession, conversation_id: int, pack: KnowledgePack, reader: DetailReader) -> None:
    """The order number or email the customer gave the agent become the case's, so the bot does not ask again."""
    conversation = await session.get(Conversation, conversation_id)
    if conversation is None:
        return
    kinds = {name: rule.kind for name, rule in pack.details.items()}
    texts = await HandbackRepository(session).customer_texts(conversation_id)
    case = details_given(case_of(conversation), texts, kinds, reader)
    await ConversationRepository(session).keep_case(conversation_id, case)
