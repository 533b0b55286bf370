"""The bot's commitments as work people keep: tasks made in the customer's turn, acted on by their team.

A team member taps a card's button (or a helpdesk posts the same action); the desk checks they
are a member of the task's team, records the change with their name, role and time, and tells
the customer what really happened, by name, in the customer's language. Done, Decline and
Need info wait for the member's next message (the note, the reason, the question). The
customer hears only what a person recorded: a Take names who took it and when; More time gives
the new time before the old one passes. Every change is stored first; the customer, the card
and the team hear of it after the transaction commits.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from functools import partial
from zoneinfo import ZoneInfo

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.channels.delivery import CustomerUnreachable, DeliveryRefused
from bot.policy.assignment import ScheduleError, Shift
from bot.policy.deadlines import format_deadline
from bot.policy.escalation import Escalation, EscalationReason
from bot.policy.model import Move, Reply, TaskPlan, TeamTiming
from bot.policy.task_card import task_words
from bot.policy.tasks import (
    Member,
    Refusal,
    TaskAction,
    TaskEventKind,
    TaskState,
    clean_words,
    more_time,
    parse_callback,
    refusal,
    state_after,
    warn_time,
)
from bot.policy.teams import TeamProfile
from bot.service.background import BackgroundJobs
from bot.service.customer import CustomerRef
from bot.service.handoff_contact import SendToCustomer
from bot.service.handoff_desk import HandoffDesk, HandoffStart
from bot.service.helpdesk import NEEDS_WORDS, HelpdeskDeliveries, announce
from bot.service.helpdesk_payload import TASK_CREATED, TASK_UPDATED
from bot.service.task_cards import SHUTDOWN_GRACE_SECONDS, TaskCards, task_lock, transcript_excerpt
from bot.service.team_board import TeamBoard
from bot.storage.chat_locks import ChatLocks
from bot.storage.conversations import ConversationRepository
from bot.storage.database import Database
from bot.storage.models import Task
from bot.storage.promises import PromiseRepository
from bot.storage.tasks import TaskDraft, TaskRepository, TaskView, last_actor
from bot.storage.teams import TeamRepository
from knowledge import KnowledgePack

logger = logging.getLogger(__name__)

TEAMS_CACHE_SECONDS = 30.0
"""How long a worker trusts its copy of the teams' hours (``candor teams add`` takes effect within this)."""
REFUSALS: dict[Refusal, str] = {
    Refusal.NOT_MEMBER: "refused_not_member",
    Refusal.UNKNOWN_TASK: "refused_unknown",
    Refusal.CLOSED: "refused_closed",
    Refusal.WAITING: "refused_waiting",
}
EVENT_NAMES: dict[TaskAction, TaskEventKind] = {
    TaskAction.TAKE: TaskEventKind.TAKEN,
    TaskAction.MORE_1H: TaskEventKind.MORE_TIME,
    TaskAction.MORE_4H: TaskEventKind.MORE_TIME,
    TaskAction.NEXT_DAY: TaskEventKind.MORE_TIME,
    TaskAction.NEED_INFO: TaskEventKind.ASKED,
    TaskAction.DONE: TaskEventKind.DONE,
    TaskAction.DECLINE: TaskEventKind.DECLINED,
}
Effect = Callable[[], Awaitable[None]]


@dataclass(frozen=True)
class TapOutcome:
    """What the person who acted hears: a short answer, and (for Done, Decline, Need info) what to write next."""

    answer: str
    prompt: str = ""
    refused: Refusal | None = None


@dataclass(frozen=True)
class _Change:
    """A committed change, for what follows it: the customer's message, the card, a person taking over."""

    task: TaskView
    team: TeamProfile
    text: str
    started: HandoffStart | None
    stored_as: int
    queued: bool
    """A helpdesk delivery was queued with the change."""


class TaskDesk:
    def __init__(self, database: Database, pack: KnowledgePack, zone: ZoneInfo, now: Callable[[], dt.datetime],
                 locks: ChatLocks, handoffs: HandoffDesk, board: TeamBoard | None = None,
                 working: Shift | None = None) -> None:
        self._database = database
        self._pack = pack
        self._zone = zone
        self._now = now
        self._locks = locks
        self._handoffs = handoffs
        self._working = working
        self.cards = TaskCards(database, pack, locks, board, on_change=handoffs.cards.refresh_conversation_soon)
        self.deliveries = HelpdeskDeliveries(database, now)
        self._delivering = BackgroundJobs()
        self._timings: tuple[float, dict[str, TeamTiming]] | None = None

    # -- in the customer's turn ---------------------------------------------------------------
    async def timings(self, session: AsyncSession) -> dict[str, TeamTiming]:
        """The configured teams' hours and targets, read at most every 30 seconds per worker."""
        if self._timings is not None and time.monotonic() - self._timings[0] < TEAMS_CACHE_SECONDS:
            return self._timings[1]
        found: dict[str, TeamTiming] = {}
        for team in await TeamRepository(session).all():
            try:
                found[team.name] = TeamTiming(team.shift(), team.target_hours)
            except ScheduleError:
                logger.warning("team %s has unreadable working hours; its commitments use the support hours", team.name)
        self._timings = (time.monotonic(), found)
        return found

    async def record(self, session: AsyncSession, conversation_id: int, language: str, plans: tuple[TaskPlan, ...],
                     promise_id: int | None, customer_texts: tuple[str, ...]) -> tuple[tuple[int, ...], bool]:
        """Store the reply's commitments as tasks, in the turn's transaction; their cards go out after it commits.

        Returns the tasks and whether a helpdesk delivery was queued with them."""
        now = self._now()
        tasks = TaskRepository(session)
        made = []
        queued = False
        for plan in plans:
            made.append(await tasks.create(TaskDraft(
                conversation_id, plan.team, plan.kind, plan.topic_id, plan.promised, plan.order_ref, plan.facts,
                plan.verified, transcript_excerpt(customer_texts), language, plan.priority, plan.due_at,
                warn_time(now, plan.due_at), promise_id if plan.keeps_promise else None,
            ), now))
            queued |= await announce(session, made[-1], TASK_CREATED, now)
            logger.info("task %d made for team %s kind=%s due=%s", made[-1], plan.team, plan.kind,
                        plan.due_at.isoformat())
        return tuple(made), queued

    async def prioritise(self, session: AsyncSession, conversation_id: int, topic_id: str) -> int | None:
        """The bot moved a case to priority handling after its task was made: the task goes first from now on."""
        for task in await TaskRepository(session).of_conversation(conversation_id):
            if task.topic_id == topic_id and not task.state.closed and task.priority == 0:
                row = await TaskRepository(session).row(task.id)
                if row is not None:
                    row.priority = 1
                    await TaskRepository(session).add_event(task.id, TaskEventKind.PRIORITY, None, "the customer was told it "
                                                            "is handled first", self._now())
                    return task.id
        return None

    def after_commit(self, task_ids: tuple[int, ...], queued: bool) -> None:
        for task_id in task_ids:
            self.cards.post_soon(task_id)
        self.deliver_soon(queued)

    def refresh_soon(self, task_ids: tuple[int, ...], queued: bool) -> None:
        """After tasks were closed outside the teams' chats (a person's handback): their cards, and the helpdesks."""
        if task_ids and self.cards.board.reaches_teams:
            self._delivering.start(self._refresh(task_ids))
        self.deliver_soon(queued)

    async def _refresh(self, task_ids: tuple[int, ...]) -> None:
        for task_id in task_ids:
            await self.cards.refresh(task_id)

    def deliver_soon(self, queued: bool = True) -> None:
        """Post what was just queued for helpdesks, in the background (the watch retries what fails)."""
        if not queued:
            return
        self._delivering.start(self._deliver())

    async def _deliver(self) -> None:
        try:
            await self.deliveries.deliver_due()
        except (OSError, SQLAlchemyError) as error:
            logger.warning("helpdesk deliveries could not run (%s); the watch tries again", type(error).__name__)

    async def customer_answers(self, session: AsyncSession, conversation_id: int, text: str) -> tuple[str, Effect] | None:
        """The customer's message answers a team's question (Need info): passed back to the team, in the turn.

        Returns the customer's reply and what to do after the turn commits (the answer in the team's chat)."""
        tasks = TaskRepository(session)
        waiting = await tasks.waiting_for(conversation_id)
        if waiting is None:
            return None
        team = await TeamRepository(session).get(waiting.team_name)
        asker = await self._asker(session, waiting)
        row = await tasks.row(waiting.id)
        assert row is not None  # just read in this transaction
        row.state = TaskState.TAKEN.value
        await tasks.add_event(waiting.id, TaskEventKind.ANSWERED, None, clean_words(text), self._now())
        queued = await announce(session, waiting.id, TASK_UPDATED, self._now())
        wording = self._pack.wording_for(waiting.language)
        reply = task_words(wording, "info_passed", member=asker.name,
                           deadline=format_deadline(wording, waiting.due_at, self._zone))

        async def pass_it_on() -> None:
            if team is not None:
                header = self._say(team.language, "customer_answered", member=asker.name, task=waiting.id)
                await self.cards.quote(team, header, text)
            await self.cards.refresh(waiting.id)
            self.deliver_soon(queued)

        logger.info("task %d: the customer answered the team's question", waiting.id)
        return reply, pass_it_on

    # -- the team's side ----------------------------------------------------------------------
    async def tap(self, user_id: int, data: str, send: SendToCustomer) -> TapOutcome:
        """A button on a card. Anything a card never carried, or a tap by someone outside the team, changes nothing."""
        parsed = parse_callback(data)
        if parsed is None:
            return self._refused(Refusal.UNKNOWN_TASK, None)
        task_id, action = parsed
        return await self.act(user_id, task_id, action, "", send)

    async def words(self, user_id: int, chat_id: int, text: str, send: SendToCustomer) -> bool:
        """A member's message in a team chat: the note, reason or question a tap of theirs waits for.

        False when no tap of theirs waits for words (the message is someone's chat, not for the bot)."""
        async with self._database.session() as session:
            teams = [team.name for team in await TeamRepository(session).in_chat(chat_id)]
            pending = await TaskRepository(session).pending_words(user_id, teams)
        if pending is None or pending.pending_action is None or not text.strip():
            return False
        await self.act(user_id, pending.id, TaskAction(pending.pending_action), text, send)
        return True

    async def act_for_helpdesk(self, team: TeamProfile, member_user_id: int, task_id: int, action: TaskAction,
                               words: str, send: SendToCustomer) -> str | None:
        """The same actions from a team's own helpdesk (the inbound endpoint); None when done, else why not."""
        async with self._database.session() as session:
            task = await TaskRepository(session).get(task_id)
        if task is None or task.team_name != team.name:
            return Refusal.UNKNOWN_TASK.value
        if action.needs_words and not words.strip():
            return NEEDS_WORDS
        outcome = await self.act(member_user_id, task_id, action, words, send)
        return outcome.refused.value if outcome.refused is not None else None

    async def act(self, user_id: int, task_id: int, action: TaskAction, words: str, send: SendToCustomer) -> TapOutcome:
        """Check who acts, then record the change and tell the customer (or wait for the member's words)."""
        async with self._database.session() as session:
            task = await TaskRepository(session).get(task_id)
            team = await TeamRepository(session).get(task.team_name) if task is not None else None
        if task is None or team is None:
            return self._refused(Refusal.UNKNOWN_TASK, team)
        member = team.member(user_id)
        problem = refusal(task.state, action, member is not None)
        if problem is not None or member is None:
            logger.info("task %d: %s by user %d refused (%s)", task_id, action.value, user_id,
                        problem.value if problem else "not a member")
            return self._refused(problem or Refusal.NOT_MEMBER, team)
        if action.needs_words and not words.strip():
            return await self._wait_for_words(task, team, member, action)
        customer = CustomerRef(task.channel, task.external_id)
        async with self._locks.hold(customer.key), self._locks.hold(task_lock(task_id)):
            change = await self._change(task_id, team, member, action, clean_words(words))
            if isinstance(change, Refusal):
                return self._refused(change, team)
            delivered = await self._tell(customer, change, send)
        if delivered and change.started is not None:
            self._handoffs.post_card_soon(change.started)
        await self.cards.refresh(task_id)
        self.deliver_soon(change.queued)
        return TapOutcome(self._answer(team, action, change.task))

    async def _wait_for_words(self, task: TaskView, team: TeamProfile, member: Member,
                              action: TaskAction) -> TapOutcome:
        async with self._database.session() as session:
            row = await TaskRepository(session).row(task.id)
            if row is not None:
                row.pending_action, row.pending_by = action.value, member.user_id
        prompt = {TaskAction.DONE: "ask_note", TaskAction.DECLINE: "ask_reason", TaskAction.NEED_INFO: "ask_question"}
        return TapOutcome(self._say(team.language, "tapped_words"),
                          self._say(team.language, prompt[action], member=member.name))

    async def _change(self, task_id: int, team: TeamProfile, member: Member, action: TaskAction,
                      words: str) -> _Change | Refusal:
        """Record the action in one transaction, with the message for the customer; re-checked under the locks."""
        now = self._now()
        async with self._database.session() as session:
            tasks = TaskRepository(session)
            row = await tasks.row(task_id)
            if row is None:
                return Refusal.UNKNOWN_TASK
            state = TaskState(row.state)
            problem = refusal(state, action, True)
            if problem is not None:
                return problem
            before = await tasks.get(task_id)
            assert before is not None
            wording = self._pack.wording_for(before.language)
            topic = self._pack.topic(before.topic_id, before.language)
            say = partial(self._say, before.language, problem=topic.problem if topic else "",
                          owner=topic.owner if topic else team.name, member=member.name)
            row.state = state_after(state, action).value
            row.pending_action, row.pending_by = None, None
            row.first_touch_at = row.first_touch_at or now
            if action in (TaskAction.TAKE, TaskAction.DONE, TaskAction.DECLINE) or row.taken_by is None:
                row.taken_by = member.user_id
            started: HandoffStart | None = None
            detail = words
            if action is TaskAction.TAKE:
                text = say("taken", time=now.astimezone(self._zone).strftime("%H:%M"),
                           deadline=format_deadline(wording, before.due_at, self._zone))
            elif action.more_time:
                new_due = more_time(action, now, before.due_at, team.shift())
                row.due_at, row.warn_at = new_due, warn_time(now, new_due)
                await sync_promise(session, row, now, due=new_due)
                detail = f"new due {new_due:%Y-%m-%d %H:%M} UTC"
                text = say("more_time", deadline=format_deadline(wording, new_due, self._zone),
                           old_deadline=format_deadline(wording, before.due_at, self._zone))
            elif action is TaskAction.NEED_INFO:
                row.question = words
                text = say("need_info", question=words)
            elif action is TaskAction.DONE:
                row.outcome, row.closed_at = words, now
                await sync_promise(session, row, now, status="kept")
                text = say("done", note=words)
            else:
                row.outcome, row.closed_at = words, now
                await sync_promise(session, row, now, status="resolved")
                started = await self._handoffs.start(
                    session, before.conversation_id, before.language,
                    Escalation(EscalationReason.TASK_DECLINED, f"team {team.name} declined task #{task_id}: {words}"),
                    None, before.topic_id)
                row.handoff_id = started.handoff_id
                text = "\n\n".join((say("declined"), started.reply.text))
            await tasks.add_event(task_id, EVENT_NAMES[action], member, detail, now,
                                  row.due_at if action.more_time else None)
            queued = await announce(session, task_id, TASK_UPDATED, now)
            stored_as = await ConversationRepository(session).add_bot_message(
                before.conversation_id, text, Move.TASK_UPDATE.value, f"task #{task_id}: {EVENT_NAMES[action]}")
            after = await tasks.get(task_id)
        assert after is not None
        logger.info("task %d: %s by a member of %s", task_id, EVENT_NAMES[action], team.name)
        return _Change(after, team, text, started, stored_as, queued)

    async def _tell(self, customer: CustomerRef, change: _Change, send: SendToCustomer) -> bool:
        """Send the customer the change; a refusal is noted in the team's chat (the change itself stands)."""
        try:
            await send(customer.channel, customer.external_id, Reply(Move.TASK_UPDATE, change.text,
                                                                     stored_as=change.stored_as))
        except CustomerUnreachable:
            await self._handoffs.customer_unreachable(customer.channel, customer.external_id)
            return False
        except DeliveryRefused as refused:
            logger.warning("task %d: the customer's update was refused: %s", change.task.id, refused.reason)
            return False
        async with self._database.session() as session:
            await ConversationRepository(session).mark_delivered(change.stored_as)
        return True

    async def _asker(self, session: AsyncSession, task: TaskView) -> Member:
        """Who asked the customer the question: the latest member who acted on the task."""
        actor = last_actor(await TaskRepository(session).events(task.id))
        return Member(0, actor.actor_name, actor.actor_role) if actor is not None else Member(0, task.team_name, "")

    def _say(self, language: str, name: str, /, **values: object) -> str:
        return task_words(self._pack.wording_for(language), name, **values)

    def _refused(self, why: Refusal, team: TeamProfile | None) -> TapOutcome:
        language = team.language if team else "en"
        return TapOutcome(self._say(language, REFUSALS[why], team=team.name if team else ""), refused=why)

    def _answer(self, team: TeamProfile, action: TaskAction, task: TaskView) -> str:
        words = self._pack.wording_for(team.language)
        if action is TaskAction.TAKE:
            return self._say(team.language, "tapped_take", task=task.id)
        if action.more_time:
            return self._say(team.language, "tapped_more_time",
                             deadline=format_deadline(words, task.due_at, ZoneInfo(team.timezone)))
        return {TaskAction.NEED_INFO: words.tasks.tapped_asked, TaskAction.DONE: words.tasks.tapped_done,
                TaskAction.DECLINE: words.tasks.tapped_declined}[action]

    async def close(self) -> None:
        await self.cards.close()
        await self._delivering.finish(SHUTDOWN_GRACE_SECONDS)
        await self.deliveries.close()


async def sync_promise(session: AsyncSession, task: Task, now: dt.datetime, due: dt.datetime | None = None,
                       status: str | None = None, late: bool = False) -> None:
    """The promise the task keeps follows it: the customer's time moves with the team's, and closes with it."""
    if task.promise_id is None:
        return
    promises = PromiseRepository(session)
    if due is not None:
        await promises.retime(task.promise_id, due, warn_time(now, due), late)
    if status is not None:
        await promises.close(task.promise_id, status, now)
