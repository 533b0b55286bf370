"""Shared by the helpdesk tests: a team with a helpdesk, its tasks, a movable clock, and a task desk double.

``StoredTaskDesk`` is a small but real ``TaskActions``: it applies what a card's button would
(the state, who took it, the new due time, the note) to the stored task with TaskRepository and
the pure task rules, so the endpoint's tests see the effects a member would. The lead's task
desk does the same and more (it tells the customer, updates the card).
"""

from __future__ import annotations

import base64
import datetime as dt
import secrets
from dataclasses import dataclass, field

from bot.policy.tasks import Member, Refusal, TaskAction, TaskState, more_time, refusal, state_after
from bot.policy.teams import TeamProfile
from bot.service.helpdesk import NEEDS_WORDS
from bot.service.helpdesk_keys import token_hash
from bot.storage.conversations import ConversationRepository
from bot.storage.database import Database
from bot.storage.models import as_utc
from bot.storage.tasks import TaskDraft, TaskRepository
from bot.storage.teams import TeamRepository

MONDAY_10 = dt.datetime(2026, 11, 23, 10, 0, tzinfo=dt.UTC)
ANNA = Member(501, "Anna", "Payments specialist")
CUSTOMER_ID = "555000111"
CUSTOMER_NAME = "Olga"


@dataclass
class Clock:
    at: dt.datetime = MONDAY_10

    def now(self) -> dt.datetime:
        return self.at

    def advance(self, by: dt.timedelta) -> None:
        self.at += by


@dataclass(frozen=True)
class Helpdesk:
    """A team's helpdesk as ``candor teams helpdesk`` sets it up: the URL, the secret and the token shown once."""

    team: str
    url: str
    secret: str = field(default_factory=lambda: "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode())
    token: str = field(default_factory=lambda: secrets.token_urlsafe(32))


async def add_team(database: Database, name: str, helpdesk: Helpdesk | None, members: tuple[Member, ...] = (ANNA,),
                   ) -> None:
    async with database.session() as session:
        teams = TeamRepository(session)
        await teams.add(TeamProfile(name, -1001234567890, 7, "UTC", "09:00-17:00", "mon-fri", 4.0))
        for member in members:
            await teams.add_member(name, member)
        if helpdesk is not None:
            await teams.set_helpdesk(name, helpdesk.url, helpdesk.secret, token_hash(helpdesk.token))


def draft(conversation_id: int, team: str, due_at: dt.datetime) -> TaskDraft:
    return TaskDraft(conversation_id, team, "double_charge", "double_charge",
                     "Our payments team checks both charges.", "50001", "two charges of 64.99 EUR on 22 Nov", True,
                     "customer: I was charged twice for order 50001", "en", 0, due_at, due_at - dt.timedelta(minutes=15))


async def open_conversation(database: Database) -> int:
    async with database.session() as session:
        ref = await ConversationRepository(session).open_conversation("telegram", CUSTOMER_ID, CUSTOMER_NAME)
    return ref.conversation_id


class StoredTaskDesk:
    """``TaskActions`` over the database, as the card's buttons act on a task (see the module's docstring)."""

    def __init__(self, database: Database, clock: Clock) -> None:
        self._database = database
        self._clock = clock

    async def act_for_helpdesk(self, team: TeamProfile, member_user_id: int, task_id: int, action: TaskAction,
                               words: str) -> str | None:
        now = self._clock.now()
        async with self._database.session() as session:
            tasks = TaskRepository(session)
            row = await tasks.row(task_id)
            if row is None or row.team_name != team.name:
                return Refusal.UNKNOWN_TASK.value
            member = team.member(member_user_id)
            refused = refusal(TaskState(row.state), action, member is not None)
            if refused is not None or member is None:
                return (refused or Refusal.NOT_MEMBER).value
            if action.needs_words and not words:
                return NEEDS_WORDS
            due = more_time(action, now, as_utc(row.due_at), team.shift()) if action.more_time else None
            row.state = state_after(TaskState(row.state), action).value
            row.first_touch_at = row.first_touch_at or now
            if action is TaskAction.TAKE:
                row.taken_by = member.user_id
            if due is not None:
                row.due_at = due
            if action is TaskAction.NEED_INFO:
                row.question = words
            if action in (TaskAction.DONE, TaskAction.DECLINE):
                row.outcome, row.closed_at = words, now
            await tasks.add_event(task_id, action.value, member, words, now, due)
        return None
