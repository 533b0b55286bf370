"""The agents' topics: opening one per handoff with its card, posting in it, removing it after an erasure.

The customer's reply never waits on the agents' group: Telegram takes about 20 messages a
minute there, so the topic and its card are posted in the background after the handoff is
stored, a crisis first, and a sweep posts any card a stopped worker left behind. Work in one
topic runs under that topic's own lock, and the wait for the group's rate comes before it.
No Bot API call is made while a database session is open.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Awaitable, Callable
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.channels.delivery import ChannelClosing, DeliveryRefused, TopicGone
from bot.policy.escalation import EscalationReason
from bot.policy.handoff_card import HandoffCard, render_card, title_of
from bot.service.agent_workspace import AgentWorkspace, NullWorkspace, TopicFate
from bot.service.background import BackgroundJobs
from bot.service.bot_answer_shown import show_last_answer
from bot.service.handoff_card_data import load_card
from bot.storage.agents import AgentRepository
from bot.storage.chat_locks import ChatLocks
from bot.storage.database import Database
from bot.storage.handoffs import HandoffRepository, OpenHandoff
from knowledge import KnowledgePack

logger = logging.getLogger(__name__)

CARD_SWEEP_AGE = dt.timedelta(seconds=60)
"""A handoff this old without a topic lost its card to a stopped worker (or no topic could be opened)."""
SHUTDOWN_GRACE_SECONDS = 5.0


def topic_lock(handoff_id: int) -> str:
    """One handoff's topic: its card, relays and notes go out one at a time, in order, across workers."""
    return f"handoff-topic:{handoff_id}"


class HandoffCards:
    """Every post in the agents' group that is not an answer to an agent's own message."""

    def __init__(self, database: Database, pack: KnowledgePack, zone: ZoneInfo, now: Callable[[], dt.datetime],
                 locks: ChatLocks, workspace: AgentWorkspace | None = None) -> None:
        self._database = database
        self._pack = pack
        self._zone = zone
        self._now = now
        self._locks = locks
        self.workspace: AgentWorkspace = workspace or NullWorkspace()
        self._background = BackgroundJobs()
        self._in_flight: set[int] = set()
        self._refresh_due: set[int] = set()
        """Handoffs whose refresh is started but has not read the case yet: another change joins that one."""

    def post_card_soon(self, handoff_id: int, urgent: bool) -> None:
        """After the handoff is committed: open its topic and post its card without holding anyone up.

        Without an agents' group there is nobody to post for, so no attempt (and no warning of a failure) is made.
        """
        if not self.workspace.reaches_agents:
            return
        self._in_flight.add(handoff_id)
        self._background.start(self._post_card_in_background(handoff_id, urgent))

    async def _post_card_in_background(self, handoff_id: int, urgent: bool) -> None:
        try:
            await self.post_card(handoff_id, urgent)
        except ChannelClosing:
            logger.info("handoff %d: the bot is stopping; the next start's sweep posts the card", handoff_id)
        except (TopicGone, DeliveryRefused, OSError) as error:
            logger.warning("handoff %d: the card could not be posted (%s); the sweep tries again",
                           handoff_id, type(error).__name__)
        finally:
            self._in_flight.discard(handoff_id)

    async def post_card(self, handoff_id: int, urgent: bool = False) -> bool:
        """Open the customer's forum topic and post the card, unless another worker already did; True when posted."""
        await self.workspace.ready(urgent, messages=3)  # the topic, its card and the bot's last answer
        async with self._locks.hold(topic_lock(handoff_id)):
            async with self._database.session() as session:
                handoff = await HandoffRepository(session).open_by_id(handoff_id)
            if handoff is None or handoff.thread_id is not None:
                return False
            return await self._open_topic_with_card(handoff) is not None

    async def post_missing_cards(self) -> int:
        """Post the cards a stopped worker left behind (handoffs stored, customer told, no topic yet)."""
        async with self._database.session() as session:
            missing = await HandoffRepository(session).without_topic(self._now() - CARD_SWEEP_AGE)
        posted = 0
        for handoff in missing:
            if handoff.id not in self._in_flight:
                posted += await self.post_card(handoff.id, urgent=handoff.reason == EscalationReason.SELF_HARM.value)
        return posted

    async def _open_topic_with_card(self, handoff: OpenHandoff) -> int | None:
        """Under the topic's lock: a new topic titled with the status, its card pinned, then the thread recorded (a
        crash before that leaves the handoff to the sweep, which opens a fresh topic). The photos and files the
        customer sent before the handoff follow the card, copied in the background."""
        async with self._database.session() as session:
            current = await HandoffRepository(session).by_id(handoff.id) or handoff
            card = await self._card(session, current)
            owner = await AgentRepository(session).get(current.agent_user_id) if current.agent_user_id else None
        title = title_of(card)
        thread_id = await self.workspace.open_topic(title)
        if thread_id is None:
            logger.warning("handoff %d: no forum topic could be opened; the sweep tries again", handoff.id)
            return None
        if owner is not None:  # the card names its owner with a mention, so Telegram notifies them
            card_message_id = await self.workspace.post_mentioning(
                thread_id, render_card(card), ((owner.telegram_user_id, owner.name),))
        else:
            card_message_id = await self.workspace.post(thread_id, render_card(card))
        await self.workspace.pin(thread_id, card_message_id)
        await show_last_answer(self._database, self.workspace, handoff, thread_id)
        async with self._database.session() as session:
            await HandoffRepository(session).set_thread(handoff.id, thread_id, card_message_id, title)
        logger.info("handoff %d: topic opened and card posted", handoff.id)
        media = tuple(m.telegram_message_id for m in card.context.media if m.telegram_message_id is not None)
        customer_chat = telegram_chat(handoff)
        if media and customer_chat is not None:
            self._background.start(self._copy_media(handoff.id, thread_id, customer_chat, media))
        return thread_id

    async def _copy_media(self, handoff_id: int, thread_id: int, chat_id: int, message_ids: tuple[int, ...]) -> None:
        """Once, right after the card: what the customer sent before there was a topic, copied as it is."""
        try:
            await self.workspace.ready(messages=len(message_ids))
            async with self._locks.hold(topic_lock(handoff_id)):
                for message_id in message_ids:
                    try:
                        await self.workspace.copy_in(thread_id, chat_id, message_id)
                    except TopicGone:
                        raise
                    except DeliveryRefused as refused:  # deleted by the customer since: the card still lists it
                        logger.info("handoff %d: a photo or file could not be copied (%s)", handoff_id, refused.reason)
        except ChannelClosing:
            logger.info("handoff %d: the bot is stopping; the card lists the photos and files", handoff_id)
        except (TopicGone, OSError) as error:
            logger.warning("handoff %d: photos and files not copied (%s); the card lists them", handoff_id,
                           type(error).__name__)

    def refresh_soon(self, handoff_id: int) -> None:
        """After a change is committed (owner, status, deadlines, notes, a customer's message): the pinned card and
        the topic's title follow, in the background, so nobody's reply waits on the agents' group. Changes that
        come while a refresh still waits for its turn are shown by that one refresh."""
        if self.workspace.reaches_agents and handoff_id not in self._refresh_due:
            self._refresh_due.add(handoff_id)
            self._background.start(self._refresh_in_background(handoff_id))

    def refresh_conversation_soon(self, conversation_id: int) -> None:
        """Something the card shows changed for this conversation (a team's task): refresh its open handoff's card."""
        if self.workspace.reaches_agents:
            self._background.start(self._refresh_conversation(conversation_id))

    async def _refresh_conversation(self, conversation_id: int) -> None:
        async with self._database.session() as session:
            handoff = await HandoffRepository(session).open_for(conversation_id)
        if handoff is not None:
            self.refresh_soon(handoff.id)

    async def _refresh_in_background(self, handoff_id: int) -> None:
        try:
            await self.refresh(handoff_id)
        except ChannelClosing:
            logger.info("handoff %d: the bot is stopping; the card is refreshed on its next change", handoff_id)
        except (DeliveryRefused, OSError) as error:
            logger.warning("handoff %d: the card could not be refreshed (%s)", handoff_id, type(error).__name__)
        finally:
            self._refresh_due.discard(handoff_id)

    async def refresh(self, handoff_id: int) -> bool:
        """Edit the topic's pinned card to the case as it stands, and retitle the topic when its status changed;
        True when the card was edited. A topic that is gone stays gone: the next relay opens a new one."""
        await self.workspace.ready()
        async with self._locks.hold(topic_lock(handoff_id)):
            self._refresh_due.discard(handoff_id)  # a change committed from here on starts its own refresh
            async with self._database.session() as session:
                handoff = await HandoffRepository(session).by_id(handoff_id)
                if handoff is None or handoff.thread_id is None or handoff.card_message_id is None:
                    return False
                card = await self._card(session, handoff)
            title = title_of(card)
            try:
                await self.workspace.edit(handoff.thread_id, handoff.card_message_id, render_card(card))
                if title != handoff.topic_title:
                    await self.workspace.rename_topic(handoff.thread_id, title)
                    async with self._database.session() as session:
                        await HandoffRepository(session).set_topic_title(handoff.id, title)
            except TopicGone:
                logger.info("handoff %d: its topic is gone; the card was not refreshed", handoff_id)
                return False
            return True

    async def in_topic(self, handoff_id: int, act: Callable[[int], Awaitable[None]], messages: int = 1) -> bool:
        """Do ``act(thread_id)`` in the handoff's topic, under its lock; a deleted topic is opened anew, card first.

        False when the handoff has no topic yet: its card, still to come, will show what happened.
        """
        await self.workspace.ready(messages=messages)
        async with self._locks.hold(topic_lock(handoff_id)):
            async with self._database.session() as session:
                handoff = await HandoffRepository(session).by_id(handoff_id)
            if handoff is None or handoff.thread_id is None:
                return False
            try:
                await act(handoff.thread_id)
                return True
            except TopicGone:
                logger.warning("handoff %d: its topic is gone; opening a new one with the card", handoff_id)
            await self.workspace.ready(messages=3)
            thread_id = await self._open_topic_with_card(handoff)
            if thread_id is None:
                return False
            await act(thread_id)
            return True

    async def note_in_topic(self, handoff_id: int, text: str) -> bool:
        """A line for the agents in the handoff's topic (never in the group's General topic)."""

        async def post(thread_id: int) -> None:
            await self.workspace.post(thread_id, text)

        return await self.in_topic(handoff_id, post)

    async def mention_in_topic(self, handoff_id: int, text: str, user_id: int, name: str) -> bool:
        """A line in the handoff's topic that mentions an agent by ``name``, so Telegram notifies them."""

        async def post(thread_id: int) -> None:
            await self.workspace.post_mentioning(thread_id, text, ((user_id, name),))

        return await self.in_topic(handoff_id, post)

    async def remove_topics(self, thread_ids: tuple[int, ...]) -> dict[int, TopicFate]:
        """An erased customer's topics, removed from the agents' group (after the erasure is committed)."""
        return {thread_id: await self.workspace.remove_topic(thread_id) for thread_id in thread_ids}

    async def wait_for_background(self) -> None:
        """Until every card started so far is out (tests, and a clean stop)."""
        await self._background.wait()

    async def close(self, grace: float = SHUTDOWN_GRACE_SECONDS) -> None:
        """Posts still waiting for their turn give up, posts under way get a moment to finish; what is
        left is the next start's sweep's."""
        self.workspace.stop_waiting()
        if cut := await self._background.finish(grace):
            logger.info("%d agents' posts left for the next start's sweep", cut)

    async def _card(self, session: AsyncSession, handoff: OpenHandoff) -> HandoffCard:
        return await load_card(session, handoff, self._pack, self._zone, self._now())


def telegram_chat(handoff: OpenHandoff) -> int | None:
    """The customer's Telegram chat, where their photos and files can be copied from; None on other channels."""
    return int(handoff.external_id) if handoff.external_id.lstrip("-").isdigit() else None
