"""Who takes a handoff, and when a person will really look: pure decisions over plain data.

Fair to agents (the least loaded, then the one who waited longest since their last handoff),
never over an agent's cap, and honest to the customer: when nobody is on shift or everyone is
full, the answer is the real time the next suitable person starts, not a vague "soon".
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from nlu.errors import CandorError

DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
FIRST_REPLY_MINUTES = 15
"""What an agent on shift commits to: a first reply within this many minutes of taking a chat."""
_HOURS = re.compile(r"^(\d{1,2}):(\d{2})-(\d{1,2}):(\d{2})$")


class ScheduleError(CandorError, ValueError):
    """Working hours or days that cannot be read; the message shows the expected form."""


@dataclass(frozen=True)
class AgentProfile:
    telegram_user_id: int
    name: str
    role: str
    languages: tuple[str, ...]
    active: bool
    timezone: str = "UTC"
    work_hours: str = "09:00-18:00"
    work_days: str = "mon-fri"
    skills: tuple[str, ...] = ()
    max_chats: int = 3
    away: bool = False
    """Said /away: takes no new handoffs until /back, whatever the shift says."""
    is_lead: bool = False
    """Nudged after the agent when a customer's reply is late."""

    def shift(self) -> Shift:
        return parse_shift(self.timezone, self.work_hours, self.work_days)


def profile_problem(profile: AgentProfile) -> str | None:
    """Why this profile cannot be registered, in words for the person registering it; None when it can."""
    if not profile.name.strip():
        return "the name must not be empty: customers are told the agent's first name"
    try:
        profile.shift()
    except ScheduleError as error:
        return f"{profile.name}: {error}"
    if profile.max_chats < 1:
        return f"{profile.name}: the cap on concurrent conversations must be at least 1"
    return None


@dataclass(frozen=True)
class Shift:
    zone: ZoneInfo
    start: dt.time
    end: dt.time
    days: frozenset[int]
    """Weekdays worked, Monday = 0."""

    def covers(self, when: dt.datetime) -> bool:
        local = when.astimezone(self.zone)
        return local.weekday() in self.days and self.start <= local.time() < self.end

    def next_start(self, after: dt.datetime) -> dt.datetime | None:
        """The first moment at or after ``after`` when this shift is on; None for a shift with no days."""
        if self.covers(after):
            return after
        local = after.astimezone(self.zone)
        for offset in range(8):
            day = local.date() + dt.timedelta(days=offset)
            start = dt.datetime.combine(day, self.start, tzinfo=self.zone)
            if day.weekday() in self.days and start >= local:
                return start.astimezone(dt.UTC)
        return None


def parse_shift(zone: str, hours: str, days: str) -> Shift:
    """``("Europe/Warsaw", "09:00-18:00", "mon-fri")`` → a Shift; days may also be listed ("mon,wed,sat")."""
    match = _HOURS.match(hours.strip())
    if not match:
        raise ScheduleError(f"working hours '{hours[:32]}' should look like 09:00-18:00")
    h1, m1, h2, m2 = (int(part) for part in match.groups())
    if not (0 <= h1 <= 23 and 0 <= h2 <= 24 and m1 < 60 and m2 < 60) or (h1, m1) >= (h2, m2):
        raise ScheduleError(f"working hours '{hours[:32]}' must start before they end, within one day")
    end = dt.time(23, 59, 59) if h2 == 24 else dt.time(h2, m2)
    try:
        shift_zone = ZoneInfo(zone)
    except (KeyError, ValueError) as error:
        raise ScheduleError(f"unknown time zone '{zone[:64]}'; use an IANA name such as Europe/Warsaw") from error
    return Shift(shift_zone, dt.time(h1, m1), end, parse_days(days))


def parse_days(days: str) -> frozenset[int]:
    worked: set[int] = set()
    for part in (p.strip().lower() for p in days.split(",") if p.strip()):
        first, _, last = part.partition("-")
        if first not in DAY_NAMES or (last and last not in DAY_NAMES):
            raise ScheduleError(f"working days '{days[:32]}' should look like mon-fri or mon,wed,fri")
        a, b = DAY_NAMES.index(first), DAY_NAMES.index(last or first)
        worked.update(range(a, b + 1) if a <= b else [*range(a, 7), *range(b + 1)])
    if not worked:
        raise ScheduleError("working days are empty; use e.g. mon-fri")
    return frozenset(worked)


@dataclass(frozen=True)
class AgentLoad:
    """One agent as assignment sees them: who, when they work, what they can do, how busy."""

    user_id: int
    name: str
    role: str
    languages: tuple[str, ...]
    skills: tuple[str, ...]
    shift: Shift
    max_chats: int
    open_chats: int
    last_assigned_at: dt.datetime | None = None
    away: bool = False
    """Said /away: given nothing new until /back."""


@dataclass(frozen=True)
class Assignment:
    agent: AgentLoad | None
    """Who takes it now; None when it waits in the queue."""
    expected_at: dt.datetime | None
    """When a person will reply (now + FIRST_REPLY_MINUTES) or start looking (the next shift); None: no one ever."""
    next_agent: AgentLoad | None = None
    """For a queued handoff, the person whose shift starts first."""


def assign(agents: list[AgentLoad], language: str, skill: str | None, now: dt.datetime,
           exclude: frozenset[int] = frozenset()) -> Assignment:
    """Pick an agent on shift with room who speaks the customer's language, preferring the topic's skill.

    Away agents get nothing new. An agent without the customer's language is never given the customer
    while someone who speaks it is on shift or has a shift to come (an away speaker counts: they come
    back): the customer waits for that person and is told the real time, rather than getting an answer
    they cannot read. When nobody on the team speaks the language at all, anyone may take it (the card
    shows the customer's language), because a person in another language is better than no person.
    """
    pool = speakers_first([a for a in agents if a.user_id not in exclude], language)
    present = available(pool)
    free = [a for a in present if _can_take_now(a, now)]
    if free:
        best = min(free, key=lambda a: _preference(a, language, skill))
        return Assignment(best, now + dt.timedelta(minutes=FIRST_REPLY_MINUTES))
    # Only away speakers left: their next shift (or the hour, when on shift) is the best honest guess.
    upcoming = [(start, a) for a in present or pool if a.max_chats > 0 and (start := _next_time(a, now)) is not None]
    if not upcoming:
        return Assignment(None, None)
    start, agent = min(upcoming, key=lambda pair: (pair[0], _preference(pair[1], language, skill)))
    return Assignment(None, start + dt.timedelta(minutes=FIRST_REPLY_MINUTES), agent)


def assign_asked_for(agents: list[AgentLoad], wanted: str, language: str, now: dt.datetime) -> Assignment:
    """The agent the customer asked for by name ("I'd like to talk to Marta again") when they can take a chat now
    (not away, on shift, under their cap); otherwise whoever ``assign`` picks, so the customer hears the true who
    and when."""
    asked = next((a for a in available(agents) if a.name == wanted and _can_take_now(a, now)), None)
    if asked is not None:
        return Assignment(asked, now + dt.timedelta(minutes=FIRST_REPLY_MINUTES))
    return assign(agents, language, None, now)


def available(agents: list[AgentLoad], exclude: frozenset[int] = frozenset()) -> list[AgentLoad]:
    """Who may be given something new at all: not away, not excluded."""
    return [a for a in agents if not a.away and a.user_id not in exclude]


def speakers_first(agents: list[AgentLoad], language: str) -> list[AgentLoad]:
    """Those who speak ``language``; everyone only when nobody does (see ``assign``)."""
    return [a for a in agents if language in a.languages] or agents


def already_told(agent: AgentLoad, queued_at: dt.datetime, told: dt.datetime | None, now: dt.datetime) -> bool:
    """A queued customer was told this agent's name and a time they can still keep: giving them the chat
    now is nothing new to the customer (a second "who and when" would only confuse them)."""
    if told is None or now + dt.timedelta(minutes=FIRST_REPLY_MINUTES) > told:
        return False
    start = _next_time(agent, queued_at)
    return start is not None and abs(start + dt.timedelta(minutes=FIRST_REPLY_MINUTES) - told) < dt.timedelta(minutes=1)


def _can_take_now(agent: AgentLoad, now: dt.datetime) -> bool:
    return agent.shift.covers(now) and agent.open_chats < agent.max_chats


def _next_time(agent: AgentLoad, now: dt.datetime) -> dt.datetime | None:
    """When this agent can next take a chat: their next shift, or (on shift but full) within the hour."""
    if agent.shift.covers(now):
        return now + dt.timedelta(hours=1)
    return agent.shift.next_start(now)


def _preference(agent: AgentLoad, language: str, skill: str | None) -> tuple[int, int, float, dt.datetime, int]:
    """Lower is better: speaks the language, has the skill, lightest load, longest since the last handoff."""
    waited_since = agent.last_assigned_at or dt.datetime.min.replace(tzinfo=dt.UTC)
    return (
        0 if language in agent.languages else 1,
        0 if skill is None or skill in agent.skills else 1,
        agent.open_chats / max(agent.max_chats, 1),
        waited_since,
        agent.user_id,
    )
