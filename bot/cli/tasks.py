"""``candor tasks list``: the work the bot committed teams to, most urgent first, with what happened to each."""

from __future__ import annotations

import argparse
import datetime as dt
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Settings
from bot.policy.assignment import ScheduleError
from bot.policy.teams import TeamProfile
from bot.storage.database import run_in_session
from bot.storage.models import utc_now
from bot.storage.tasks import TaskEventView, TaskRepository, TaskView
from bot.storage.teams import TeamRepository

LAST_EVENTS = 3
"""How many of a task's latest events are shown under it."""
UTC = ZoneInfo("UTC")


def add_tasks_commands(commands: Any) -> None:
    tasks = commands.add_parser("tasks", help="the teams' tasks: the bot's commitments as work").add_subparsers(
        dest="tasks_command", required=True)
    listing = tasks.add_parser("list", help="list open tasks, most urgent first")
    listing.add_argument("--team", default=None, help="only this team's tasks")
    listing.add_argument("--late", action="store_true", help="only tasks past their due time and not closed")
    listing.add_argument("--all", action="store_true", help="include done and declined tasks")
    listing.set_defaults(handler=_list)


@dataclass(frozen=True)
class TaskFilter:
    team: str | None = None
    late: bool = False
    include_closed: bool = False


@dataclass(frozen=True)
class _Listed:
    task: TaskView
    events: list[TaskEventView]


def _list(args: argparse.Namespace, settings: Settings) -> int:
    for line in task_listing(settings.database_url, TaskFilter(args.team, args.late, args.all), utc_now()):
        print(line)
    return 0


def task_listing(database_url: str, wanted: TaskFilter, now: dt.datetime) -> list[str]:
    """The lines ``candor tasks list`` prints at ``now``: a task per line, its last events indented below."""

    async def read(session: AsyncSession) -> tuple[list[_Listed], dict[str, TeamProfile]]:
        repository = TaskRepository(session)
        views = [view for view in await repository.listing(wanted.team, wanted.include_closed)
                 if not wanted.late or _late(view, now)]
        teams = {team.name: team for team in await TeamRepository(session).all()}
        return [_Listed(view, (await repository.events(view.id))[-LAST_EVENTS:]) for view in views], teams

    listed, teams = run_in_session(database_url, read)
    if not listed:
        return [_nothing(wanted)]
    lines: list[str] = []
    for item in listed:
        lines.append(_task_line(item.task, teams.get(item.task.team_name), now))
        lines.extend(f"    {event.line()}" for event in item.events)
    return lines


def _late(task: TaskView, now: dt.datetime) -> bool:
    return not task.state.closed and task.due_at < now


def _zone(team: TeamProfile | None) -> ZoneInfo:
    if team is None:
        return UTC
    try:
        return team.shift().zone
    except ScheduleError:
        return UTC


def _task_line(task: TaskView, team: TeamProfile | None, now: dt.datetime) -> str:
    taker = "-"
    if task.taken_by is not None:
        member = team.member(task.taken_by) if team is not None else None
        taker = f"taken by {member.name if member else f'user {task.taken_by}'}"
    due = task.due_at.astimezone(_zone(team)).strftime("%Y-%m-%d %H:%M %Z")
    marks = [mark for mark, on in (("LATE", _late(task, now)), (f"priority {task.priority}", task.priority > 0)) if on]
    return "\t".join([f"#{task.id}", task.team_name + ("" if team else " (removed)"), task.kind,
                      f"order {task.order_ref}" if task.order_ref else "no order", task.state.value, taker,
                      f"due {due}", *marks])


def _nothing(wanted: TaskFilter) -> str:
    kind = "late" if wanted.late else ("" if wanted.include_closed else "open")
    team = f" for team {wanted.team}" if wanted.team else ""
    return f"No {kind + ' ' if kind else ''}tasks{team}."
