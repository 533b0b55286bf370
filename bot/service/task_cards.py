"""Task cards in the teams' chats: posted once after the task commits, kept current, swept after a crash.

A card is posted in the background after the turn that made the task has committed, so the
customer's reply never waits on a team's chat. Each card goes out under its task's lock and is
recorded right after; a worker stopped between storing a task and posting its card leaves it to
the sweep, which the next start (and every minute after) runs, so the card is posted once. No
Bot API call is made while a database session is open.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from zoneinfo import ZoneInfo

from bot.channels.delivery import ChannelClosing, DeliveryRefused, TopicGone
from bot.policy.task_card import CardFacts, card_buttons, card_text
from bot.policy.tasks import TaskState
from bot.policy.teams import TeamProfile
from bot.service.background import BackgroundJobs
from bot.service.team_board import NullBoard, TeamBoard
from bot.storage.chat_locks import ChatLocks
from bot.storage.database import Database
from bot.storage.tasks import TaskEventView, TaskRepository, TaskView, last_actor
from bot.storage.teams import TeamRepository
from knowledge import KnowledgePack

logger = logging.getLogger(__name__)
SHUTDOWN_GRACE_SECONDS = 5.0
TRANSCRIPT_CHARS = 300
ERASED_CARD = "This customer erased their data with /forget: the task and what they wrote are gone."


def task_lock(task_id: int) -> str:
    """One task: its card, its changes and its notes go one at a time, across workers."""
    return f"task:{task_id}"


class TaskCards:
    def __init__(self, database: Database, pack: KnowledgePack, locks: ChatLocks,
                 board: TeamBoard | None = None, on_change: Callable[[int], None] | None = None) -> None:
        """``on_change(conversation_id)``: a task of that conversation changed (its handoff's card shows it)."""
        self._database = database
        self._on_change = on_change
        self._pack = pack
        self._locks = locks
        self.board: TeamBoard = board or NullBoard()
        self._background = BackgroundJobs()

    def post_soon(self, task_id: int) -> None:
        """After the task is committed: its card, without holding the customer's reply up."""
        if not self.board.reaches_teams:
            return
        self._background.start(self._post_in_background(task_id))

    async def _post_in_background(self, task_id: int) -> None:
        try:
            await self.post(task_id)
        except ChannelClosing:
            logger.info("task %d: the bot is stopping; the next start's sweep posts its card", task_id)
        except (TopicGone, DeliveryRefused, OSError) as error:
            logger.warning("task %d: its card could not be posted (%s); the sweep tries again", task_id,
                           type(error).__name__)

    async def post(self, task_id: int) -> bool:
        """Post the task's card unless it is posted already (by this worker or another); True when posted now."""
        async with self._locks.hold(task_lock(task_id)):
            task, team, events = await self._load(task_id)
            if task is None or team is None or task.card_message_id is not None or task.state.closed:
                return False
            text, buttons = self.render(task, team, events)
            message_id = await self.board.post_card(team.chat_id, team.thread_id, text, buttons)
            async with self._database.session() as session:
                row = await TaskRepository(session).row(task_id)
                if row is not None:
                    row.card_chat_id, row.card_message_id = team.chat_id, message_id
        logger.info("task %d: card posted for team %s", task_id, team.name)
        return True

    async def post_missing(self) -> int:
        """Post every open task's card that is not out yet (a stopped worker's, or one whose post failed)."""
        if not self.board.reaches_teams:
            return 0
        async with self._database.session() as session:
            teams = [team.name for team in await TeamRepository(session).all()]
            missing = await TaskRepository(session).without_card(teams)
        posted = 0
        for task_id in missing:
            try:
                posted += await self.post(task_id)
            except (TopicGone, DeliveryRefused, OSError) as error:
                logger.warning("task %d: its card could not be posted (%s); tried again in a minute", task_id,
                               type(error).__name__)
        return posted

    async def refresh(self, task_id: int) -> None:
        """Show the task's state and events on its card (buttons go once it is closed), and on the card of the
        customer's open handoff."""
        task, team, events = await self._load(task_id)
        if task is not None and self._on_change is not None:
            self._on_change(task.conversation_id)
        if task is None or team is None or task.card_message_id is None or task.card_chat_id is None:
            return
        text, buttons = self.render(task, team, events)
        try:
            await self.board.edit_card(task.card_chat_id, task.card_message_id, text, buttons)
        except (TopicGone, DeliveryRefused, OSError) as error:
            logger.warning("task %d: its card could not be updated (%s)", task_id, type(error).__name__)

    async def _load(self, task_id: int) -> tuple[TaskView | None, TeamProfile | None, list[TaskEventView]]:
        """What a card shows: the task, its team (None once removed) and its events."""
        async with self._database.session() as session:
            tasks = TaskRepository(session)
            task = await tasks.get(task_id)
            if task is None:
                return None, None, []
            return task, await TeamRepository(session).get(task.team_name), await tasks.events(task_id)

    async def wipe(self, cards: tuple[tuple[int, int], ...]) -> int:
        """After an erasure: the customer's cards keep no words of theirs (and no buttons); returns how many."""
        wiped = 0
        for chat_id, message_id in cards:
            try:
                await self.board.edit_card(chat_id, message_id, ERASED_CARD, [])
                wiped += 1
            except (TopicGone, DeliveryRefused, OSError) as error:
                logger.warning("an erased customer's task card could not be wiped (%s): delete it by hand",
                               type(error).__name__)
        return wiped

    async def note(self, team: TeamProfile, text: str, mention: tuple[int, str] | None = None) -> bool:
        """A line for the team in its chat or topic; False when it could not be posted."""
        if not self.board.reaches_teams:
            return False
        try:
            await self.board.post(team.chat_id, team.thread_id, text, mention)
            return True
        except (TopicGone, DeliveryRefused, OSError) as error:
            logger.warning("a note for team %s could not be posted (%s)", team.name, type(error).__name__)
            return False

    async def quote(self, team: TeamProfile, header: str, text: str) -> None:
        if not self.board.reaches_teams:
            return
        try:
            await self.board.quote(team.chat_id, team.thread_id, header, text)
        except (TopicGone, DeliveryRefused, OSError) as error:
            logger.warning("a customer's answer for team %s could not be posted (%s)", team.name, type(error).__name__)

    def render(self, task: TaskView, team: TeamProfile,
               events: list[TaskEventView]) -> tuple[str, list[list[tuple[str, str]]]]:
        wording = self._pack.wording_for(team.language)
        topic = self._pack.topic(task.topic_id, team.language)
        actor = last_actor(events)
        holder = actor.actor_name if actor is not None and task.state is not TaskState.OPEN else ""
        facts = CardFacts(
            task.id, team.name, topic.problem if topic else task.topic_id, task.kind, task.priority, task.order_ref,
            task.verified, task.facts, task.transcript, task.promised, task.due_at, task.state, holder,
            task.question, task.outcome, tuple(event.line() for event in events),
        )
        return card_text(facts, wording, ZoneInfo(team.timezone)), card_buttons(task.id, task.state, wording)

    async def close(self, grace: float = SHUTDOWN_GRACE_SECONDS) -> None:
        self.board.stop_waiting()
        if cut := await self._background.finish(grace):
            logger.info("%d task cards left for the next start's sweep", cut)


def transcript_excerpt(texts: tuple[str, ...]) -> str:
    """The customer's last words, quoted line by line and clipped, for the card."""
    lines = []
    for text in texts[-3:]:
        clipped = " ".join(text.split())
        if len(clipped) > TRANSCRIPT_CHARS:
            clipped = clipped[: TRANSCRIPT_CHARS - 1] + "…"
        lines.append(f"> {clipped}")
    return "\n".join(lines)
