"""The service channels talk to: one customer turn at a time, in order, with its effects after commit.

Channels (Telegram, the local chat) translate their input into a ``CustomerTurn`` and send
whatever ``Reply`` comes back. The use cases live in their own modules (turns, ratings, own data,
promises, outage, the handoff desk); this class only holds the customer's lock around a turn,
sends its reply, and runs the turn's effects afterwards. A promise's check comes the same way:
the channel's scheduler calls ``follow_up``.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import replace
from zoneinfo import ZoneInfo

from bot.policy.assignment import Shift
from bot.policy.details import DEFAULT_READER, DetailReader
from bot.policy.escalation import EscalationRules
from bot.policy.fairness import Arrivals, Fairness, is_crisis
from bot.policy.model import CustomerTurn, Reply
from bot.policy.reply_ladder import ReplyTiming
from bot.service.agent_workspace import AgentWorkspace
from bot.service.bursts import store_folded
from bot.service.content_reload import ContentReloader
from bot.service.customer import CustomerRef, Deliver, storable
from bot.service.handoff_contact import SendToCustomer
from bot.service.handoff_desk import HandoffDesk
from bot.service.lookups import OrderLookups
from bot.service.outage import StorageUnavailable, WaitNotices, is_storage_outage, with_storage_retries
from bot.service.promises import DeliverTo, PromiseFollowUps, Schedule
from bot.service.sending import deliver_reply
from bot.service.task_desk import TaskDesk
from bot.service.task_watch import TaskWatch
from bot.service.team_board import TeamBoard
from bot.service.turns import CustomerTurns
from bot.storage.chat_locks import ChatLocks
from bot.storage.conversations import ConversationRepository
from bot.storage.database import Database, urgent_work
from bot.storage.models import utc_now
from knowledge import KnowledgePack
from knowledge.retrieval import TopicIndex
from nlu.runtime import EmotionAnalyzer

logger = logging.getLogger(__name__)


class SupportService:
    def __init__(
        self, database: Database, analyzer: EmotionAnalyzer, pack: KnowledgePack, index: TopicIndex,
        zone: ZoneInfo | None = None, now: Callable[[], dt.datetime] = utc_now, rules: EscalationRules | None = None,
        chat_locks: ChatLocks | None = None, fairness: Fairness | None = None, workspace: AgentWorkspace | None = None,
        reader: DetailReader | None = None, working: Shift | None = None, lookups: OrderLookups | None = None,
        board: TeamBoard | None = None, timing: ReplyTiming | None = None, content: ContentReloader | None = None,
    ) -> None:
        """``content`` reads the content folder again before a turn when it changed (the pack and index given
        are then its live stand-ins); without it the pack stays as given."""
        zone = zone or ZoneInfo("UTC")
        rules = rules or EscalationRules()
        self._database = database
        self._content = content
        self._locks = chat_locks or ChatLocks()
        self._fairness = fairness or Fairness()
        self._waits = WaitNotices(pack)
        self._handoffs = HandoffDesk(database, pack, zone, now, workspace=workspace, locks=self._locks, timing=timing,
                                     reader=reader or DEFAULT_READER)
        self._promises = PromiseFollowUps(database, pack, zone, now, self._locks, self._handoffs, rules)
        self._tasks = TaskDesk(database, pack, zone, now, self._locks, self._handoffs, board, working)
        self._handoffs.commands.after_tasks_settled(self._tasks.refresh_soon)
        self._watch = TaskWatch(database, pack, zone, now, self._locks, self._tasks.cards, self._handoffs, rules,
                                self._tasks.deliveries, working)
        self._turns = CustomerTurns(database, analyzer, pack, index, zone, now, rules, self._handoffs, self._promises,
                                    self._tasks, reader, working, lookups)

    def attach_scheduler(self, schedule: Schedule) -> None:
        """The channel's way to run a promise check at a given time (PTB's JobQueue on Telegram)."""
        self._promises.attach_scheduler(schedule)

    @property
    def handoffs(self) -> HandoffDesk:
        return self._handoffs

    @property
    def tasks(self) -> TaskDesk:
        return self._tasks

    async def watch_tasks(self, send: SendToCustomer) -> None:
        """Cards left behind, leads alerted about untouched tasks, customers told before a task runs late."""
        await self._watch.run(send)

    @property
    def arrivals(self) -> Arrivals:
        """Where channels register a customer's text as it arrives, so a burst is answered once
        (bot/policy/fairness.py)."""
        return self._fairness.arrivals

    async def handle(
        self, customer: CustomerRef, turn: CustomerTurn, telegram_message_id: int | None = None,
        deliver: Deliver | None = None, button_data: str = "",
    ) -> Reply | None:
        """Process one turn; turns of the same customer run strictly one after another.

        ``deliver`` sends the reply while the customer's lock is still held, so replies reach
        the customer in the order their messages arrived. None means the bot keeps quiet: the
        conversation is with a person, and the message went to their topic.
        """
        if self._content is not None:
            await self._content.refresh()  # an edit saved in the console is answered from this turn on
        turn = replace(turn, text=storable(turn.text), command=storable(turn.command),
                       content_type=storable(turn.content_type))
        customer = replace(customer, display_name=storable(customer.display_name))
        button_data = storable(button_data)
        with urgent_work() if is_crisis(turn.text) else nullcontext():
            try:
                return await with_storage_retries(
                    lambda: self._handle_in_turn(customer, turn, telegram_message_id, deliver, button_data))
            except StorageUnavailable:
                await self._waits.ask_to_wait(customer, turn.text, deliver)
                raise

    async def ask_to_wait(self, customer: CustomerRef, text: str, deliver: Deliver | None) -> None:
        """The database is down: tell the customer once per outage, in the language their text shows."""
        await self._waits.ask_to_wait(customer, text, deliver)

    async def _handle_in_turn(
        self, customer: CustomerRef, turn: CustomerTurn, telegram_message_id: int | None,
        deliver: Deliver | None, button_data: str,
    ) -> Reply | None:
        """One try under the customer's lock (itself in the database on PostgreSQL, so it can fail too).

        The customer's reply bucket is waited out here, holding nothing shared; a text overtaken by a
        newer one of the same customer is stored and left for that one to answer (bot/policy/fairness.py).
        The turn's transaction has committed when ``step`` returns: the reply and effects go out after it.
        """
        async with self._locks.hold(customer.key):
            if not await self._fairness.answer_now(customer.key, turn.text):
                if await self._fold(customer, turn, telegram_message_id):
                    return None
                await self._fairness.answer_now(customer.key, turn.text, foldable=False)
            outcome = await self._turns.step(customer, turn, telegram_message_id, button_data)
            self._waits.answered(customer)
            reply = outcome.reply
            if (deliver is not None and reply is not None
                    and await deliver_reply(customer, reply, deliver, self._handoffs)):
                await self._mark_delivered(reply)
            for effect in outcome.effects:
                await effect()
            return reply

    async def _fold(self, customer: CustomerRef, turn: CustomerTurn, telegram_message_id: int | None) -> bool:
        """Store a text that a newer one of the customer will answer; False when it needs handling of its own."""
        if telegram_message_id is None:
            return False
        async with self._fairness.folding:
            return await store_folded(self._database, customer.channel, customer.external_id, customer.display_name,
                                      turn, telegram_message_id)

    async def _mark_delivered(self, reply: Reply) -> None:
        """Right after the send: a redelivered update then knows this reply already reached the customer."""
        if reply.stored_as is None:
            return
        try:
            async with self._database.session() as session:
                await ConversationRepository(session).mark_delivered(reply.stored_as)
        except Exception as error:  # the reply is out; at worst a redelivery sends it a second time
            if not is_storage_outage(error):
                raise
            logger.warning("reply %d sent but not marked delivered: %s", reply.stored_as, type(error).__name__)

    async def schedule_open_promises(self) -> int:
        """After a (re)start, schedule a check for every open promise in the database."""
        return await self._promises.schedule_open_promises()

    async def follow_up(self, promise_id: int, deliver: DeliverTo) -> None:
        """Check one promise: if it is still open, tell the customer honestly and give a new time."""
        await self._promises.follow_up(promise_id, deliver)
