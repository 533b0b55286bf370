"""The wording editor's Preview over real HTTP: the draft filled in, in four languages, replayed on past replies.

Past conversations are stored in the console's real database as the bot stores them: the customer's
message, then the bot's reply built from the shipped texts with that customer's order and time.
"""

from __future__ import annotations

import html
import re

import httpx
from sqlalchemy import func, select

from bot.storage.conversations import ConversationRepository
from bot.storage.models import ContentVersion
from knowledge import fill
from knowledge.pack import load_pack
from nlu.types import Analysis, EmotionScores
from tests.e2e.console_server import CSRF, ConsoleServer, sign_in

EDIT = "/knowledge/en/topics.yaml/edit"
PATH = "double_charge.next_step"
DRAFT = ("Now: our payments team checks both charges on order {order_ref} again.\n"
         "When: the person who checked writes to you here {deadline}.")
EN_DEADLINE = "by 15:00 UTC on Thu 3 Dec"
RU_DEADLINE = "до 15:00 (UTC), чт 3 декабря"


async def past_reply(console: ConsoleServer, chat: str, language: str, order: str, deadline: str) -> int:
    """A conversation whose bot reply used double_charge's next step, filled as the bot fills it."""
    pack = load_pack(console.content)
    topic = pack.topic("double_charge", language)
    assert topic is not None
    step = fill(topic.next_step, "topics.double_charge.next_step", language, order_ref=order, deadline=deadline)
    async with console.database.session() as session:
        conversations = ConversationRepository(session)
        ref = await conversations.open_conversation("telegram", chat, "Customer")
        await conversations.set_language(ref, language)
        analysis = Analysis(language, EmotionScores.from_mapping({"neutral": 0.9}), ("neutral",), model_version="test")
        await conversations.add_customer_message(ref, "text", f"charged twice for {order}", analysis, 1)
        await conversations.add_bot_message(ref.conversation_id, f"{topic.answer}\n\n{step}", "answer",
                                             "answered from topic double_charge")
        return ref.conversation_id


def text_of(fragment: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", fragment))


def section(page: str, element_id: str) -> str:
    found = re.search(rf'id="{element_id}".*?</section>', page, re.DOTALL)
    assert found is not None, f"no #{element_id} on the page"
    return text_of(found.group(0))


async def test_preview_fills_the_draft_from_a_past_reply_in_every_language_and_saves_nothing(
    console: ConsoleServer,
) -> None:
    english = await past_reply(console, "501", "en", "#50005", EN_DEADLINE)
    russian = await past_reply(console, "502", "ru", "#50012", RU_DEADLINE)
    topics = console.content / "en" / "topics.yaml"
    before = topics.read_text(encoding="utf-8")
    async with httpx.AsyncClient(base_url=console.url, timeout=60) as client:
        await sign_in(client)
        token = CSRF.search((await client.get(EDIT, params={"path": PATH})).text)
        assert token is not None
        form = {"csrf": token.group(1), "path": PATH, "text": DRAFT}
        shown = await client.post(EDIT, data={**form, "action": "preview"})

        assert shown.status_code == 200
        en = section(shown.text, "language-en")
        assert "your draft" in en and "Now: our payments team checks both charges on order #50005 again. When:" in en
        assert f"writes to you here {EN_DEADLINE}." in en, "that customer's promised time"
        assert "bot reads the line breaks in this draft as spaces" in text_of(shown.text), "as the bot will send it"
        assert f"conversation #{english}" in en
        ru = section(shown.text, "language-ru")
        assert "as it is now" in ru and "#50012" in ru and RU_DEADLINE in ru and f"conversation #{russian}" in ru
        for language in ("pl", "zh"):
            column = section(shown.text, f"language-{language}")
            assert "as it is now" in column and "#50001" in column, "no past reply: sample values, labelled"
            assert "sample values" in column

        replayed = re.search(rf'<li class="replay changes" id="replay-{english}">.*?</li>', shown.text, re.DOTALL)
        assert replayed is not None, "the English conversation is replayed and marked as changing"
        assert "When: you'll hear the result here" in text_of(replayed.group(0)), "what the customer got then"
        assert "checks both charges on order #50005 again" in text_of(replayed.group(0)), "what they would get with the draft"
        assert f"replay-{russian}" not in shown.text, "only conversations in the edited language are replayed"

    assert topics.read_text(encoding="utf-8") == before, "Preview writes nothing"
    async with console.database.session() as session:
        assert await session.scalar(select(func.count()).select_from(ContentVersion)) == 0


async def test_preview_says_plainly_when_no_past_conversation_used_the_text(console: ConsoleServer) -> None:
    async with httpx.AsyncClient(base_url=console.url, timeout=60) as client:
        await sign_in(client)
        token = CSRF.search((await client.get(EDIT, params={"path": "refund.reassurance"})).text)
        assert token is not None
        shown = await client.post(EDIT, data={"csrf": token.group(1), "path": "refund.reassurance", "action": "preview",
                                              "text": "Your refund is safe: {shop_name} never keeps money it owes."})
    assert "No past conversation in en used this text" in text_of(shown.text)
    en = section(shown.text, "language-en")
    assert "Your refund is safe: Example Shop never keeps money it owes." in en, "the shop's name from shop.yaml"
    assert "composed as the bot's first answer on topic refund to a customer who feels anxiety" in en


async def test_preview_keeps_the_line_breaks_of_a_wording_text_inside_the_composed_reply(console: ConsoleServer) -> None:
    edit, path = "/knowledge/en/wording.yaml/edit", "acknowledgements.anxiety.mild"
    async with httpx.AsyncClient(base_url=console.url, timeout=60) as client:
        await sign_in(client)
        token = CSRF.search((await client.get(edit, params={"path": path})).text)
        assert token is not None
        shown = await client.post(edit, data={"csrf": token.group(1), "path": path, "action": "preview",
                                              "text": "I can see why {problem} worries you.\r\nHere is what I know."})
    en = section(shown.text, "language-en")
    assert "I can see why the double charge on your card worries you.\nHere is what I know.\n\n" in en
    assert "When a card shows two charges for one order" in en, "the rest of the answer is composed around it"
    assert "preview-note" not in shown.text


async def test_preview_of_a_draft_the_bot_cannot_fill_shows_its_findings_and_the_field_left_open(
    console: ConsoleServer,
) -> None:
    async with httpx.AsyncClient(base_url=console.url, timeout=60) as client:
        await sign_in(client)
        token = CSRF.search((await client.get(EDIT, params={"path": PATH})).text)
        assert token is not None
        shown = await client.post(EDIT, data={"csrf": token.group(1), "path": PATH, "action": "preview",
                                              "text": "{customer_name}, we check order {order_ref} {deadline}."})
    en = section(shown.text, "language-en")
    assert "finding" in en and "{customer_name} is not a field this text can use" in en
    assert '<span class="field missing"' in shown.text


async def test_a_conversation_answered_before_an_edit_is_still_replayed_from_the_older_wording(
    console: ConsoleServer,
) -> None:
    earlier = await past_reply(console, "503", "en", "#50006", EN_DEADLINE)
    saved_text = "Now: our payments team checks both charges on order {order_ref}. When: they write to you {deadline}."
    async with httpx.AsyncClient(base_url=console.url, timeout=60) as client:
        await sign_in(client)
        token = CSRF.search((await client.get(EDIT, params={"path": PATH})).text)
        assert token is not None
        form = {"csrf": token.group(1), "path": PATH}
        saved = await client.post(EDIT, data={**form, "text": saved_text, "action": "save"})
        assert saved.status_code == 200 and "Saved." in saved.text
        shown = await client.post(EDIT, data={**form, "text": DRAFT, "action": "preview"})
    replayed = re.search(rf'<li class="replay changes" id="replay-{earlier}">.*?</li>', shown.text, re.DOTALL)
    assert replayed is not None, "found by the wording it was sent with, before the edit"
    assert "checks both charges on order #50006 again" in text_of(replayed.group(0))
