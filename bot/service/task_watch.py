"""Every minute: cards a stopped worker left behind, leads alerted about untouched tasks, customers told first.

A task nobody has touched halfway to its due time alerts the team's lead in the team's chat.
A task still open shortly before it is due is announced to the customer before the time
passes, honestly (nobody has picked it up yet, or who is on it), with a new time from the
team's hours and target; the second time, a person from support takes the conversation and
tells the customer by name. Only one worker watches at a time.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from bot.channels.delivery import CustomerUnreachable, DeliveryRefused
from bot.policy.assignment import Shift
from bot.policy.deadlines import due_time, format_deadline
from bot.policy.escalation import Escalation, EscalationReason, EscalationRules
from bot.policy.model import Move, Reply
from bot.policy.task_card import task_words
from bot.policy.tasks import TaskEventKind, TaskState, lead_alert_time, warn_time, working_due
from bot.policy.teams import TeamProfile
from bot.service.customer import CustomerRef
from bot.service.handoff_contact import SendToCustomer
from bot.service.handoff_desk import HandoffDesk, HandoffStart
from bot.service.helpdesk import HelpdeskDeliveries, announce
from bot.service.helpdesk_payload import TASK_UPDATED
from bot.service.task_cards import TaskCards, task_lock
from bot.service.task_desk import sync_promise
from bot.storage.chat_locks import ChatLocks
from bot.storage.conversations import ConversationRepository
from bot.storage.database import Database
from bot.storage.handoffs import HandoffRepository
from bot.storage.models import Promise
from bot.storage.tasks import TaskRepository, TaskView, last_actor
from bot.storage.teams import TeamRepository
from knowledge import KnowledgePack

logger = logging.getLogger(__name__)
WATCH_LOCK = "task-watch"
LATE_TIMES_BEFORE_A_PERSON = 2


@dataclass(frozen=True)
class _Late:
    task: TaskView
    text: str
    new_due: dt.datetime
    started: HandoffStart | None
    stored_as: int


class TaskWatch:
    def __init__(self, database: Database, pack: KnowledgePack, zone: ZoneInfo, now: Callable[[], dt.datetime],
                 locks: ChatLocks, cards: TaskCards, handoffs: HandoffDesk, rules: EscalationRules,
                 deliveries: HelpdeskDeliveries, working: Shift | None = None) -> None:
        self._database = database
        self._pack = pack
        self._zone = zone
        self._now = now
        self._locks = locks
        self._cards = cards
        self._handoffs = handoffs
        self._rules = rules
        self._deliveries = deliveries
        self._working = working

    async def run(self, send: SendToCustomer) -> None:
        async with self._locks.hold(WATCH_LOCK):
            cards = await self._cards.post_missing()
            async with self._database.session() as session:
                open_tasks = await TaskRepository(session).open_tasks()
                teams = {team.name: team for team in await TeamRepository(session).all()}
            now = self._now()
            alerts = warnings = 0
            for task in open_tasks:
                team = teams.get(task.team_name)
                if (team is not None and task.state is TaskState.OPEN and task.first_touch_at is None
                        and task.lead_alerted_at is None and now >= lead_alert_time(task.created_at, task.due_at)):
                    alerts += await self._alert_lead(task, team)
                if task.conversation_open and now >= task.warn_at:
                    warnings += await self._warn(task, team, send)
            delivered = await self._deliveries.deliver_due()
        if cards or alerts or warnings or delivered:
            logger.info("task watch: %d cards posted late, %d leads alerted, %d customers told first, %d helpdesk "
                        "deliveries posted", cards, alerts, warnings, delivered)

    async def _alert_lead(self, task: TaskView, team: TeamProfile) -> int:
        """Halfway to the due time and nobody has touched it: the lead hears, in the team's chat."""
        now = self._now()
        lead = team.lead
        name = lead.name if lead else "Lead"
        async with self._locks.hold(task_lock(task.id)), self._database.session() as session:
            tasks = TaskRepository(session)
            row = await tasks.row(task.id)
            if row is None or row.first_touch_at is not None or row.lead_alerted_at is not None:
                return 0
            row.lead_alerted_at = now
            await tasks.add_event(task.id, TaskEventKind.LEAD_ALERTED, None, f"nobody had touched it; {name} told", now)
            await announce(session, task.id, TASK_UPDATED, now)
        wording = self._pack.wording_for(team.language)
        topic = self._pack.topic(task.topic_id, team.language)
        text = task_words(wording, "lead_alert", lead=name, task=task.id, problem=topic.problem if topic else task.kind,
                          deadline=format_deadline(wording, task.due_at, ZoneInfo(team.timezone)))
        mention = (team.lead_user_id, name) if team.lead_user_id is not None else None
        await self._cards.note(team, text, mention)
        await self._cards.refresh(task.id)
        logger.info("task %d: untouched halfway to its due time; the lead of %s alerted", task.id, team.name)
        return 1

    async def _warn(self, task: TaskView, team: TeamProfile | None, send: SendToCustomer) -> int:
        customer = CustomerRef(task.channel, task.external_id)
        async with self._locks.hold(customer.key), self._locks.hold(task_lock(task.id)):
            late = await self._record_late(task, team)
            if late is None:
                return 0
            try:
                await send(customer.channel, customer.external_id,
                           Reply(Move.PROMISE_UPDATE, late.text, stored_as=late.stored_as))
            except CustomerUnreachable:
                await self._handoffs.customer_unreachable(customer.channel, customer.external_id)
                return 1
            except DeliveryRefused as refused:
                logger.warning("task %d: the running-late message was refused: %s", task.id, refused.reason)
                return 1
            async with self._database.session() as session:
                await ConversationRepository(session).mark_delivered(late.stored_as)
        if late.started is not None:
            self._handoffs.post_card_soon(late.started)
        if team is not None:
            words = self._pack.wording_for(team.language)
            note = task_words(words, "customer_warned", task=task.id,
                              deadline=format_deadline(words, late.new_due, ZoneInfo(team.timezone)))
            if late.started is not None:
                note = f"{note}\n{task_words(words, 'to_person', task=task.id)}"
            await self._cards.note(team, note)
        await self._cards.refresh(task.id)
        return 1

    async def _record_late(self, task: TaskView, team: TeamProfile | None) -> _Late | None:
        """The new time and the honest words, stored before anything is sent; None if the task moved on meanwhile."""
        now = self._now()
        async with self._database.session() as session:
            tasks = TaskRepository(session)
            current = await tasks.get(task.id)
            row = await tasks.row(task.id)
            if current is None or row is None or current.state.closed or current.warn_at > now:
                return None
            promise = await session.get(Promise, current.promise_id) if current.promise_id is not None else None
            if promise is not None and promise.status != "open":
                return None  # kept (candor promises keep) or settled with the customer: nothing to warn about
            new_due = self._new_due(current, team, now)
            row.late_count += 1
            row.due_at, row.warn_at = new_due, warn_time(now, new_due)
            await sync_promise(session, row, now, due=new_due, late=True)
            actor = last_actor(await tasks.events(task.id))
            member = actor.actor_name if actor is not None else ""
            wording = self._pack.wording_for(current.language)
            topic = self._pack.topic(current.topic_id, current.language)
            values = {"problem": topic.problem if topic else "", "owner": topic.owner if topic else current.team_name,
                      "deadline": format_deadline(wording, current.due_at, self._zone),
                      "new_deadline": format_deadline(wording, new_due, self._zone)}
            which = "late_taken" if member and current.state is not TaskState.OPEN else "late_untouched"
            text = task_words(wording, which, **values, **({"member": member} if which == "late_taken" else {}))
            started = None
            if (row.late_count >= LATE_TIMES_BEFORE_A_PERSON and EscalationReason.MISSED_PROMISE in self._rules.enabled
                    and await HandoffRepository(session).open_for(current.conversation_id) is None):
                started = await self._handoffs.start(
                    session, current.conversation_id, current.language,
                    Escalation(EscalationReason.MISSED_PROMISE,
                               f"task #{task.id} for {current.team_name} ({current.promised}) ran late twice"),
                    None, current.topic_id)
                row.handoff_id = started.handoff_id
                text = f"{text}\n\n{started.reply.text}"
            await tasks.add_event(task.id, TaskEventKind.TOLD_LATE, None,
                                  f"new due {new_due:%Y-%m-%d %H:%M} UTC", now, new_due)
            await announce(session, task.id, TASK_UPDATED, now)
            stored_as = await ConversationRepository(session).add_bot_message(
                current.conversation_id, text, Move.PROMISE_UPDATE.value, f"task #{task.id} running late")
        logger.info("task %d running late (%d): customer told first, new due %s", task.id, row.late_count,
                    new_due.isoformat())
        return _Late(current, text, new_due, started, stored_as)

    def _new_due(self, task: TaskView, team: TeamProfile | None, now: dt.datetime) -> dt.datetime:
        """A new time from the team's hours and target; for a team not configured, the topic's extension."""
        start = max(now, task.due_at)
        if team is not None:
            return working_due(start, team.target_hours, team.shift())
        topic = self._pack.topic(task.topic_id, task.language)
        return due_time(start, max(topic.extension_hours if topic else 1.0, 1.0), self._working)
