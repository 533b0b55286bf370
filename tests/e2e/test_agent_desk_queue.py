"""The right person and a queue anyone can read, end to end over the fake Bot API.

Two agents of different languages and shifts, set against the real clock: Marta (en, pl,
Europe/Warsaw) is on shift now and Li (zh, en, Asia/Shanghai) starts in three hours; Anna
(en, always on shift) is the team lead.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import AsyncIterator, Callable
from functools import partial
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from bot.policy.assignment import AgentProfile, parse_shift
from bot.storage.database import Database
from bot.storage.models import Agent, Handoff
from bot.testing.fake_bot_api import SentMessage
from knowledge import load_pack
from tests.conftest import database_url
from tests.e2e.running_bot import Bot
from tests.e2e.test_cli import candor
from tests.e2e.test_handoff import GROUP, handoff_of, start_bot, topic_of

pytestmark = pytest.mark.slow
MARTA, LI, ANNA = 9101, 9102, 9103
ALWAYS = {"work_hours": "00:00-24:00", "work_days": "mon-sun"}
BOARD = "Desk board"


def on_shift_now(zone: str) -> str:
    """Working hours, in the agent's own zone, that cover the real clock now."""
    hour = dt.datetime.now(ZoneInfo(zone)).hour
    return f"{max(hour - 1, 0):02d}:00-{min(hour + 2, 24):02d}:00"


def starts_in_three_hours(zone: str) -> str:
    start = (dt.datetime.now(ZoneInfo(zone)).hour + 3) % 24
    return f"{start:02d}:00-{start + 1:02d}:00"


def marta(away: bool = False) -> AgentProfile:
    zone = "Europe/Warsaw"
    return AgentProfile(MARTA, "Marta", "Customer care specialist", ("en", "pl"), True, zone, on_shift_now(zone),
                        "mon-sun", (), 3, away=away)


LI_HOURS = starts_in_three_hours("Asia/Shanghai")
LI_PROFILE = AgentProfile(LI, "Li", "Payments specialist", ("zh", "en"), True, "Asia/Shanghai", LI_HOURS, "mon-sun")
ANNA_PROFILE = AgentProfile(ANNA, "Anna", "Team lead", ("en",), True, "UTC", **ALWAYS, max_chats=5, is_lead=True)


def li_starts() -> dt.datetime:
    start = parse_shift("Asia/Shanghai", LI_HOURS, "mon-sun").next_start(dt.datetime.now(dt.UTC))
    assert start is not None
    return start


async def start_desk(tmp: Path, *profiles: AgentProfile) -> Bot:
    return await start_bot(tmp, *profiles, CANDOR_DESK_CHECK_SECONDS="0.5")


@pytest.fixture(scope="module")
async def bot(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Bot]:
    running = await start_desk(Path(tmp_path_factory.mktemp("desk")), marta(), LI_PROFILE, ANNA_PROFILE)
    yield running
    await running.stop()
    running.api.stop()


async def eventually(read: Callable[[], list[SentMessage]], wanted: Callable[[SentMessage], bool],
                     timeout: float = 60.0) -> SentMessage:
    """The first message ``read`` returns that is ``wanted``, waiting for it (a generous ceiling, no fixed sleep)."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        found = next((m for m in read() if wanted(m)), None)
        if found is not None:
            return found
        assert asyncio.get_running_loop().time() < deadline, [m.text[:100] for m in read()]
        await asyncio.sleep(0.05)


def mentioned(message: SentMessage) -> set[int]:
    return {int(e["user"]["id"]) for e in message.params.get("entities") or [] if e["type"] == "text_mention"}


async def handed_off(bot: Bot, chat_id: int, text: str = "I want to talk to a real person, please") -> tuple[str, int]:
    bot.api.customer_sends_text(chat_id, text, first_name=f"C{chat_id}")
    [reply] = await bot.api.wait_for_messages(chat_id, 1)
    return reply.text, await topic_of(bot, chat_id)


async def test_a_chinese_customer_waits_for_li_instead_of_going_to_someone_who_cannot_read_them(bot: Bot) -> None:
    said, _ = await handed_off(bot, 5001, "我要转人工客服")
    handoff = await handoff_of(bot, 5001)
    assert (handoff.status, handoff.agent_user_id) == ("queued", None), "Marta and Anna are free but read no Chinese"
    expected = li_starts() + dt.timedelta(minutes=15)
    assert "Li" in said and f"{expected:%H:%M}" in said, said


async def test_the_new_owner_is_mentioned_and_the_customer_hears_once_per_change(bot: Bot) -> None:
    said, thread = await handed_off(bot, 5002)
    owner = (await handoff_of(bot, 5002)).agent_user_id
    assert owner in (MARTA, ANNA) and owner is not None
    assigned = await eventually(lambda: bot.api.messages_in_topic(thread), lambda m: bool(mentioned(m)))
    assert mentioned(assigned) == {owner}, "Telegram notifies the agent given the customer"

    bot.api.agent_sends_text(thread, owner, "/take")
    await eventually(lambda: bot.api.messages_in_topic(thread), lambda m: "already yours" in m.text)
    other = ANNA if owner == MARTA else MARTA
    bot.api.agent_sends_text(thread, other, "/take")
    taken = await eventually(lambda: bot.api.messages_in_topic(thread), lambda m: "took this conversation" in m.text)
    assert mentioned(taken) == {other}
    [first, second] = await bot.api.wait_for_messages(5002, 2)
    assert first.text == said and ("Anna" if other == ANNA else "Marta") in second.text
    await asyncio.sleep(1.5)  # three queue checks' room for a repeated "who and when", were there one
    assert len(bot.api.messages_to(5002)) == 2, [m.text for m in bot.api.messages_to(5002)]


async def test_a_transfer_to_someone_off_shift_is_refused_and_anyway_tells_the_true_time(bot: Bot) -> None:
    _, thread = await handed_off(bot, 5003)
    owner = (await handoff_of(bot, 5003)).agent_user_id
    assert owner is not None
    start = li_starts()

    bot.api.agent_sends_text(thread, owner, "/transfer li")
    refused = await eventually(lambda: bot.api.messages_in_topic(thread), lambda m: "off shift" in m.text)
    assert f"{start:%H:%M} UTC" in refused.text and "--anyway" in refused.text, refused.text
    assert (await handoff_of(bot, 5003)).agent_user_id == owner and len(bot.api.messages_to(5003)) == 1

    bot.api.agent_sends_text(thread, owner, "/transfer Li --anyway")
    [_, told] = await bot.api.wait_for_messages(5003, 2)
    assert "Li" in told.text and f"{start + dt.timedelta(minutes=15):%H:%M}" in told.text, told.text
    note = await eventually(lambda: bot.api.messages_in_topic(thread), lambda m: "Transferred to Li" in m.text)
    assert mentioned(note) == {LI}
    assert (await handoff_of(bot, 5003)).agent_user_id == LI


async def test_a_transfer_is_refused_for_an_unknown_name_the_same_agent_no_language_away_and_a_full_cap(
        bot: Bot) -> None:
    _, zh_thread = await handed_off(bot, 5004, "我要转人工客服")
    bot.api.agent_sends_text(zh_thread, ANNA, "/transfer Marta")
    note = await eventually(lambda: bot.api.messages_in_topic(zh_thread), lambda m: "does not speak" in m.text)
    assert "(zh)" in note.text and "--anyway" in note.text
    bot.api.agent_sends_text(zh_thread, ANNA, "/transfer Zed")
    await eventually(lambda: bot.api.messages_in_topic(zh_thread), lambda m: "No active agent called 'Zed'" in m.text)

    _, thread = await handed_off(bot, 5005)
    owner = (await handoff_of(bot, 5005)).agent_user_id
    owner_name = "Marta" if owner == MARTA else "Anna"
    bot.api.agent_sends_text(thread, ANNA, f"/transfer {owner_name}")
    await eventually(lambda: bot.api.messages_in_topic(thread), lambda m: "already has this conversation" in m.text)
    bot.api.agent_sends_text(None, LI, "/away", first_name="Li")
    in_chinese = load_pack().wording_for("zh").agents
    await eventually(bot.api.messages_in_general, lambda m: m.text == in_chinese.away_done.format(agent="Li"))
    bot.api.agent_sends_text(thread, ANNA, "/transfer Li")
    await eventually(lambda: bot.api.messages_in_topic(thread), lambda m: "Li is away right now" in m.text)
    bot.api.agent_sends_text(None, LI, "/back", first_name="Li")
    await eventually(bot.api.messages_in_general, lambda m: m.text == in_chinese.back_done.format(agent="Li"))
    assert (await handoff_of(bot, 5004)).status == "queued", "Li's customer waited for Li while she was away"
    assert [m.text for m in bot.api.messages_to(5004)][1:] == [] and len(bot.api.messages_to(5005)) == 1


async def test_a_transfer_to_someone_at_their_cap_is_refused_even_with_anyway(bot: Bot) -> None:
    held = await bot.query(select(Handoff.id).where(Handoff.agent_user_id == LI, Handoff.status == "active"))
    for index in range(LI_PROFILE.max_chats - len(held) + 1):
        chat_id = 5020 + index
        _, thread = await handed_off(bot, chat_id)
        owner = (await handoff_of(bot, chat_id)).agent_user_id
        assert owner is not None
        bot.api.agent_sends_text(thread, owner, "/transfer Li --anyway")
        note = await eventually(partial(bot.api.messages_in_topic, thread),
                                lambda m: "Transferred to Li" in m.text or "at their cap" in m.text)
    assert note.text == "Li is at their cap (3 conversations); pick someone else."
    assert (await handoff_of(bot, chat_id)).agent_user_id == owner and len(bot.api.messages_to(chat_id)) == 1


async def test_mine_and_queue_answer_in_the_general_topic_and_in_a_topic(bot: Bot) -> None:
    await handed_off(bot, 5006, "我要转人工客服")
    _, thread = await handed_off(bot, 5007)
    owner = (await handoff_of(bot, 5007)).agent_user_id
    name = "Marta" if owner == MARTA else "Anna"
    assert owner is not None
    bot.api.agent_sends_text(None, owner, "/mine", first_name=name)
    mine = await eventually(bot.api.messages_in_general, lambda m: m.text.startswith(f"{name}, your open"))
    assert "C5007" in mine.text and f"with {name}" in mine.text and "reply due" in mine.text, mine.text

    bot.api.agent_sends_text(thread, ANNA, "/queue", first_name="Anna")
    queue = await eventually(lambda: bot.api.messages_in_topic(thread), lambda m: "Waiting for an agent" in m.text)
    lines = queue.text.splitlines()
    waiting = [line for line in lines if line.startswith("•")]
    assert waiting and all("waiting for an agent" in line for line in waiting), queue.text
    order = [next(i for i, line in enumerate(waiting) if name in line) for name in ("C5001", "C5004", "C5006")]
    assert order == sorted(order), "longest wait first"
    assert lines[-1].startswith("Who has what: ") and "Marta " in lines[-1] and "Li " in lines[-1], queue.text


async def test_away_takes_no_new_handoffs_and_back_makes_the_agent_eligible_again(bot: Bot) -> None:
    bot.api.agent_sends_text(None, ANNA, "/away", first_name="Anna")
    await eventually(bot.api.messages_in_general, lambda m: "Anna, you are away" in m.text)
    await eventually(bot.api.messages_in_general, lambda m: m.text.startswith(BOARD) and "Away: Anna" in m.text)
    for chat_id in (5010, 5011):
        await handed_off(bot, chat_id)
        assert (await handoff_of(bot, chat_id)).agent_user_id != ANNA
    bot.api.agent_sends_text(None, ANNA, "/back", first_name="Anna")
    await eventually(bot.api.messages_in_general, lambda m: "Anna, welcome back" in m.text)
    await eventually(bot.api.messages_in_general, lambda m: m.text.startswith(BOARD) and "Away: nobody" in m.text)


async def test_a_leads_view_three_handoffs_waiting_one_agent_away_the_board_shows_it(tmp_path: Path) -> None:
    running = await start_desk(tmp_path, marta(away=True), LI_PROFILE)
    api = running.api
    try:
        topics = {}
        for chat_id, text in ((6001, "I want to talk to a real person, please"),
                              (6002, "Chcę porozmawiać z konsultantem"), (6003, "我要转人工客服")):
            _, topics[chat_id] = await handed_off(running, chat_id, text)
            assert (await handoff_of(running, chat_id)).status == "queued"
        topic = topics[6001]
        board = await eventually(api.messages_in_general,
                                 lambda m: m.text.startswith(BOARD) and "Waiting for an agent: 3." in m.text)
        lines = board.text.splitlines()
        assert lines[1:5] == ["On shift: nobody", "Away: Marta 0/3", "Off shift: Li",
                              "Waiting for an agent: 3. Waiting for an agent's reply: 0."], board.text
        assert lines[5].startswith("Longest wait: C6001, "), board.text
        assert "message_thread_id" not in board.params, "in the General topic"
        await eventually(api.messages_in_general, lambda m: m is board and (GROUP, board.message_id) in api.pinned)

        api.agent_sends_text(None, MARTA, "/back", first_name="Marta")
        await eventually(lambda: [m for m in api.messages_in_general() if m.message_id == board.message_id],
                         lambda m: "Waiting for an agent: 1." in m.text and "On shift: Marta 2/3" in m.text)
        boards = [m for m in api.messages_in_general() if m.text.startswith(BOARD)]
        assert [m.message_id for m in boards] == [board.message_id], "edited in place, never re-posted"
        assert any(int(e["message_id"]) == board.message_id for e in api.edits)
        assert (await handoff_of(running, 6003)).status == "queued", "Li's Chinese customer still waits for Li"
        given = await eventually(lambda: api.messages_in_topic(topic), lambda m: "Assigned to Marta" in m.text)
        assert mentioned(given) == {MARTA}, "the queue check's new owner is mentioned too"
        assert len(api.messages_to(6001)) == 2 and "Marta" in api.messages_to(6001)[1].text

        api.admin_deletes_message(GROUP, board.message_id)
        api.agent_sends_text(None, MARTA, "/away", first_name="Marta")
        again = await eventually(api.messages_in_general,
                                 lambda m: m.text.startswith(BOARD) and m.message_id != board.message_id)
        assert "Away: Marta 2/3" in again.text
        await eventually(api.messages_in_general, lambda m: m is again and (GROUP, again.message_id) in api.pinned)
    finally:
        await running.stop()
        api.stop()


async def test_agents_add_lead_and_list_shows_lead_and_away(tmp_path: Path) -> None:
    added = candor(tmp_path, "agents", "add", "--user-id", "77", "--name", "Anna", "--lead")
    assert added.returncode == 0 and "team lead" in added.stdout, added.stderr
    assert candor(tmp_path, "agents", "list").stdout.rstrip().endswith("\tlead")
    database = Database(database_url(tmp_path))
    try:
        async with database.session() as session:
            row = await session.get(Agent, 1)
            assert row is not None
            row.away = True
    finally:
        await database.dispose()
    assert candor(tmp_path, "agents", "list").stdout.rstrip().endswith("\tlead, away")
