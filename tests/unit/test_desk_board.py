"""The desk as text: the board, /mine and /queue over plain data, in the reader's language."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from bot.policy.assignment import AgentLoad, parse_shift
from bot.policy.desk_board import DeskCase, render_board, render_mine, render_queue
from bot.policy.handoff_status import HandoffStatus
from knowledge import load_pack

NOW = dt.datetime(2026, 11, 23, 10, 0, tzinfo=dt.UTC)
UTC = ZoneInfo("UTC")
EN = load_pack().wording_for("en")


def agent(user_id: int, name: str, hours: str, open_chats: int = 0, away: bool = False) -> AgentLoad:
    return AgentLoad(user_id, name, "Care", ("en",), (), parse_shift("UTC", hours, "mon-sun"), 3, open_chats,
                     away=away)


def case(handoff_id: int, customer: str, waited_minutes: int | None, owner: tuple[int, str] | None = None,
         anger: float | None = None) -> DeskCase:
    since = NOW - dt.timedelta(minutes=waited_minutes) if waited_minutes is not None else None
    return DeskCase(handoff_id, customer, HandoffStatus.ACTIVE if owner else HandoffStatus.QUEUED,
                    owner[0] if owner else None, owner[1] if owner else "", since,
                    since + dt.timedelta(minutes=15) if since else None, anger)


TEAM = [agent(1, "Marta", "08:00-16:00", open_chats=1), agent(2, "Li", "18:00-23:00"),
        agent(3, "Bo", "08:00-16:00", away=True)]
CASES = [case(1, "Olga", 5), case(2, "Ivan", 70), case(3, "Ada", 12, (1, "Marta"), anger=0.9),
         case(4, "Jan", None, (1, "Marta"), anger=0.6), case(5, "Kim", 1, anger=0.2)]


def test_the_board_shows_shift_load_away_waiting_the_longest_wait_and_the_angriest() -> None:
    assert render_board(EN, TEAM, CASES, NOW).splitlines() == [
        "Desk board",
        "On shift: Marta 1/3",
        "Away: Bo 0/3",
        "Off shift: Li",
        "Waiting for an agent: 3. Waiting for an agent's reply: 1.",
        "Longest wait: Ivan, 1 h 10 min",
        "Most upset: Ada #3 (very angry), Jan #4 (angry)",
    ]


def test_the_board_text_does_not_change_while_the_desk_does_not() -> None:
    assert render_board(EN, TEAM, [], NOW) == render_board(EN, TEAM, [], NOW + dt.timedelta(seconds=50))


def test_mine_lists_only_the_agents_conversations_longest_wait_first() -> None:
    assert render_mine(EN, "Marta", 1, CASES, NOW, UTC).splitlines() == [
        "Marta, your open conversations (2):",
        "• Ada (#3): with Marta; waiting 12 min, reply due 10:03 UTC",
        "• Jan (#4): with Marta; nobody is waiting for a reply",
    ]
    assert render_mine(EN, "Li", 2, CASES, NOW, UTC) == "Li, you have no open conversations."


def test_queue_lists_waiting_customers_longest_wait_first_and_who_has_what() -> None:
    lines = render_queue(EN, TEAM, CASES, NOW, UTC).splitlines()
    assert lines[0] == "Waiting for an agent (3), longest wait first:"
    assert [line.split(" (#")[0] for line in lines[1:4]] == ["• Ivan", "• Olga", "• Kim"]
    assert lines[-1] == "Who has what: Marta 1/3, Li 0/3, Bo 0/3"


def test_the_queue_reads_in_the_agents_language() -> None:
    assert render_queue(load_pack().wording_for("pl"), TEAM, [], NOW, UTC).startswith("Nikt nie czeka")
