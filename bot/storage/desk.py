"""What the desk's views read and keep: open handoffs as ``DeskCase`` rows, agents' away state, the board's post."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.policy.desk_board import DeskCase
from bot.policy.handoff_status import OPEN_STATUSES, HandoffStatus
from bot.storage.conversations import felt_from
from bot.storage.models import Agent, Conversation, Customer, DeskBoard, Handoff, Message, as_utc


class DeskRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def open_cases(self) -> list[DeskCase]:
        """Every queued or active handoff, with how long its customer has waited and how angry they sound now (read
        in context, as the bot read their last message: "ok" after two angry messages is not calm)."""
        latest = (select(Message.conversation_id, func.max(Message.id).label("last_id"))
                  .where(Message.sender == "customer", Message.anger.is_not(None))
                  .group_by(Message.conversation_id).subquery())
        rows = await self._session.execute(
            select(Handoff, Customer.display_name, Agent.name, Message.anger, Message.anxiety, Message.context_scores)
            .join(Conversation, Conversation.id == Handoff.conversation_id)
            .join(Customer, Customer.id == Conversation.customer_id)
            .outerjoin(Agent, Agent.telegram_user_id == Handoff.agent_user_id)
            .outerjoin(latest, latest.c.conversation_id == Handoff.conversation_id)
            .outerjoin(Message, Message.id == latest.c.last_id)
            .where(Handoff.status.in_(OPEN_STATUSES)).order_by(Handoff.id))
        return [_case(handoff, customer, agent, None if anger is None else felt_from(anger, anxiety, context)[0])
                for handoff, customer, agent, anger, anxiety, context in rows.all()]

    async def set_away(self, telegram_user_id: int, away: bool, now: dt.datetime) -> bool:
        """/away or /back; False when no such agent is registered."""
        row = await self._session.scalar(select(Agent).where(Agent.telegram_user_id == telegram_user_id))
        if row is None:
            return False
        if bool(row.away) != away:
            row.away, row.away_since = away, now if away else None
        return True

    async def board(self, chat_id: int) -> tuple[int | None, str]:
        """The board's message id in this group (None before its first post) and the text it shows."""
        row = await self._session.scalar(select(DeskBoard).where(DeskBoard.chat_id == chat_id))
        return (row.message_id, row.text) if row is not None else (None, "")

    async def save_board(self, chat_id: int, message_id: int, text: str, now: dt.datetime) -> None:
        row = await self._session.scalar(select(DeskBoard).where(DeskBoard.chat_id == chat_id))
        if row is None:
            self._session.add(DeskBoard(chat_id=chat_id, message_id=message_id, text=text, updated_at=now))
        else:
            row.message_id, row.text, row.updated_at = message_id, text, now


def _case(handoff: Handoff, customer: str, agent: str | None, anger: float | None) -> DeskCase:
    waiting = handoff.waiting_since or (handoff.created_at if handoff.first_reply_at is None else None)
    due = handoff.reply_due_at or (handoff.expected_at if handoff.first_reply_at is None else None)
    return DeskCase(handoff.id, customer, HandoffStatus(handoff.status), handoff.agent_user_id, agent or "",
                    as_utc(waiting) if waiting else None, as_utc(due) if due else None,
                    anger if anger is not None else handoff.anger_before)
