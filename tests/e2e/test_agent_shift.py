"""A whole shift at the agents' desk, end to end: four customers in four languages, two agents of different
languages and shifts, over the real PTB client and the fake Bot API. Each step checks what the customer or the
agent would notice; the shift's transcript (both sides, in order) is written beside the test's files, and to
``CANDOR_SHIFT_TRANSCRIPT`` when that names a file.

Marta (English, Polish; Europe/Warsaw) is on shift now; Li (Chinese, English; Asia/Shanghai; the lead) starts in
three hours, so the Chinese customer waits for her, with the true time.
"""

from __future__ import annotations

import asyncio
import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from bot.policy.assignment import AgentProfile
from bot.storage.models import CaseNote, Handoff
from bot.testing.fake_bot_api import SentMessage
from bot.testing.shift_transcript import render_shift
from tests.e2e.test_agent_desk_queue import LI_HOURS, on_shift_now
from tests.e2e.test_handoff import GROUP, handoff_of, start_bot, topic_of

pytestmark = pytest.mark.slow
MARTA, LI = 9301, 9302
OLGA, ZOFIA, WEI, ALEX = 7301, 7302, 7303, 7304
CUSTOMERS = {OLGA: "Olga (en)", ZOFIA: "Zofia (pl)", WEI: "Wei (zh)", ALEX: "Alex (en)"}
CLOCK_TIME = re.compile(r"\d{1,2}:\d{2}")
NOTE = "! Payment log shows one capture and one pending hold on #48213. Don't refund the hold."


async def until(check: Callable[[], Any], what: str, timeout: float = 90.0) -> Any:
    """Wait until ``check()`` gives something truthy and return it (a generous ceiling, never a fixed sleep)."""
    deadline = asyncio.get_running_loop().time() + timeout
    while not (found := check()):
        assert asyncio.get_running_loop().time() < deadline, f"waited {timeout} s for {what}"
        await asyncio.sleep(0.05)
    return found


def texts_to(bot_api: Any, chat_id: int) -> list[str]:
    return [m.text for m in bot_api.messages_to(chat_id)]


def in_topic(bot_api: Any, thread: int, starting: str) -> list[SentMessage]:
    return [m for m in bot_api.messages_in_topic(thread) if m.text.startswith(starting)]


async def test_a_shift_at_the_desk_as_customers_and_agents_live_it(tmp_path: Path) -> None:
    marta = AgentProfile(MARTA, "Marta", "Customer care specialist", ("en", "pl"), True, "Europe/Warsaw",
                         on_shift_now("Europe/Warsaw"), "mon-sun", (), 3)
    li = AgentProfile(LI, "Li", "Payments specialist", ("zh", "en"), True, "Asia/Shanghai", LI_HOURS, "mon-sun",
                      is_lead=True)
    bot = await start_bot(tmp_path, marta, li, CANDOR_DESK_CHECK_SECONDS="0.5", CANDOR_AGENT_REPLY_MINUTES="0.05",
                          CANDOR_LEAD_NUDGE_MINUTES="0.05")
    api = bot.api
    try:
        # Olga (en) is worried about a double charge, then asks for a person: Marta has her, by name and time.
        api.customer_sends_text(OLGA, "I was charged twice for my order and I'm really worried", first_name="Olga")
        await api.wait_for_messages(OLGA, 1, timeout=120)
        api.customer_sends_text(OLGA, "I want to talk to a person, please", first_name="Olga")
        [*_, told] = await api.wait_for_messages(OLGA, 2)
        assert "Marta" in told.text and CLOCK_TIME.search(told.text), told.text
        olga_topic = await topic_of(bot, OLGA)
        [card] = (await api.wait_in_topic(olga_topic, 1))[:1]
        wants = next(line for line in card.text.splitlines() if line.startswith("Wants:"))
        assert "double charge" in wants, f"the card names her real problem, not only that she asked for a person: {wants}"

        # Wei (zh) asks for a person: only Li speaks Chinese, and her shift starts later; Wei hears that time.
        api.customer_sends_text(WEI, "我要转人工客服", first_name="Wei")
        [wei_told] = await api.wait_for_messages(WEI, 1)
        assert "Li" in wei_told.text and CLOCK_TIME.search(wei_told.text), wei_told.text
        assert (await handoff_of(bot, WEI)).status == "queued"
        wei_topic = await topic_of(bot, WEI)

        # Zofia (pl) asks for a person: Marta speaks Polish.
        api.customer_sends_text(ZOFIA, "Chcę porozmawiać z konsultantem", first_name="Zofia")
        [zofia_told] = await api.wait_for_messages(ZOFIA, 1)
        assert "Marta" in zofia_told.text, zofia_told.text
        zofia_topic = await topic_of(bot, ZOFIA)

        # A private note in Olga's topic stays with the team; then Marta writes to Olga, who replies to it.
        before = len(api.calls_to(OLGA))
        api.agent_sends_text(olga_topic, MARTA, NOTE)
        await until(lambda: in_topic(api, olga_topic, "Note kept"), "the note's confirmation")
        asked = api.agent_sends_text_for_id(olga_topic, MARTA, "Hi Olga, Marta here. Which order is it?")
        [*_, marta_says] = await api.wait_for_messages(OLGA, 3)
        assert marta_says.text == "Marta: Hi Olga, Marta here. Which order is it?"
        assert [c.method for c in api.calls_to(OLGA)[before:] if c.method != "sendChatAction"] == ["sendMessage"], \
            "the note reached nobody outside the team"
        api.customer_sends_text(OLGA, "It's #48213", first_name="Olga", reply_to=marta_says.message_id)
        quote = await until(lambda: [m for m in api.messages_in_topic(olga_topic) if "#48213" in m.text
                                     and "(customer)" in m.text], "Olga's answer in her topic")
        assert quote[-1].params["reply_parameters"]["message_id"] == asked, "the topic shows what she answered"

        # Marta answers Zofia in the group's General topic by mistake: told at once that it reached nobody.
        api.agent_sends_text(None, MARTA, "Hi Zofia, sorry for the wait, I'm checking your parcel now.")
        warning = await until(lambda: [m for m in api.messages_in_general() if "Zofia" in m.text
                                       and not m.text.startswith("Desk board")], "the went-nowhere note")
        assert "nobody" in warning[0].text, warning[0].text
        assert len(api.messages_to(ZOFIA)) == 1, "nothing reached Zofia from General"
        api.agent_sends_text(zofia_topic, MARTA, "Dzień dobry, sprawdzam Pani paczkę.")
        await api.wait_for_messages(ZOFIA, 2)

        # The queue: Marta's own list and the waiting customers; a transfer to Li, off shift, is refused.
        api.agent_sends_text(None, MARTA, "/mine")
        await until(lambda: [m for m in api.messages_in_general() if "Olga" in m.text and "Zofia" in m.text
                             and not m.text.startswith("Desk board")], "/mine")
        api.agent_sends_text(None, MARTA, "/queue")
        await until(lambda: [m for m in api.messages_in_general() if "Wei" in m.text
                             and not m.text.startswith("Desk board")], "/queue")
        api.agent_sends_text(wei_topic, MARTA, "/transfer li")
        refusal = await until(lambda: [m for m in api.messages_in_topic(wei_topic) if "Li" in m.text
                                       and "shift" in m.text], "the off-shift refusal")
        assert CLOCK_TIME.search(refusal[0].text), refusal[0].text
        assert len(api.messages_to(WEI)) == 1, "Wei heard nothing new: nothing changed for him"

        # Alex (en) sends a photo and asks for a person; Marta greets him, then his next message waits: Marta,
        # then the lead, are nudged, and Alex hears one honest time.
        api.customer_sends_photo(ALEX)
        await api.wait_for_messages(ALEX, 1)
        api.customer_sends_text(ALEX, "I need to speak to a human about this parcel")
        await api.wait_for_messages(ALEX, 2)
        alex_topic = await topic_of(bot, ALEX)
        await until(lambda: [c for c in api.copies if c.get("message_thread_id") == alex_topic], "the photo copied")
        api.agent_sends_text(alex_topic, MARTA, "Hi Alex, Marta here. I see your photo; one moment.")
        await api.wait_for_messages(ALEX, 3)
        api.customer_sends_text(ALEX, "Hello? Are you still there?")
        holding = await until(lambda: [t for t in texts_to(api, ALEX)[3:] if CLOCK_TIME.search(t)], "a holding time")
        assert "Marta" in holding[0], holding[0]
        await until(lambda: [m for m in api.messages_in_topic(alex_topic) if "Li" in m.text and any(
            e.get("type") == "text_mention" and int(e["user"]["id"]) == LI for e in m.params.get("entities") or [])],
            "the lead nudged by mention")
        api.agent_sends_text(alex_topic, MARTA, "Sorry Alex, I'm here now and looking at your photo.")
        await until(lambda: any(t.startswith("Marta: Sorry Alex") for t in texts_to(api, ALEX)), "Marta's answer")

        # Marta hands Olga back with a note; Olga thanks her and is asked once for a rating; then asks for Marta again.
        api.agent_sends_text(olga_topic, MARTA, "/resolve It was a bank hold on #48213; it drops off by Friday.")
        back = await until(lambda: [t for t in texts_to(api, OLGA) if "drops off by Friday" in t], "the handback")
        assert "Marta" in back[0]
        count = len(api.messages_to(OLGA))
        api.customer_sends_text(OLGA, "Thank you Marta, that helps!", first_name="Olga")
        [*_, thanks] = await api.wait_for_messages(OLGA, count + 1)
        assert thanks.params.get("reply_markup"), "asked for a rating, with buttons"
        api.customer_sends_text(OLGA, "I'd like to talk to Marta again", first_name="Olga")
        [*_, again] = await api.wait_for_messages(OLGA, count + 2)
        assert "Marta" in again.text, again.text
        reopened = await handoff_of(bot, OLGA)
        assert reopened.thread_id == olga_topic and reopened.previous_handoff_id is not None, "the same topic again"

        # Marta steps away and back: the board in General follows, edited in place.
        api.agent_sends_text(None, MARTA, "/away")
        board = await until(lambda: [m for m in api.messages_in_general() if m.text.startswith("Desk board")
                                     and "Away: Marta" in m.text], "the board showing Marta away")
        assert (GROUP, board[0].message_id) in api.pinned, "the board is pinned in General"
        api.agent_sends_text(None, MARTA, "/back")
        await until(lambda: [m for m in api.messages_in_general() if m.message_id == board[0].message_id
                             and "On shift: Marta" in m.text and "Away: Marta" not in m.text],
                    "the same board edited after /back")
        assert len([m for m in api.messages_in_general() if m.text.startswith("Desk board")]) == 1, "never re-posted"

        [(note,)] = await bot.query(select(CaseNote.text).where(CaseNote.author_user_id == MARTA))
        assert "pending hold" in note
        assert all("pending hold" not in text for chat in CUSTOMERS for text in texts_to(api, chat)), \
            "no customer ever saw the team's note"
        handoffs = await bot.query(select(Handoff.id))
        assert len(handoffs) == 5, "four customers' handoffs, and Olga's reopened one"
    finally:
        await bot.stop()
        api.stop()
        transcript = render_shift(api.journal, CUSTOMERS)
        (tmp_path / "shift.txt").write_text(transcript, encoding="utf-8")
        if target := os.environ.get("CANDOR_SHIFT_TRANSCRIPT"):
            Path(target).write_text(transcript, encoding="utf-8")
