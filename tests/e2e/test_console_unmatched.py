"""The console's Unmatched page over real HTTP: what is listed, the filters, adding an example, undoing it."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import update

from bot.storage.conversations import ConversationRepository
from bot.storage.models import Message
from knowledge.pack import CONTENT_DIR, load_pack
from nlu.types import Analysis, EmotionScores
from tests.conftest import query_rows
from tests.e2e.console_server import ConsoleServer, csrf_of, sign_in, visitor

pytestmark = pytest.mark.slow
CLARIFIED = "asked one question: no topic reached the confidence floor (gift_card 0.38, product_question 0.23)"


async def customer_asks(console: ConsoleServer, chat: str, language: str, text: str, move: str, why: str,
                        day: dt.date) -> int:
    """A customer's message and the bot's reply to it, stored as the bot stores them, sent on ``day``."""
    async with console.database.session() as session:
        conversations = ConversationRepository(session)
        ref = await conversations.open_conversation("telegram", chat, "Customer")
        analysis = Analysis(language, EmotionScores.from_mapping({"neutral": 0.9}), ("neutral",), model_version="test")
        message_id = await conversations.add_customer_message(ref, "text", text, analysis, None)
        await conversations.add_bot_message(ref.conversation_id, "Could you tell me more?", move, why)
        sent = dt.datetime.combine(day, dt.time(12), tzinfo=dt.UTC)
        await session.execute(update(Message).where(Message.id == message_id).values(created_at=sent))
    return message_id


async def test_every_message_the_bot_could_not_place_is_listed_with_two_scores_and_filtered(
    console: ConsoleServer,
) -> None:
    mug = await customer_asks(console, "501", "en", "Will the mug survive a dishwasher?", "clarify", CLARIFIED,
                              dt.date(2026, 11, 20))
    polish = await customer_asks(console, "502", "pl", "Czy macie program lojalnościowy?", "unknown",
                                 "said honestly it does not know: no topic after a clarifying question",
                                 dt.date(2026, 11, 27))
    await customer_asks(console, "503", "en", "Where is my refund?", "answer", "answered from topic refund",
                        dt.date(2026, 11, 27))
    async with visitor(console) as browser:
        assert (await browser.get("/knowledge/unmatched")).status_code != 200, "signed out, the sign-in page"
        await sign_in(browser)
        page = (await browser.get("/knowledge/unmatched")).text
        assert "Will the mug survive a dishwasher?" in page and "Czy macie program lojalnościowy?" in page
        assert "Where is my refund?" not in page, "a message the bot answered from a topic is not unmatched"
        mug_row = _row(page, mug)
        assert "gift_card 0.38" in mug_row and "product_question 0.23" in mug_row
        assert '<option value="gift_card" selected>' in mug_row, "the closest topic is chosen already"
        assert "said it does not know" in _row(page, polish)

        polish_only = (await browser.get("/knowledge/unmatched", params={"language": "pl"})).text
        assert f'id="message-{polish}"' in polish_only and f'id="message-{mug}"' not in polish_only
        assert 'value="pl" selected' in polish_only
        week = (await browser.get("/knowledge/unmatched", params={"since": "2026-11-19", "until": "2026-11-20"})).text
        assert f'id="message-{mug}"' in week and f'id="message-{polish}"' not in week


async def test_one_click_adds_the_message_as_an_example_marks_it_handled_and_undo_takes_it_back(
    console: ConsoleServer,
) -> None:
    mug = await customer_asks(console, "501", "en", "Will the mug survive a dishwasher?", "clarify", CLARIFIED,
                              dt.date(2026, 11, 20))
    original = load_pack(CONTENT_DIR).topic("product_question", "en")
    async with visitor(console) as browser:
        await sign_in(browser)
        csrf = await csrf_of(browser, "/knowledge/unmatched")
        form = {"csrf": csrf, "topic": "product_question", "language": "en"}
        unsigned = await browser.post(f"/knowledge/unmatched/{mug}/example", data={**form, "csrf": "wrong"})
        assert unsigned.status_code == 403
        added = await browser.post(f"/knowledge/unmatched/{mug}/example", data=form)
        assert added.status_code == 303
        assert added.headers["location"] == f"/knowledge/unmatched?language=en&added={mug}#message-{mug}"
        topic = load_pack(console.content).topic("product_question", "en")
        assert topic is not None and topic.examples[-1] == "Will the mug survive a dishwasher?"
        assert query_rows(console.database_url, "select language, path, trainer from content_versions") == [
            ("en", "product_question", "anna")]
        assert query_rows(console.database_url, "select message_id, topic_id from handled_unmatched") == [
            (mug, "product_question")]

        page = (await browser.get(added.headers["location"])).text
        assert "Added to product_question" in _row(page, mug)
        assert f"Added message {mug} to topic product_question (en)" in page
        undo = re.search(r'action="(/knowledge/versions/\d+/revert)"', page)
        assert undo is not None
        reverted = await browser.post(undo.group(1), data={"csrf": csrf, "back": f"/knowledge/unmatched#message-{mug}"})
        assert reverted.status_code == 303 and reverted.headers["location"] == f"/knowledge/unmatched#message-{mug}"
    assert load_pack(console.content).topic("product_question", "en") == original


async def test_a_topic_the_messages_language_lacks_is_refused_with_the_reason_and_nothing_is_written(
    console: ConsoleServer,
) -> None:
    mug = await customer_asks(console, "501", "en", "Will the mug survive a dishwasher?", "clarify", CLARIFIED,
                              dt.date(2026, 11, 20))
    before = (console.content / "en" / "topics.yaml").read_text(encoding="utf-8")
    async with visitor(console) as browser:
        await sign_in(browser)
        csrf = await csrf_of(browser, "/knowledge/unmatched")
        refused = await browser.post(f"/knowledge/unmatched/{mug}/example", data={"csrf": csrf, "topic": "no_such"})
        assert refused.status_code == 400 and "Not added: The pack has no topic &#39;no_such&#39; in en" in refused.text
        placed = await browser.post("/knowledge/unmatched/1/example", data={"csrf": csrf, "topic": "refund"})
        assert placed.status_code == 404, "the seeded message was answered, not unmatched"
    assert (console.content / "en" / "topics.yaml").read_text(encoding="utf-8") == before
    assert query_rows(console.database_url, "select count(*) from content_versions") == [(0,)]
    assert query_rows(console.database_url, "select count(*) from handled_unmatched") == [(0,)]


def _row(page: str, message_id: int) -> str:
    start = page.index(f'id="message-{message_id}"')
    return page[start:page.index("</tr>", start)]


async def test_after_undo_the_row_no_longer_says_added_and_the_message_waits_again(console: ConsoleServer) -> None:
    mug = await customer_asks(console, "501", "en", "Will the mug survive a dishwasher?", "clarify", CLARIFIED,
                              dt.date(2026, 11, 20))
    async with visitor(console) as browser:
        await sign_in(browser)
        csrf = await csrf_of(browser, "/knowledge/unmatched")
        added = await browser.post(f"/knowledge/unmatched/{mug}/example",
                                   data={"csrf": csrf, "topic": "product_question"})
        page = (await browser.get(added.headers["location"])).text
        undo = re.search(r'action="(/knowledge/versions/\d+/revert)"', page)
        assert undo is not None
        reverted = await browser.post(undo.group(1), data={"csrf": csrf, "back": f"/knowledge/unmatched#message-{mug}"})
        after = (await browser.get(reverted.headers["location"])).text
    assert "Added to" not in _row(after, mug), "the example was taken back out of the topic"
    assert query_rows(console.database_url, "select count(*) from handled_unmatched") == [(0,)]


async def test_taking_a_taught_example_out_on_the_topic_page_puts_the_message_back_among_those_waiting(
    console: ConsoleServer,
) -> None:
    mug = await customer_asks(console, "501", "en", "Will the mug survive a dishwasher?", "clarify", CLARIFIED,
                              dt.date(2026, 11, 20))
    async with visitor(console) as browser:
        await sign_in(browser)
        csrf = await csrf_of(browser, "/knowledge/unmatched")
        await browser.post(f"/knowledge/unmatched/{mug}/example", data={"csrf": csrf, "topic": "product_question"})
        topic = load_pack(console.content).topic("product_question", "en")
        assert topic is not None
        kept = "\n".join([*topic.examples[:-1], "will the mug   SURVIVE a dishwasher?"])
        await browser.post("/knowledge/topics/product_question/examples",
                           data={"csrf": csrf, "language": "en", "examples": kept})
        assert "Added to product_question" in _row((await browser.get("/knowledge/unmatched")).text, mug), (
            "the same question in other case and spacing is still taught")
        await browser.post("/knowledge/topics/product_question/examples",
                           data={"csrf": csrf, "language": "en", "examples": "\n".join(topic.examples[:-1])})
        page = (await browser.get("/knowledge/unmatched")).text
    assert "Added to" not in _row(page, mug)
    assert query_rows(console.database_url, "select count(*) from handled_unmatched") == [(0,)]
