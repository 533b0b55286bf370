"""The agents' desk as agents use it (issue 18, items 1 and 7), end to end: the real PTB client against the fake
Bot API, customers in private chats, two agents of different languages in a forum supergroup.

Marta (en, pl) gets the Polish customers, Li (zh, en) the Chinese ones: who holds a chat is known
without asking. What matters is what each person would notice: what reached the customer's chat
(every call to it), what the topic shows, and what the case keeps.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.policy.assignment import AgentProfile
from bot.storage.models import CaseNote, Flag, Message, TakeoverOffer
from bot.testing.fake_bot_api import AGENTS_GROUP, SentMessage
from knowledge import load_pack
from tests.e2e.running_bot import Bot
from tests.e2e.test_handoff import ALWAYS, answered_then_handed_off, handoff_of, start_bot, topic_of

pytestmark = pytest.mark.slow
GROUP = int(AGENTS_GROUP["id"])
MARTA, LI = 9101, 9102
POLISH_HANDOFF = "Chcę porozmawiać z konsultantem"
CHINESE_HANDOFF = "我要转人工客服"
AGENTS = load_pack().wording_for("en").agents
LI_NOTES = load_pack().wording_for("zh").agents


@pytest.fixture(scope="module")
async def bot(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Bot]:
    running = await start_bot(
        Path(tmp_path_factory.mktemp("desk_relay")),
        AgentProfile(MARTA, "Marta", "Customer care specialist", ("en", "pl"), True, "UTC", **ALWAYS, max_chats=20),
        AgentProfile(LI, "Li", "Payments specialist", ("zh", "en"), True, "UTC", **ALWAYS, max_chats=20),
    )
    yield running
    await running.stop()
    running.api.stop()


async def until(condition: Callable[[], object], what: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"waited {timeout} s for {what}"
        await asyncio.sleep(0.05)


async def handed_off(bot: Bot, chat_id: int, text: str = POLISH_HANDOFF, name: str = "Alex") -> int:
    """A customer handed off, their topic open with its card; returns the topic."""
    bot.api.customer_sends_text(chat_id, text, first_name=name)
    await bot.api.wait_for_messages(chat_id, 1)
    thread = await topic_of(bot, chat_id)
    await bot.api.wait_in_topic(thread, 1)
    return thread


def in_topic(bot: Bot, thread: int, containing: str) -> list[SentMessage]:
    """Posts in the topic with these words, the pinned card (which quotes the customer too) left out."""
    return [m for m in bot.api.messages_in_topic(thread) if containing in m.text and not m.text.startswith("Handoff #")]


def delivered(bot: Bot, chat_id: int) -> list[str]:
    """Every call that could put something in the customer's chat (all but the typing indicator), in order."""
    return [call.method for call in bot.api.calls_to(chat_id) if call.method != "sendChatAction"]


def copies_in_topic(bot: Bot, thread: int) -> list[dict[str, object]]:
    return [c for c in bot.api.copies_to(GROUP) if c.get("message_thread_id") == thread]


async def quote_of(bot: Bot, thread: int, words: str) -> SentMessage:
    """The customer's message as the topic shows it."""
    await until(lambda: in_topic(bot, thread, words), f"the quote of {words!r}")
    return in_topic(bot, thread, words)[-1]


# -- 1. private by default -------------------------------------------------------------------
async def test_a_note_never_reaches_the_customer_and_is_kept_with_the_case(bot: Bot) -> None:
    thread = await handed_off(bot, 8101)
    handoff = await handoff_of(bot, 8101)
    assert handoff.agent_user_id == MARTA
    before = len(delivered(bot, 8101))
    edits_before = sum(1 for call in bot.api.timeline if call.method == "editMessageText")

    bot.api.agent_sends_text(thread, MARTA, "!she was charged twice, check with payments first")
    bot.api.agent_sends_text(thread, MARTA, "/note refund approved by the lead")
    bot.api.agent_sends_photo(thread, MARTA, caption="!receipt from her bank")
    await until(lambda: len(in_topic(bot, thread, AGENTS.note_kept)) == 3, "three notes confirmed")

    notes = [row for (row,) in await bot.query(select(CaseNote).where(CaseNote.handoff_id == handoff.id))]
    assert sorted(n.text for n in notes) == ["receipt from her bank", "refund approved by the lead",
                                             "she was charged twice, check with payments first"]
    assert {n.author_name for n in notes} == {"Marta"}
    await until(lambda: sum(1 for call in bot.api.timeline if call.method == "editMessageText") > edits_before,
                "the card refreshed to show the notes")

    bot.api.agent_sends_text(thread, MARTA, "Dzień dobry, już to sprawdzam.")
    [*_, said] = await bot.api.wait_for_messages(8101, 2)
    assert said.text == "Marta: Dzień dobry, już to sprawdzam."
    assert delivered(bot, 8101)[before:] == ["sendMessage"], "only the one real message reached the customer"
    assert not bot.api.copies_to(8101), "the noted photo was not copied to the customer"
    for message in bot.api.messages_to(8101):
        assert "charged twice" not in message.text and "approved" not in message.text and "receipt" not in message.text
    transcript = " ".join(m.text for m in await bot.stored(8101))
    assert "charged twice" not in transcript and "approved by the lead" not in transcript
    assert "receipt from her bank" not in transcript


async def test_a_customer_typing_note_gets_the_polite_refusal(bot: Bot) -> None:
    await handed_off(bot, 8109)
    bot.api.customer_sends_text(8109, "/note let me in")
    [_, refusal] = await bot.api.wait_for_messages(8109, 2)
    assert refusal.text == load_pack().wording_for("pl").handoff.not_for_customers
    assert not await bot.query(select(CaseNote).where(CaseNote.handoff_id == (await handoff_of(bot, 8109)).id))


async def test_a_colleagues_words_stay_in_the_topic_and_they_are_asked_once_privately(bot: Bot) -> None:
    thread = await handed_off(bot, 8102, name="Ola")
    handoff = await handoff_of(bot, 8102)
    assert handoff.agent_user_id == MARTA
    bot.api.agent_sends_text(thread, LI, "Yes, it's a hold, it drops off in 3 days. Don't refund it", first_name="Li")
    await until(lambda: bot.api.messages_to(LI), "Li asked privately")
    [asked] = bot.api.messages_to(LI)
    assert asked.text == LI_NOTES.not_yours.format(agent="Li", customer="Ola", owner="Marta")
    assert "/take" in asked.text

    bot.api.agent_sends_text(thread, LI, "she gets paid twice otherwise", first_name="Li")
    deadline = time.monotonic() + 60
    while len(await notes_of(bot, handoff.id)) < 2:
        assert time.monotonic() < deadline, "Li's second message was not kept"
        await asyncio.sleep(0.05)
    assert [n.author_name for n in await notes_of(bot, handoff.id)] == ["Li", "Li"]
    assert len(bot.api.messages_to(LI)) == 1, "asked once per handoff, not once per message"
    assert len(await bot.query(select(TakeoverOffer).where(TakeoverOffer.handoff_id == handoff.id))) == 1
    assert delivered(bot, 8102) == ["sendMessage"], "only the handoff notice"
    assert not in_topic(bot, thread, "Li:"), "nothing of Li's is posted as if sent"

    bot.api.agent_sends_text(thread, LI, "/take", first_name="Li")
    await bot.api.wait_for_messages(8102, 2)
    bot.api.agent_sends_text(thread, LI, "Hello Ola, I have your payment in front of me.", first_name="Li")
    [*_, said] = await bot.api.wait_for_messages(8102, 3)
    assert said.text == "Li: Hello Ola, I have your payment in front of me.", "after /take, Li's words reach her"


async def notes_of(bot: Bot, handoff_id: int) -> list[CaseNote]:
    return [row for (row,) in await bot.query(select(CaseNote).where(CaseNote.handoff_id == handoff_id)
                                              .order_by(CaseNote.id))]


async def test_a_colleague_who_never_started_the_bot_is_asked_in_the_topic(bot: Bot) -> None:
    thread = await handed_off(bot, 8103)
    assert (await handoff_of(bot, 8103)).agent_user_id == MARTA
    bot.api.refuse_private_chat(LI)
    try:
        bot.api.agent_sends_text(thread, LI, "I think this is a duplicate charge", first_name="Li")
        expected = LI_NOTES.not_yours.format(agent="Li", customer="Alex", owner="Marta")
        await until(lambda: in_topic(bot, thread, expected), "Li asked in the topic")
    finally:
        bot.api.never_started.discard(LI)
    [asked] = in_topic(bot, thread, expected)
    assert asked.params.get("reply_parameters"), "addressed to Li's message"
    assert delivered(bot, 8103) == ["sendMessage"], "only the handoff notice"


async def test_a_reply_written_outside_any_topic_is_caught_and_colleagues_chat_is_not(bot: Bot) -> None:
    await handed_off(bot, 8104, name="Zofia")
    assert (await handoff_of(bot, 8104)).agent_user_id == MARTA

    def general() -> list[SentMessage]:
        return [m for m in bot.api.messages_in_general() if not m.text.startswith("Desk board")]

    bot.api.agent_sends_text(None, MARTA, "lunch?")
    bot.api.agent_sends_text(None, MARTA, "Who has the Polish chats today?")
    bot.api.agent_sends_text(None, MARTA, "Hi Zofia, sorry for the wait, your refund left us yesterday.")
    await until(general, "the note in General")
    [note] = general()
    assert note.text.startswith("Marta, this was written outside any customer's topic, so nobody received it.")
    assert "Zofia" in note.text and note.params.get("reply_parameters"), note.text
    assert len(bot.api.messages_to(8104)) == 1, "nothing reached the customer"


# -- 7. Telegram as agents use it --------------------------------------------------------------
async def test_reply_to_is_kept_both_ways(bot: Bot) -> None:
    thread = await handed_off(bot, 8105)
    asked = bot.api.customer_sends_text_for_id(8105, "Zamówienie 5512 nadal nie dotarło")
    quote = await quote_of(bot, thread, "Zamówienie 5512")

    mine = bot.api.agent_sends_text_for_id(thread, MARTA, "Sprawdzam przesyłkę 5512.", reply_to=quote.message_id)
    [*_, answer] = await bot.api.wait_for_messages(8105, 2)
    assert answer.text == "Marta: Sprawdzam przesyłkę 5512."
    assert answer.params["reply_parameters"]["message_id"] == asked, "the customer sees which message was answered"

    bot.api.customer_sends_text(8105, "Dziękuję, czekam", reply_to=answer.message_id)
    back = await quote_of(bot, thread, "Dziękuję, czekam")
    assert back.params["reply_parameters"]["message_id"] == mine, "the topic shows which of Marta's it answers"

    bot.api.agent_sends_text(thread, MARTA, "Bez odpowiedzi na nic.")
    [*_, plain] = await bot.api.wait_for_messages(8105, 3)
    assert "reply_parameters" not in plain.params, "a topic message is not a reply just for being in a topic"


async def test_edits_are_synced_both_ways_in_place_and_marked(bot: Bot) -> None:
    thread = await handed_off(bot, 8106)
    said = bot.api.agent_sends_text_for_id(thread, MARTA, "Zwrot wyszedł w poniedziałek.")
    [_, copy] = await bot.api.wait_for_messages(8106, 2)
    bot.api.agent_edits_text(thread, MARTA, said, "Zwrot wyszedł we wtorek.")
    await until(lambda: any(int(e["chat_id"]) == 8106 for e in bot.api.edits), "the customer's copy edited")
    [edit] = [e for e in bot.api.edits if int(e["chat_id"]) == 8106]
    assert int(edit["message_id"]) == copy.message_id
    assert bot.api.messages_to(8106)[-1].text == "Marta: Zwrot wyszedł we wtorek.\n(edytowano)"
    assert len(bot.api.messages_to(8106)) == 2, "edited in place, not sent again"
    deadline = time.monotonic() + 60
    while (stored := [m.text for m in await bot.stored(8106) if m.sender == "agent"]) != ["Zwrot wyszedł we wtorek."]:
        assert time.monotonic() < deadline, f"the transcript keeps what the customer now sees, not {stored}"
        await asyncio.sleep(0.05)

    written = bot.api.customer_sends_text_for_id(8106, "Numer zamówienia 7781")
    quote = await quote_of(bot, thread, "Numer zamówienia 7781")
    bot.api.customer_edits(8106, written, "Numer zamówienia 7718")
    await until(lambda: in_topic(bot, thread, "7718"), "the quote edited")
    [edited] = in_topic(bot, thread, "7718")
    assert edited.message_id == quote.message_id, "the quote changed in place"
    assert edited.text == "Alex (customer) wrote (edited):\nNumer zamówienia 7718"
    assert not in_topic(bot, thread, "7781")

    photo = bot.api.agent_sends_photo(thread, MARTA, caption="Etykieta zwrotna")
    await until(lambda: bot.api.copies_to(8106), "the photo copied")
    bot.api.agent_edits_caption(thread, MARTA, photo, "Etykieta zwrotna, wydrukuj ją")
    await until(lambda: bot.api.copies_to(8106)[0].get("caption") != "Marta: Etykieta zwrotna", "the caption edited")
    assert bot.api.copies_to(8106)[0]["caption"] == "Marta: Etykieta zwrotna, wydrukuj ją\n(edytowano)"
    assert len(bot.api.copies_to(8106)) == 1


async def test_an_edit_telegram_refuses_goes_as_a_correction_and_the_transcript_keeps_both(bot: Bot) -> None:
    thread = await handed_off(bot, 8111)
    said = bot.api.agent_sends_text_for_id(thread, MARTA, "Kurier przyjedzie w środę.")
    await bot.api.wait_for_messages(8111, 2)
    bot.api.too_old_to_edit.add(8111)
    bot.api.agent_edits_text(thread, MARTA, said, "Kurier przyjedzie w czwartek.")
    [*_, corrected] = await bot.api.wait_for_messages(8111, 3)
    assert corrected.text == "Marta poprawia wcześniejszą wiadomość: Kurier przyjedzie w czwartek."
    assert bot.api.messages_to(8111)[1].text == "Marta: Kurier przyjedzie w środę.", "what was sent stays as it was"
    stored = [m.text for m in await bot.stored(8111) if m.sender == "agent"]
    assert stored == ["Kurier przyjedzie w środę.", "(corrected) Kurier przyjedzie w czwartek."]


async def test_media_go_as_one_message_with_the_senders_name_both_ways(bot: Bot) -> None:
    thread = await handed_off(bot, 8107, name="Ewa")
    bot.api.agent_sends_photo(thread, MARTA, caption="Tak wygląda etykieta")
    bot.api.agent_sends_voice(thread, MARTA)
    bot.api.agent_sends_document(thread, MARTA, caption="Faktura")
    await until(lambda: len(bot.api.copies_to(8107)) == 3, "three copies to the customer")
    assert sorted(str(c["caption"]) for c in bot.api.copies_to(8107)) == [
        "Marta", "Marta: Faktura", "Marta: Tak wygląda etykieta"]
    assert len(bot.api.messages_to(8107)) == 1, "no bare 'Marta:' message beside the media"

    bot.api.customer_sends_photo(8107, caption="zdjęcie paczki")
    bot.api.customer_sends_voice(8107, first_name="Ewa")
    bot.api.customer_sends_document(8107, caption="paragon", first_name="Ewa")
    await until(lambda: len(copies_in_topic(bot, thread)) == 3, "three copies in the topic")
    captions = sorted(str(c["caption"]) for c in copies_in_topic(bot, thread))
    assert captions == ["Alex (customer): zdjęcie paczki", "Ewa (customer)", "Ewa (customer): paragon"]
    assert not in_topic(bot, thread, "sent this"), "one message each, not a header and a copy"


async def test_flag_means_the_bot_message_the_agent_points_at(bot: Bot) -> None:
    thread = await answered_then_handed_off(bot, 8108)
    handoff = await handoff_of(bot, 8108)
    holder = handoff.agent_user_id
    assert holder is not None
    shown = await quote_of(bot, thread, "Candor (bot) answered:")
    [(answer,)] = await bot.query(select(Message).where(Message.conversation_id == handoff.conversation_id,
                                                        Message.sender == "bot").order_by(Message.id).limit(1))
    assert answer.move != "hand_off" and answer.text in shown.text

    async def flagged(note: str, reply_to: int | None) -> Flag:
        bot.api.agent_sends_text(thread, holder, f"/flag {note}", reply_to=reply_to)
        await until(lambda: in_topic(bot, thread, note), f"the flag {note!r} confirmed")
        [(row,)] = await bot.query(select(Flag).where(Flag.note == note))
        return row

    assert (await flagged("no reply: the last answer", None)).message_id == answer.id, "not the handoff notice"
    assert (await flagged("this very answer", shown.message_id)).message_id == answer.id
    assert (await flagged("from the card", handoff.card_message_id)).message_id == answer.id
    bot.api.customer_sends_text(8108, "Are you there?")
    quote = await quote_of(bot, thread, "Are you there?")
    assert (await flagged("about the quote", quote.message_id)).message_id == answer.id, (
        "the bot did not answer this one (a person has the chat): its last answer stands")


async def test_a_queued_handoff_goes_to_the_first_agent_who_writes(tmp_path: Path) -> None:
    later = (dt.datetime.now(dt.UTC) + dt.timedelta(hours=3)).hour
    hours = f"{later:02d}:00-{(later + 1) % 24:02d}:00" if later < 23 else "23:00-24:00"
    running = await start_bot(tmp_path, AgentProfile(MARTA, "Marta", "Customer care specialist", ("en", "pl"), True,
                                                     "UTC", hours, "mon-sun", (), 3))
    try:
        thread = await handed_off(running, 8110)
        assert (await handoff_of(running, 8110)).status == "queued"
        running.api.agent_sends_text(thread, MARTA, "Dzień dobry, zajmę się tym od razu.")
        [_, said] = await running.api.wait_for_messages(8110, 2)
        assert said.text == "Marta: Dzień dobry, zajmę się tym od razu."
        taken = await handoff_of(running, 8110)
        assert (taken.status, taken.agent_user_id) == ("active", MARTA)
    finally:
        await running.stop()
        running.api.stop()
