"""How each team keeps the bot's commitments: the dashboard's task figures, computed over plain rows.

*On time* means done by the due time the customer was last given: a team's "More time" moves
``due_at`` and the customer hears the new time first, so a task done by that time kept its word.
*Late* means still open (open, taken or waiting) past that time, or done after it. A done task
with no recorded closing time is judged as closing now, so it is never counted on time without
evidence. Declined tasks are counted, never as late.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from bot.policy.tasks import TaskState


@dataclass(frozen=True)
class TaskTimes:
    """One task as the figures need it: its team, state and times (all UTC)."""

    team: str
    state: TaskState
    created_at: dt.datetime
    due_at: dt.datetime
    first_touch_at: dt.datetime | None = None
    closed_at: dt.datetime | None = None

    def late(self, now: dt.datetime) -> bool:
        """Past the due time the customer was last given: still open at ``now``, or done after it."""
        if self.state is TaskState.DECLINED:
            return False
        finished = (self.closed_at or now) if self.state is TaskState.DONE else now
        return finished > self.due_at


@dataclass(frozen=True)
class TeamTaskFigures:
    team: str
    open: int
    """Nobody has taken them yet."""
    taken: int
    """Taken by a member, including those waiting for the customer's answer."""
    done_on_time: int
    done_late: int
    open_late: int
    """Not done yet and past their due time (any of open, taken, waiting)."""
    declined: int
    first_touch_minutes: float | None
    """Median minutes from the task's creation to a member's first move; None before anyone moved."""
    done_hours: float | None
    """Median hours from creation to done; None before any task is done."""

    @property
    def late(self) -> int:
        return self.done_late + self.open_late


def task_figures(rows: Iterable[TaskTimes], now: dt.datetime) -> list[TeamTaskFigures]:
    """One line per team that has tasks, in the order of the teams' names."""
    by_team: dict[str, list[TaskTimes]] = defaultdict(list)
    for row in rows:
        by_team[row.team].append(row)
    return [_team(team, tasks, now) for team, tasks in sorted(by_team.items())]


def _team(team: str, tasks: list[TaskTimes], now: dt.datetime) -> TeamTaskFigures:
    done = [task for task in tasks if task.state is TaskState.DONE]
    unfinished = [task for task in tasks if not task.state.closed]
    touches = [(task.first_touch_at - task.created_at).total_seconds() / 60
               for task in tasks if task.first_touch_at is not None]
    durations = [(task.closed_at - task.created_at).total_seconds() / 3600
                 for task in done if task.closed_at is not None]
    done_late = sum(1 for task in done if task.late(now))
    return TeamTaskFigures(
        team=team,
        open=sum(1 for task in tasks if task.state is TaskState.OPEN),
        taken=sum(1 for task in tasks if task.state in (TaskState.TAKEN, TaskState.WAITING)),
        done_on_time=len(done) - done_late,
        done_late=done_late,
        open_late=sum(1 for task in unfinished if task.late(now)),
        declined=sum(1 for task in tasks if task.state is TaskState.DECLINED),
        first_touch_minutes=statistics.median(touches) if touches else None,
        done_hours=statistics.median(durations) if durations else None,
    )
