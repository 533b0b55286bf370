"""Tasks as the bot stores them, made for tests through the real repositories (a customer, a conversation, a task)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.policy.tasks import Member, TaskState
from bot.storage.conversations import ConversationRepository
from bot.storage.tasks import TaskDraft, TaskRepository


async def new_task(session: AsyncSession, customer: str, team: str, due: dt.datetime, now: dt.datetime,
                   **changes: Any) -> int:
    """A task for ``team`` due at ``due``, made at ``now`` in the open conversation of Telegram customer ``customer``."""
    conversation = await ConversationRepository(session).open_conversation("telegram", customer, f"Customer {customer}")
    draft = TaskDraft(conversation.conversation_id, team, "double_charge", "double_charge",
                      "Our payments team checks both charges.", "50012", "two charges of 120 PLN", True,
                      "customer: I was charged twice", "en", 0, due, due - dt.timedelta(minutes=30))
    return await TaskRepository(session).create(dataclasses.replace(draft, **changes), now)


async def take(session: AsyncSession, task_id: int, member: Member, at: dt.datetime) -> None:
    """What a Take tap records: the state, who took it, the first touch, and the event with their name."""
    repository = TaskRepository(session)
    row = await repository.row(task_id)
    assert row is not None
    row.state, row.taken_by, row.first_touch_at = TaskState.TAKEN.value, member.user_id, at
    await repository.add_event(task_id, "taken", member, "", at)


async def close(session: AsyncSession, task_id: int, state: TaskState, member: Member, note: str,
                at: dt.datetime) -> None:
    """What Done or Decline records once its words are in."""
    repository = TaskRepository(session)
    row = await repository.row(task_id)
    assert row is not None
    row.state, row.outcome, row.closed_at = state.value, note, at
    await repository.add_event(task_id, state.value, member, note, at)
