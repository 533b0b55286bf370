"""Every reply has a deadline: the desk's ladder for customers waiting on a person.

The queue-check job calls the desk, which holds the queue lock while ``climb`` decides and
records the rungs due (bot/policy/reply_ladder.py) in one unit of work; ``carry_out`` then
mentions the agent and the lead(s) in the topic and gives the customer one honest holding
message. The rung is stored before anything is sent, so a crash or a second worker never sends
the same rung twice (at worst a rung is lost, never repeated).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from bot.policy.assignment import FIRST_REPLY_MINUTES, AgentProfile
from bot.policy.deadlines import format_deadline
from bot.policy.model import Move, Reply
from bot.policy.reply_ladder import ReplyTiming, Rung, holding_time, leads_to_nudge, rungs_due
from bot.service.handoff_cards import HandoffCards
from bot.service.handoff_contact import AgentNotes, CustomerContact, SendToCustomer, agent_notes
from bot.storage.agents import AgentRepository
from bot.storage.database import Database
from bot.storage.handoffs import HandoffRepository, OpenHandoff
from bot.storage.reply_waits import OverdueWait, ReplyWaits
from knowledge import KnowledgePack, fill

logger = logging.getLogger(__name__)

Person = tuple[int, str]
"""(Telegram user id, name): someone mentioned in a topic."""


@dataclass(frozen=True)
class Climb:
    """The rungs one waiting customer is owed now, decided and recorded under the queue lock."""

    handoff: OpenHandoff
    agent: AgentProfile | None
    leads: tuple[AgentProfile, ...]
    rungs: tuple[Rung, ...]
    overdue: OverdueWait
    told_until: dt.datetime | None


class ReplyDeadlines:
    def __init__(self, database: Database, pack: KnowledgePack, zone: ZoneInfo, now: Callable[[], dt.datetime],
                 cards: HandoffCards, contact: CustomerContact, timing: ReplyTiming) -> None:
        self._database = database
        self._pack = pack
        self._zone = zone
        self._now = now
        self._cards = cards
        self._contact = contact
        self.timing = timing

    async def climb(self) -> list[Climb]:
        """Decide and record the rungs due now; the caller holds the queue lock."""
        now = self._now()
        climbs = []
        async with self._database.session() as session:
            waits = ReplyWaits(session)
            everyone = await AgentRepository(session).list()
            for overdue in await waits.overdue(now):
                rungs = rungs_due(overdue.wait, now, self.timing)
                handoff = await HandoffRepository(session).open_by_id(overdue.handoff_id) if rungs else None
                if handoff is None:
                    continue
                agent = next((a for a in everyone if a.telegram_user_id == handoff.agent_user_id), None)
                leads = leads_to_nudge(everyone, handoff.agent_user_id, now)
                told_until = (holding_time(overdue.wait, now, self.timing, dt.timedelta(minutes=FIRST_REPLY_MINUTES))
                              if Rung.CUSTOMER in rungs else None)
                await waits.climbed(handoff.id, max(rungs), told_until)
                climbs.append(Climb(handoff, agent, leads, rungs, overdue, told_until))
        return climbs

    async def carry_out(self, climbs: list[Climb], send: SendToCustomer) -> int:
        """After the rungs are committed: the mentions in the topics and the customers' holding messages."""
        for climb in climbs:
            handoff, agent = climb.handoff, climb.agent
            notes = agent_notes(self._pack, agent.languages if agent else ())
            name = agent.name if agent else ""
            since = climb.overdue.waiting_since.astimezone(self._zone).strftime("%H:%M")
            if Rung.AGENT in climb.rungs and agent is not None:
                await self._mention(handoff.id, notes.say(
                    "reply_nudge", agent=name, customer=notes.customer(handoff), since=since,
                    deadline=format_deadline(notes.wording, climb.overdue.wait.due_at, self._zone)),
                    ((agent.telegram_user_id, name),))
            if Rung.LEAD in climb.rungs and climb.leads:
                lead_notes = agent_notes(self._pack, climb.leads[0].languages)
                await self._mention(handoff.id, lead_notes.say(
                    "lead_nudge", leads=", ".join(lead.name for lead in climb.leads), agent=name or "—",
                    customer=lead_notes.customer(handoff), since=since),
                    tuple((lead.telegram_user_id, lead.name) for lead in climb.leads))
            if climb.told_until is not None:
                await self._hold(climb, notes, climb.told_until, send)
        return len(climbs)

    async def _hold(self, climb: Climb, notes: AgentNotes, told_until: dt.datetime, send: SendToCustomer) -> None:
        """The customer's one holding message for this wait, and a note in the topic of what they were told."""
        handoff, wait = climb.handoff, climb.overdue.wait
        name = climb.agent.name if climb.agent else ""
        wording, theirs = self._pack.wording_for(handoff.language), notes.wording
        if wait.promised_at is not None:
            text = fill(wording.handoff.first_reply_late, "handoff.first_reply_late", wording.language, agent=name,
                        deadline=format_deadline(wording, wait.promised_at, self._zone),
                        new_deadline=format_deadline(wording, told_until, self._zone))
            note = notes.say("first_reply_late", agent=name, customer=notes.customer(handoff),
                             deadline=format_deadline(theirs, wait.promised_at, self._zone),
                             new_deadline=format_deadline(theirs, told_until, self._zone))
        else:
            text = fill(wording.handoff.holding, "handoff.holding", wording.language, agent=name,
                        deadline=format_deadline(wording, told_until, self._zone))
            note = notes.say("holding_told", agent=name, customer=notes.customer(handoff, opens_sentence=True),
                             deadline=format_deadline(theirs, told_until, self._zone))
        if not await self._contact.tell(handoff, Reply(Move.PROMISE_UPDATE, text), send, notes):
            return
        await self._cards.note_in_topic(handoff.id, note)
        self._cards.refresh_soon(handoff.id)
        logger.info("handoff %d: the customer was told an honest new reply time", handoff.id)

    async def _mention(self, handoff_id: int, text: str, people: tuple[Person, ...]) -> None:
        async def post(thread_id: int) -> None:
            await self._cards.workspace.post_mentioning(thread_id, text, people)

        await self._cards.in_topic(handoff_id, post)
