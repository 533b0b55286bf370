"""A team as the bot's decisions see it: where it works, when, how fast, who leads it — plain data."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.policy.assignment import ScheduleError, Shift, parse_shift
from bot.policy.tasks import Member

TEAM_NAME = re.compile(r"^[a-z][a-z0-9_-]{0,31}$")
"""Team names are what the knowledge pack writes after ``team:``: short, lower case, no spaces."""
MAX_TARGET_HOURS = 24 * 14


@dataclass(frozen=True)
class TeamProfile:
    name: str
    chat_id: int
    thread_id: int | None
    timezone: str
    work_hours: str
    work_days: str
    target_hours: float
    lead_user_id: int | None = None
    language: str = "en"
    webhook_url: str | None = None
    members: tuple[Member, ...] = ()

    def shift(self) -> Shift:
        return parse_shift(self.timezone, self.work_hours, self.work_days)

    def member(self, user_id: int) -> Member | None:
        return next((member for member in self.members if member.user_id == user_id), None)

    @property
    def lead(self) -> Member | None:
        return self.member(self.lead_user_id) if self.lead_user_id is not None else None


def team_problem(team: TeamProfile) -> str | None:
    """Why this team cannot be added, in words for the person adding it; None when it can."""
    if not TEAM_NAME.match(team.name):
        return (f"team name '{team.name[:40]}' should be short and lower case, like payments or delivery "
                "(letters, digits, - and _; it is what the knowledge pack writes after team:)")
    try:
        team.shift()
    except ScheduleError as error:
        return f"team {team.name}: {error}"
    if not 0 < team.target_hours <= MAX_TARGET_HOURS:
        return f"team {team.name}: --target-hours must be more than 0 and at most {MAX_TARGET_HOURS}"
    if team.webhook_url is not None and not re.match(r"^https?://[^/\s]+\S*$", team.webhook_url):
        return f"team {team.name}: the webhook URL must be an http(s) URL"
    return None
