"""/mine, /queue, /away and /back, and the board's text: the desk as anyone in the agents' group can read it.

These commands work anywhere in the group (the General topic or any customer's topic), so they
live apart from ``AgentCommands``, whose commands act on one topic's handoff. Each reads or
changes the database in one unit of work and returns the note; the channel posts it after.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Awaitable, Callable
from contextlib import AbstractAsyncContextManager
from zoneinfo import ZoneInfo

from bot.policy.desk_board import render_board, render_mine, render_queue
from bot.service.handoff_contact import AgentNotes, agent_notes
from bot.storage.agents import AgentRepository
from bot.storage.chat_locks import ChatLocks
from bot.storage.database import Database
from bot.storage.desk import DeskRepository
from knowledge import KnowledgePack
from nlu.language import DEFAULT_LANGUAGE

logger = logging.getLogger(__name__)

DESK_COMMANDS = frozenset({"mine", "queue", "away", "back"})
"""Commands that read or change the desk as a whole, not one customer's handoff."""
BOARD_LOCK = "desk-board"
BOARD_LANGUAGE = DEFAULT_LANGUAGE
"""The board is for the whole group: it is in the group's working language, like the cards."""


class DeskQueue:
    def __init__(self, database: Database, pack: KnowledgePack, zone: ZoneInfo,
                 now: Callable[[], dt.datetime], locks: ChatLocks) -> None:
        self._database = database
        self._locks = locks
        self._pack = pack
        self._zone = zone
        self._now = now
        self._handlers: dict[str, Callable[[int, str, AgentNotes], Awaitable[str]]] = {
            "mine": self._mine, "queue": self._queue, "away": self._away, "back": self._back,
        }

    async def run(self, agent_user_id: int, command: str) -> str:
        """The note for the agent; a stranger is told that only agents may use the command."""
        async with self._database.session() as session:
            agent = await AgentRepository(session).get(agent_user_id)
        if agent is None:
            return agent_notes(self._pack, ()).say("stranger", command=command)
        notes = agent_notes(self._pack, agent.languages)
        return await self._handlers[command](agent_user_id, agent.name, notes)

    async def _mine(self, user_id: int, name: str, notes: AgentNotes) -> str:
        async with self._database.session() as session:
            cases = await DeskRepository(session).open_cases()
        return render_mine(notes.wording, name, user_id, cases, self._now(), self._zone)

    async def _queue(self, user_id: int, name: str, notes: AgentNotes) -> str:
        now = self._now()
        async with self._database.session() as session:
            agents = await AgentRepository(session).loads(now)
            cases = await DeskRepository(session).open_cases()
        return render_queue(notes.wording, agents, cases, now, self._zone)

    async def _away(self, user_id: int, name: str, notes: AgentNotes) -> str:
        async with self._database.session() as session:
            await DeskRepository(session).set_away(user_id, True, self._now())
        logger.info("agent %d is away", user_id)
        return notes.say("away_done", agent=name)

    async def _back(self, user_id: int, name: str, notes: AgentNotes) -> str:
        async with self._database.session() as session:
            await DeskRepository(session).set_away(user_id, False, self._now())
        logger.info("agent %d is back", user_id)
        return notes.say("back_done", agent=name)

    async def board_text(self) -> str:
        """The board as the desk stands now."""
        now = self._now()
        async with self._database.session() as session:
            agents = await AgentRepository(session).loads(now)
            cases = await DeskRepository(session).open_cases()
        return render_board(self._pack.wording_for(BOARD_LANGUAGE), agents, cases, now)

    def holding_board(self) -> AbstractAsyncContextManager[None]:
        """Held while the board is checked and posted: two workers must not post two boards."""
        return self._locks.hold(BOARD_LOCK)

    async def board_shown(self, chat_id: int) -> tuple[int | None, str]:
        """The board's post in the group (None before the first) and the text it shows."""
        async with self._database.session() as session:
            return await DeskRepository(session).board(chat_id)

    async def board_posted(self, chat_id: int, message_id: int, text: str) -> None:
        """Keep the board's post and text after it was posted or edited (never while a Bot API call is open)."""
        async with self._database.session() as session:
            await DeskRepository(session).save_board(chat_id, message_id, text, self._now())
