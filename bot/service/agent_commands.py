"""/take, /transfer NAME, /resolve, /flag NOTE and /note TEXT: what a registered agent may do inside a customer's topic.

One small handler per command, looked up in a table. A handler works inside the command's unit
of work and returns a ``CommandOutcome``: the note for the agent and, when the customer must
hear of it, the reply to send. The reply goes out only after the unit of work has committed, so
no Bot API call waits inside an open transaction (on SQLite that would stall every chat). Every
note comes from the wording pack, in the agent's first language.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.policy.assignment import AgentProfile
from bot.policy.details import DEFAULT_READER, DetailReader
from bot.policy.model import Move, Reply
from bot.policy.transfer import decide_transfer, parse_transfer
from bot.service.handback import hand_back
from bot.service.handoff_cards import HandoffCards
from bot.service.handoff_contact import AgentNotes, CustomerContact, SendToCustomer, agent_notes, agent_text, give
from bot.service.transfer_words import transfer_refused, transfer_text
from bot.storage.agents import AgentRepository
from bot.storage.case_notes import CaseNoteRepository
from bot.storage.database import Database
from bot.storage.flag_targets import flag, flag_target
from bot.storage.handoffs import HandoffRepository, OpenHandoff
from bot.storage.relayed import RelayedMessages
from knowledge import KnowledgePack, fill

logger = logging.getLogger(__name__)

STRANGER_NOTE_EVERY = dt.timedelta(days=1)
"""Someone in the agents' group who is not an agent is told so at most this often."""
NAME_SHOWN = 40
FLAGGED_SHOWN = 120
LEAVE_CARD = frozenset({"flag"})
"""Commands that change nothing the handoff's card shows; after every other one the card is refreshed."""


@dataclass(frozen=True)
class CommandOutcome:
    """What a command decided, carried out after its unit of work commits."""

    note: str
    """For the agent, once the customer was told (or when nobody needed telling)."""
    reply: Reply | None = None
    """For the customer."""
    untold: str = ""
    """For the agent instead of ``note`` when the reply could not reach the customer."""
    owner: tuple[int, str] | None = None
    """(user id, name) of the conversation's new owner: the note mentions them, so Telegram notifies them."""
    settled: tuple[int, ...] = ()
    """Teams' tasks the command closed: their cards are refreshed after it commits."""
    queued: bool = False
    """A helpdesk delivery was queued with those tasks."""


@dataclass(frozen=True)
class CommandRequest:
    """One agent's command in one open handoff's topic, inside the command's unit of work."""

    session: AsyncSession
    handoff: OpenHandoff
    agent: AgentProfile
    argument: str
    now: dt.datetime
    notes: AgentNotes
    reply_to: int | None = None
    """The topic message the command was sent as a reply to (a quote, a bot answer, the card), if any."""


Handler = Callable[[CommandRequest], Awaitable[CommandOutcome]]
TasksSettled = Callable[[tuple[int, ...], bool], None]
"""(task ids, a helpdesk delivery queued): the teams' desk refreshes those tasks' cards after the command commits."""


class AgentCommands:
    """The agents' commands, each one handler; the table's names are the commands the agents' group accepts."""

    def __init__(self, database: Database, pack: KnowledgePack, zone: ZoneInfo, now: Callable[[], dt.datetime],
                 contact: CustomerContact, cards: HandoffCards, reader: DetailReader = DEFAULT_READER) -> None:
        self._database = database
        self._cards = cards
        self._reader = reader
        self._tasks_settled: TasksSettled | None = None
        self._pack = pack
        self._zone = zone
        self._now = now
        self._contact = contact
        self._strangers_told: dict[int, dt.datetime] = {}
        self.handlers: dict[str, Handler] = {
            "take": self._take, "transfer": self._transfer, "resolve": self._resolve, "flag": self._flag,
            "note": self._note,
        }

    def after_tasks_settled(self, hook: TasksSettled) -> None:
        """The teams' desk's way to hear of tasks a handback closed (it is built after the handoff desk)."""
        self._tasks_settled = hook

    async def run(self, agent_user_id: int, thread_id: int | None, command: str, argument: str,
                  send: SendToCustomer, reply_to: int | None = None) -> str:
        """The command from this user in this thread (``reply_to``: the topic message it replies to); returns the
        note for the topic ("" means say nothing: a stranger already told today)."""
        async with self._database.session() as session:
            agent = await AgentRepository(session).get(agent_user_id)
            if agent is None:
                return self._stranger_note(agent_user_id, command)
            notes = agent_notes(self._pack, agent.languages)
            handler = self.handlers.get(command)
            if handler is None:
                return notes.say("unknown_command", command=command[:NAME_SHOWN])
            handoff = await HandoffRepository(session).open_in_thread(thread_id) if thread_id is not None else None
            if handoff is None:
                return notes.say("no_handoff", command=command)
            outcome = await handler(CommandRequest(session, handoff, agent, argument, self._now(), notes, reply_to))
        if command not in LEAVE_CARD:
            self._cards.refresh_soon(handoff.id)  # committed: the card shows the new owner, status, deadline or note
        if outcome.settled and self._tasks_settled is not None:
            self._tasks_settled(outcome.settled, outcome.queued)
        if outcome.reply is not None and not await self._contact.tell(handoff, outcome.reply, send, notes):
            return outcome.untold
        if outcome.owner is not None and await self._contact.announce_owner(handoff.id, outcome.note, *outcome.owner):
            return ""  # the note went out with the mention
        return outcome.note

    def _stranger_note(self, user_id: int, command: str) -> str:
        """Once a day at most: thirty commands from someone who is not an agent must not flood the group."""
        now = self._now()
        told = self._strangers_told.get(user_id)
        if told is not None and now - told < STRANGER_NOTE_EVERY:
            return ""
        self._strangers_told[user_id] = now
        return agent_notes(self._pack, ()).say("stranger", command=command[:NAME_SHOWN])

    async def _take(self, request: CommandRequest) -> CommandOutcome:
        """The agent makes the conversation theirs, within their cap; the customer learns their name and time."""
        agent, handoff, notes = request.agent, request.handoff, request.notes
        if handoff.agent_user_id == agent.telegram_user_id:
            return CommandOutcome(notes.say("already_yours", agent=agent.name))
        loads = {load.user_id: load for load in await AgentRepository(request.session).loads(request.now)}
        mine = loads.get(agent.telegram_user_id)
        if mine is not None and mine.open_chats >= mine.max_chats:
            return CommandOutcome(notes.say("at_cap", agent=agent.name, open_chats=mine.open_chats,
                                            max_chats=mine.max_chats))
        expected = await give(request.session, handoff.id, agent.telegram_user_id, request.now)
        text = agent_text(self._pack, self._zone, handoff.language, "assigned", agent.name, agent.role, expected)
        return CommandOutcome(notes.say("taken", agent=agent.name), Reply(Move.HAND_OFF, text),
                              notes.say("taken_untold", agent=agent.name), owner=(agent.telegram_user_id, agent.name))

    async def _transfer(self, request: CommandRequest) -> CommandOutcome:
        """Another agent takes over if they really can (bot/policy/transfer.py); the customer learns who and the
        true time. ``--anyway`` overrides away, shift and language, and the reply time then follows the shift."""
        notes, handoff = request.notes, request.handoff
        wanted = parse_transfer(request.argument)
        if not wanted.name:
            return CommandOutcome(notes.say("transfer_to_whom"))
        loads = await AgentRepository(request.session).loads(request.now)
        decision = decide_transfer(loads, wanted, handoff.agent_user_id, handoff.language, request.now)
        target = decision.target
        if target is None:
            return CommandOutcome(notes.say("transfer_unknown", name=wanted.name[:NAME_SHOWN],
                                            agents=", ".join(a.name for a in loads)))
        if decision.refusal is not None:
            return CommandOutcome(transfer_refused(notes, decision, handoff.language, self._zone))
        assert decision.expected_at is not None  # set whenever the transfer goes ahead
        expected = await give(request.session, handoff.id, target.user_id, request.now, decision.expected_at)
        text = transfer_text(self._pack.wording_for(handoff.language), request.agent.name, target, decision,
                             expected, self._zone)
        return CommandOutcome(notes.say("transferred", agent=target.name), Reply(Move.HAND_OFF, text),
                              notes.say("transferred_untold", agent=target.name), owner=(target.user_id, target.name))

    async def _resolve(self, request: CommandRequest) -> CommandOutcome:
        """The case is done: the customer goes back to the bot, told by whom (with the agent's note, if any), and
        what the agent settled closes (bot/service/handback.py)."""
        agent, handoff, notes = request.agent, request.handoff, request.notes
        back = await hand_back(request.session, handoff, agent, request.argument, request.now, self._pack,
                               self._reader)
        logger.info("handoff %d resolved by agent; %d promises and %d tasks closed", handoff.id, back.promises,
                    len(back.tasks))
        wording = self._pack.wording_for(handoff.language).handoff
        text = (fill(wording.resolved_with_note, "handoff.resolved_with_note", handoff.language, agent=agent.name,
                     note=back.note) if back.note
                else fill(wording.resolved, "handoff.resolved", handoff.language, agent=agent.name))
        closed = (notes.say("handback_closed", promises=back.promises, tasks=len(back.tasks))
                  if back.promises or back.tasks else "")
        return CommandOutcome("\n".join(filter(None, (notes.say("resolved", agent=agent.name), closed))),
                              Reply(Move.HANDED_BACK, text), notes.say("resolved_untold", agent=agent.name),
                              settled=back.tasks, queued=back.queued)

    async def _flag(self, request: CommandRequest) -> CommandOutcome:
        """The bot message the agent replied to (see bot/storage/flag_targets.py), else the bot's last answer, goes
        to the trainers with the agent's note."""
        note, notes, handoff = request.argument, request.notes, request.handoff
        replied = None
        if request.reply_to is not None and request.reply_to != handoff.card_message_id:
            replied = await RelayedMessages(request.session).in_topic(handoff.conversation_id, request.reply_to)
        target = await flag_target(request.session, handoff.conversation_id, replied)
        await flag(request.session, handoff.conversation_id, target, request.agent.telegram_user_id, note)
        flagged = target.text if target is not None else None
        if flagged is None:
            return CommandOutcome(notes.say("nothing_to_flag"))
        if note:
            return CommandOutcome(notes.say("flagged_with_note", answer=flagged[:FLAGGED_SHOWN], note=note))
        return CommandOutcome(notes.say("flagged", answer=flagged[:FLAGGED_SHOWN]))

    async def _note(self, request: CommandRequest) -> CommandOutcome:
        """/note TEXT: a note for the team on the case, kept and shown on the card, never sent to the customer."""
        words = request.argument.strip()
        if not words:
            return CommandOutcome("")  # nothing to keep, and nothing was sent
        await CaseNoteRepository(request.session).add(request.handoff.conversation_id, request.handoff.id,
                                                      request.agent.telegram_user_id, request.agent.name, words,
                                                      request.now)
        return CommandOutcome(request.notes.say("note_kept"))
