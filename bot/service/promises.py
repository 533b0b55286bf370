"""Keeping the bot's promises honest: at each promised time, tell the customer how it stands.

The channel's scheduler calls ``follow_up`` at a promise's check time; a promise still open gets
a truthful update and a new time, and the second miss hands the conversation to a person.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Awaitable, Callable
from functools import partial
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.policy.deadlines import check_time, due_time, format_deadline
from bot.policy.escalation import Escalation, EscalationReason, EscalationRules
from bot.policy.model import Move, Reply
from bot.service.customer import CustomerRef
from bot.service.handoff_desk import HandoffDesk, HandoffStart
from bot.service.sending import deliver_reply
from bot.storage.chat_locks import ChatLocks
from bot.storage.conversations import ConversationRepository
from bot.storage.database import Database
from bot.storage.handoffs import HandoffRepository
from bot.storage.promises import PromiseCheck, PromiseRepository
from bot.storage.tasks import TaskRepository
from knowledge import KnowledgePack, fill

logger = logging.getLogger(__name__)

Schedule = Callable[[int, dt.datetime], None]
DeliverTo = Callable[[CustomerRef, Reply], Awaitable[None]]
MIN_EXTENSION_HOURS = 1.0


class PromiseFollowUps:
    def __init__(self, database: Database, pack: KnowledgePack, zone: ZoneInfo, now: Callable[[], dt.datetime],
                 locks: ChatLocks, desk: HandoffDesk, rules: EscalationRules) -> None:
        self._database = database
        self._pack = pack
        self._zone = zone
        self._now = now
        self._locks = locks
        self._desk = desk
        self._rules = rules
        self._schedule: Schedule | None = None

    def attach_scheduler(self, schedule: Schedule) -> None:
        """The channel's way to run a check at a given time (PTB's JobQueue on Telegram)."""
        self._schedule = schedule

    def schedule(self, promise_id: int, at: dt.datetime) -> None:
        if self._schedule is not None:
            self._schedule(promise_id, at)

    async def schedule_open_promises(self) -> int:
        """After a (re)start, schedule a check for every open promise in the database."""
        async with self._database.session() as session:
            checks = await PromiseRepository(session).open_checks()
        for promise_id, check_at in checks:
            self.schedule(promise_id, check_at)
        return len(checks)

    async def follow_up(self, promise_id: int, deliver: DeliverTo) -> None:
        """Check one promise: if it is still open, tell the customer honestly and give a new time."""
        async with self._database.session() as session:
            check = await PromiseRepository(session).check(promise_id)
            kept_by_a_team = await TaskRepository(session).keeps(promise_id)
        if check is None or kept_by_a_team:
            return  # a team's task keeps it: the task watch tells the customer what the team recorded
        customer = CustomerRef(check.channel, check.external_id)
        async with self._locks.hold(customer.key):
            now = self._now()
            async with self._database.session() as session:
                promises = PromiseRepository(session)
                check = await promises.check(promise_id)
                if check is None:
                    return
                if check.check_at > now + dt.timedelta(seconds=1):
                    self.schedule(promise_id, check.check_at)
                    return
                wording = self._pack.wording_for(check.language)
                topic = self._pack.topic(check.topic_id, check.language)
                new_due = due_time(max(now, check.due_at), max(check.extension_hours, MIN_EXTENSION_HOURS))
                text = fill(
                    wording.promise_update, "promise_update", wording.language,
                    problem=topic.problem if topic else "", promised=check.promised,
                    deadline=format_deadline(wording, check.due_at, self._zone),
                    new_deadline=format_deadline(wording, new_due, self._zone),
                )
                next_check = check_time(now, new_due)
                await promises.extend(promise_id, new_due, next_check)
                started = await self._missed_promise_handoff(session, check)
                if started is not None:
                    text = f"{text}\n\n{started.reply.text}"
                await ConversationRepository(session).add_bot_message(check.conversation_id, text,
                                                                      Move.PROMISE_UPDATE.value)
            logger.info("promise %d running late: customer told, new due %s", promise_id, new_due.isoformat())
            if not await deliver_reply(customer, Reply(Move.PROMISE_UPDATE, text), partial(deliver, customer),
                                       self._desk):
                return
            if started is not None:
                self._desk.post_card_soon(started)
        self.schedule(promise_id, next_check)

    async def _missed_promise_handoff(self, session: AsyncSession, check: PromiseCheck) -> HandoffStart | None:
        """The second time a promise runs late, the first new time was missed too: a person takes over."""
        if check.updates < 1 or EscalationReason.MISSED_PROMISE not in self._rules.enabled:
            return None
        if await HandoffRepository(session).open_for(check.conversation_id) is not None:
            return None
        detail = f"{check.promised} was due {check.due_at:%Y-%m-%d %H:%M} UTC, extended {check.updates} time(s)"
        return await self._desk.start(session, check.conversation_id, check.language,
                                      Escalation(EscalationReason.MISSED_PROMISE, detail), None, check.topic_id)
