"""``candor teams ...`` and ``candor tasks list``: what an operator types and reads, on a real database."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Awaitable, Callable
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from bot.cli.main import main
from bot.cli.tasks import TaskFilter, task_listing
from bot.policy.tasks import Member, TaskState
from bot.storage.database import run_in_session
from bot.storage.models import utc_now
from bot.storage.tasks import TaskRepository
from bot.storage.teams import TeamRepository
from tests.conftest import database_url, query_rows
from tests.integration.task_data import close, new_task, take

ANNA = Member(42, "Anna", "Payments specialist")
TOMASZ = Member(43, "Tomasz", "Courier liaison")
WARSAW = ZoneInfo("Europe/Warsaw")


pytestmark = pytest.mark.usefixtures("cli_environment")


def candor(capsys: pytest.CaptureFixture[str], *arguments: str) -> tuple[int, str, str]:
    code = main(list(arguments))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def add_payments(capsys: pytest.CaptureFixture[str], *extra: str) -> str:
    code, out, err = candor(capsys, "teams", "add", "--name", "payments", "--chat-id", "-1001", "--thread-id", "7",
                            "--timezone", "Europe/Warsaw", "--hours", "09:00-17:00", "--days", "mon-fri",
                            "--target-hours", "4", "--lead-user-id", "42", *extra)
    assert (code, err) == (0, "")
    return out


def add_member(capsys: pytest.CaptureFixture[str], team: str, member: Member) -> None:
    code, _, err = candor(capsys, "teams", "add-member", "--team", team, "--user-id", str(member.user_id),
                          "--name", member.name, "--role", member.role)
    assert (code, err) == (0, "")


def store(tmp_path: Path, action: Callable[[AsyncSession], Awaitable[None]]) -> None:
    run_in_session(database_url(tmp_path), action)


def at_warsaw(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 11, day, hour, minute, tzinfo=WARSAW).astimezone(dt.UTC)


# Teams and members.

def test_with_no_teams_the_list_says_how_to_add_one(capsys: pytest.CaptureFixture[str]) -> None:
    assert candor(capsys, "teams", "list") == (
        0, "No teams yet. Add one with: candor teams add --name payments --chat-id ID --target-hours 4\n", "")


def test_an_added_team_says_where_its_cards_go_and_lists_with_its_members(capsys: pytest.CaptureFixture[str]) -> None:
    added = add_payments(capsys, "--language", "pl")
    add_member(capsys, "payments", ANNA)
    add_member(capsys, "payments", TOMASZ)

    assert added.startswith("Added team payments: task cards go to chat -1001, topic 7; "
                            "works mon-fri 09:00-17:00 Europe/Warsaw; target 4 working hours, lead user 42; cards in pl.")
    code, out, _ = candor(capsys, "teams", "list")
    assert code == 0
    assert out == ("payments\tchat -1001, topic 7\tmon-fri 09:00-17:00 Europe/Warsaw\ttarget 4 h\tlead Anna\t"
                   "language pl\thelpdesk off\t0 open task(s)\n"
                   "  Anna\tPayments specialist\tuser 42\n"
                   "  Tomasz\tCourier liaison\tuser 43\n")


def test_a_team_in_its_own_group_uses_the_defaults_and_a_lead_who_is_not_a_member_shows_by_id(
        capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = candor(capsys, "teams", "add", "--name", "delivery", "--chat-id", "-2002", "--target-hours", "2.5",
                          "--lead-user-id", "77")

    assert code == 0
    assert "task cards go to chat -2002, no topic; works mon-fri 09:00-17:00 UTC; target 2.5 working hours" in out
    listed = candor(capsys, "teams", "list")[1]
    assert listed.startswith("delivery\tchat -2002, no topic\tmon-fri 09:00-17:00 UTC\ttarget 2.5 h\tlead user 77\t"
                             "language en\thelpdesk off\t0 open task(s)\n")
    assert "no members yet: candor teams add-member --team delivery" in listed


def test_a_second_team_with_the_same_name_is_refused_and_says_how_to_change_it(
        capsys: pytest.CaptureFixture[str]) -> None:
    add_payments(capsys)

    code, out, err = candor(capsys, "teams", "add", "--name", "payments", "--chat-id", "-3003", "--target-hours", "8")

    assert (code, out) == (2, "")
    assert err == ("candor: A team named payments already exists. Remove it first to change it "
                   "(candor teams remove --name payments).\n")
    assert "chat -1001" in candor(capsys, "teams", "list")[1]


@pytest.mark.parametrize(("flags", "error"), [
    (("--hours", "17:00-09:00"), ("candor: team payments: working hours '17:00-09:00' must start before they end, "
                                 "within one day.\n")),
    (("--hours", "9 to 5"), "candor: team payments: working hours '9 to 5' should look like 09:00-18:00.\n"),
    (("--timezone", "Warsaw"), ("candor: team payments: unknown time zone 'Warsaw'; use an IANA name such as "
                               "Europe/Warsaw.\n")),
    (("--target-hours", "0"), "candor: team payments: --target-hours must be more than 0 and at most 336.\n"),
    (("--language", "de"), ("candor: --language must be one of the knowledge pack's languages (en, pl, ru, zh), "
                           "got 'de'\n")),
])
def test_a_team_that_could_not_work_is_refused_with_what_to_fix_and_nothing_is_stored(
        capsys: pytest.CaptureFixture[str], flags: tuple[str, str], error: str) -> None:
    code, out, err = candor(capsys, "teams", "add", "--name", "payments", "--chat-id", "-1001", "--target-hours", "4",
                            *flags)

    assert (code, out, err) == (2, "", error)
    assert candor(capsys, "teams", "list")[1].startswith("No teams yet.")


def test_a_removed_member_is_no_longer_listed_and_a_stranger_cannot_be_removed(
        capsys: pytest.CaptureFixture[str]) -> None:
    add_payments(capsys)
    add_member(capsys, "payments", ANNA)
    add_member(capsys, "payments", TOMASZ)

    assert candor(capsys, "teams", "remove-member", "--team", "payments", "--user-id", "43") == (
        0, "Removed Tomasz (Telegram user id 43) from team payments.\n", "")
    assert "Tomasz" not in candor(capsys, "teams", "list")[1]
    assert candor(capsys, "teams", "remove-member", "--team", "payments", "--user-id", "43") == (
        2, "", "candor: User 43 is not a member of a team named payments.\n")
    assert candor(capsys, "teams", "add-member", "--team", "payments", "--user-id", "42", "--name", "Anna") == (
        2, "", "candor: User 42 is already a member of payments.\n")


def test_a_member_of_a_team_that_does_not_exist_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    assert candor(capsys, "teams", "add-member", "--team", "billing", "--user-id", "42", "--name", "Anna") == (
        2, "", "candor: There is no team named billing; add it first with candor teams add.\n")


def test_removing_a_team_says_how_many_open_tasks_stay_listed(capsys: pytest.CaptureFixture[str],
                                                             tmp_path: Path) -> None:
    add_payments(capsys)
    add_member(capsys, "payments", ANNA)
    now = utc_now()

    async def three_tasks(session: AsyncSession) -> None:
        for customer in ("1", "2"):
            await new_task(session, customer, "payments", now + dt.timedelta(hours=3), now)
        done = await new_task(session, "3", "payments", now + dt.timedelta(hours=3), now)
        await close(session, done, TaskState.DONE, ANNA, "Refunded.", now)

    store(tmp_path, three_tasks)
    assert "\t2 open task(s)\n" in candor(capsys, "teams", "list")[1]

    assert candor(capsys, "teams", "remove", "--name", "payments") == (
        0, ("Removed team payments and its 1 member(s). Its 2 open task(s) stay listed in "
           "'candor tasks list --team payments'.\n"), "")
    listed = candor(capsys, "tasks", "list", "--team", "payments")[1]
    assert listed.count("\tpayments (removed)\t") == 2
    assert re.search(r"\tdue \d{4}-\d\d-\d\d \d\d:\d\d UTC", listed)
    assert candor(capsys, "teams", "remove", "--name", "payments") == (
        2, "", "candor: There is no team named payments; see candor teams list.\n")


# Helpdesks.

def test_turning_on_a_helpdesk_shows_its_keys_once_and_stores_only_the_tokens_hash(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    add_payments(capsys)

    code, out, err = candor(capsys, "teams", "helpdesk", "--name", "payments", "--url", "https://desk.example.com/hook")

    assert (code, err) == (0, "")
    secret = re.search(r"^Signing secret: (whsec_[A-Za-z0-9+/]{43}=)$", out, re.MULTILINE)
    token = re.search(r"^Inbound token: ([A-Za-z0-9_-]{43})$", out, re.MULTILINE)
    assert secret and token
    assert "Neither is shown again" in out and "POST /helpdesk/tasks/{id}/events" in out
    stored = query_rows(database_url(tmp_path),
                        "SELECT webhook_url, webhook_secret, inbound_token_hash FROM teams WHERE name = 'payments'")
    assert stored == [("https://desk.example.com/hook", secret.group(1),
                       hashlib.sha256(token.group(1).encode()).hexdigest())]
    listed = candor(capsys, "teams", "list")[1]
    assert "\thelpdesk on (desk.example.com)\t" in listed
    assert secret.group(1) not in listed and token.group(1) not in listed

    again = candor(capsys, "teams", "helpdesk", "--name", "payments", "--url", "https://desk.example.com/hook")[1]
    assert secret.group(1) not in again and token.group(1) not in again


def test_a_helpdesk_can_be_turned_off_and_its_token_stops_working(capsys: pytest.CaptureFixture[str],
                                                                  tmp_path: Path) -> None:
    add_payments(capsys)
    out = candor(capsys, "teams", "helpdesk", "--name", "payments", "--url", "https://desk.example.com/hook")[1]
    found = re.search(r"^Inbound token: (\S+)$", out, re.MULTILINE)
    assert found
    hashed = hashlib.sha256(found.group(1).encode()).hexdigest()

    code, out, _ = candor(capsys, "teams", "helpdesk", "--name", "payments", "--off")

    assert code == 0 and out.startswith("Helpdesk off for team payments")
    assert "\thelpdesk off\t" in candor(capsys, "teams", "list")[1]
    assert run_in_session(database_url(tmp_path), lambda session: TeamRepository(session).by_inbound_token(hashed)) \
        is None
    assert query_rows(database_url(tmp_path), "SELECT webhook_url, webhook_secret FROM teams") == [(None, None)]


def test_a_helpdesk_needs_an_http_url_and_an_existing_team(capsys: pytest.CaptureFixture[str]) -> None:
    add_payments(capsys)

    assert candor(capsys, "teams", "helpdesk", "--name", "payments", "--url", "ftp://desk.example.com") == (
        2, "", "candor: team payments: the webhook URL must be an http(s) URL.\n")
    assert candor(capsys, "teams", "helpdesk", "--name", "billing", "--url", "https://desk.example.com")[2] == (
        "candor: There is no team named billing; see candor teams list.\n")
    assert "\thelpdesk off\t" in candor(capsys, "teams", "list")[1]


# Tasks.

def add_delivery(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, _ = candor(capsys, "teams", "add", "--name", "delivery", "--chat-id", "-2002", "--timezone",
                        "America/New_York", "--target-hours", "8")
    assert code == 0


def test_tasks_are_listed_most_urgent_first_with_due_times_in_each_teams_zone(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    add_payments(capsys)
    add_member(capsys, "payments", ANNA)
    add_delivery(capsys)
    made = at_warsaw(30, 9)
    ids: dict[str, int] = {}

    async def tasks(session: AsyncSession) -> None:
        ids["late"] = await new_task(session, "1", "payments", at_warsaw(30, 12), made)
        await take(session, ids["late"], ANNA, at_warsaw(30, 9, 5))
        ids["urgent"] = await new_task(session, "2", "payments", at_warsaw(30, 16), made, priority=1, order_ref=None)
        ids["delivery"] = await new_task(session, "3", "delivery", at_warsaw(30, 15), made, kind="gesture:express")
        ids["done"] = await new_task(session, "4", "payments", at_warsaw(30, 10), made)
        await close(session, ids["done"], TaskState.DONE, ANNA, "It was a hold.", at_warsaw(30, 9, 30))

    store(tmp_path, tasks)
    lines = task_listing(database_url(tmp_path), TaskFilter(), at_warsaw(30, 13))

    assert lines == [
        f"#{ids['urgent']}\tpayments\tdouble_charge\tno order\topen\t-\tdue 2026-11-30 16:00 CET\tpriority 1",
        "    2026-11-30 08:00 UTC created: due 2026-11-30 15:00 UTC",
        f"#{ids['late']}\tpayments\tdouble_charge\torder 50012\ttaken\ttaken by Anna\tdue 2026-11-30 12:00 CET\tLATE",
        "    2026-11-30 08:00 UTC created: due 2026-11-30 11:00 UTC",
        "    2026-11-30 08:05 UTC taken — Anna (Payments specialist)",
        f"#{ids['delivery']}\tdelivery\tgesture:express\torder 50012\topen\t-\tdue 2026-11-30 09:00 EST",
        "    2026-11-30 08:00 UTC created: due 2026-11-30 14:00 UTC",
    ]
    assert task_listing(database_url(tmp_path), TaskFilter(late=True), at_warsaw(30, 11, 59)) == ["No late tasks."]
    closed = task_listing(database_url(tmp_path), TaskFilter(team="payments", include_closed=True), at_warsaw(30, 13))
    assert f"#{ids['done']}\tpayments\tdouble_charge\torder 50012\tdone\t-\tdue 2026-11-30 10:00 CET" in closed
    assert "    2026-11-30 08:30 UTC done — Anna (Payments specialist): It was a hold." in closed


def test_the_tasks_flags_choose_a_team_the_late_ones_or_all(capsys: pytest.CaptureFixture[str],
                                                            tmp_path: Path) -> None:
    add_payments(capsys)
    add_delivery(capsys)
    now = utc_now()
    ids: dict[str, int] = {}

    async def tasks(session: AsyncSession) -> None:
        made = now - dt.timedelta(hours=5)
        ids["late"] = await new_task(session, "1", "payments", now - dt.timedelta(hours=1), made)
        ids["on time"] = await new_task(session, "2", "payments", now + dt.timedelta(hours=3), made)
        ids["delivery"] = await new_task(session, "3", "delivery", now + dt.timedelta(hours=2), made)
        ids["declined"] = await new_task(session, "4", "payments", now - dt.timedelta(hours=2), made)
        await close(session, ids["declined"], TaskState.DECLINED, ANNA, "Not ours.", now)

    store(tmp_path, tasks)

    def listed(*flags: str) -> list[int]:
        code, out, err = candor(capsys, "tasks", "list", *flags)
        assert (code, err) == (0, "")
        return [int(number) for number in re.findall(r"^#(\d+)\t", out, re.MULTILINE)]

    assert listed() == [ids["late"], ids["delivery"], ids["on time"]]
    assert listed("--team", "delivery") == [ids["delivery"]]
    assert listed("--late") == [ids["late"]]
    assert listed("--all") == [ids["declined"], ids["late"], ids["delivery"], ids["on time"]]
    assert listed("--all", "--team", "payments", "--late") == [ids["late"]]
    assert "\tLATE" in candor(capsys, "tasks", "list", "--late")[1]
    assert candor(capsys, "tasks", "list", "--late", "--team", "delivery") == (
        0, "No late tasks for team delivery.\n", "")
    assert candor(capsys, "tasks", "list", "--team", "billing") == (0, "No open tasks for team billing.\n", "")


def test_with_no_tasks_the_list_says_so(capsys: pytest.CaptureFixture[str]) -> None:
    assert candor(capsys, "tasks", "list") == (0, "No open tasks.\n", "")
    assert candor(capsys, "tasks", "list", "--all") == (0, "No tasks.\n", "")


def test_only_a_tasks_latest_events_are_shown_under_it(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    add_payments(capsys)
    add_member(capsys, "payments", ANNA)
    made = at_warsaw(30, 9)

    async def busy_task(session: AsyncSession) -> None:
        task = await new_task(session, "1", "payments", at_warsaw(30, 12), made)
        await take(session, task, ANNA, at_warsaw(30, 9, 5))
        for minute, kind in ((10, "more_time"), (20, "asked"), (30, "answered")):
            await TaskRepository(session).add_event(task, kind, ANNA, "", at_warsaw(30, 9, minute))

    store(tmp_path, busy_task)
    lines = task_listing(database_url(tmp_path), TaskFilter(), at_warsaw(30, 10))

    assert [line.split(" UTC ")[1] for line in lines[1:]] == [
        "more_time — Anna (Payments specialist)", "asked — Anna (Payments specialist)",
        "answered — Anna (Payments specialist)"]
