"""Feelings in context through the real turn pipeline and the real model: what the customer is told, and what the
bot stores (each message's own scores, and the scores in context its reply was decided on)."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import update

from bot.policy.escalation import EscalationReason, EscalationRules
from bot.policy.feelings import feelings_in_words
from bot.policy.feelings_in_context import CONTEXT_WINDOW
from bot.policy.model import CustomerTurn, Move, Reply, TurnKind
from bot.runtime import build_topic_index
from bot.service.customer import CustomerRef
from bot.service.support import SupportService
from bot.storage.conversations import ConversationRepository, StoredMessage
from bot.storage.database import Database, upgrade_schema_async
from bot.storage.handoffs import HandoffRepository
from bot.storage.models import Message, utc_now
from knowledge import load_pack
from knowledge.retrieval import TopicIndex
from nlu.model import default_model_dir
from nlu.runtime import EmotionAnalyzer
from tests.conftest import database_url

pytestmark = pytest.mark.slow
PACK = load_pack()
START = dt.datetime(2026, 11, 30, 10, 0, tzinfo=dt.UTC)
COMPLAINT = "This is ridiculous, my parcel is a week late and nobody answers!"
FURIOUS = "I am furious, this is the third time I'm writing about order #48213, absolutely useless!"
ENDINGS = (Move.END, Move.CLOSE)


class Chat:
    def __init__(self, service: SupportService, database: Database, customer: CustomerRef) -> None:
        self.service, self.database, self.customer = service, database, customer

    async def say(self, text: str) -> Reply:
        return await self.service.handle(self.customer, CustomerTurn(TurnKind.TEXT, text=text))

    async def customer_messages(self) -> list[StoredMessage]:
        async with self.database.session() as session:
            stored = await ConversationRepository(session).messages_of(self.customer.channel, self.customer.external_id)
        return [message for message in stored if message.sender == "customer"]


@pytest.fixture(scope="module")
async def model() -> AsyncIterator[tuple[EmotionAnalyzer, TopicIndex]]:
    analyzer = await EmotionAnalyzer.load(default_model_dir())
    yield analyzer, await build_topic_index(PACK, analyzer)
    await analyzer.close()


@pytest.fixture
async def database(tmp_path: Path) -> AsyncIterator[Database]:
    url = database_url(tmp_path, "feelings")
    await upgrade_schema_async(url)
    database = Database(url)
    yield database
    await database.dispose()


def chat(model: tuple[EmotionAnalyzer, TopicIndex], database: Database, rules: EscalationRules,
         external_id: str) -> Chat:
    analyzer, index = model
    service = SupportService(database, analyzer, PACK, index, now=lambda: START, rules=rules)
    return Chat(service, database, CustomerRef("telegram", external_id, "Olga"))


async def complained(model: tuple[EmotionAnalyzer, TopicIndex], database: Database, external_id: str) -> Chat:
    """A customer who complained about a late parcel and gave its order number (the bot committed to a time)."""
    customer = chat(model, database, EscalationRules(), external_id)
    await customer.say(COMPLAINT)
    await customer.say("#48213")
    return customer


async def test_ok_after_two_angry_messages_is_not_read_as_calm_or_as_the_end(
    model: tuple[EmotionAnalyzer, TopicIndex], database: Database,
) -> None:
    # The feeling rule is off so that the bot, not a person, answers the third message: two very angry
    # messages in a row would hand the conversation over before the "ok".
    rules = EscalationRules(enabled=frozenset(EscalationReason) - {EscalationReason.HIGH_EMOTION})
    olga = chat(model, database, rules, "801")
    await olga.say(COMPLAINT)
    answered = await olga.say(FURIOUS)
    assert answered.move is Move.ANSWER and "#48213" in answered.text
    reply = await olga.say("ok")
    assert reply.move not in ENDINGS and not reply.buttons, reply.text
    assert "welcome" not in reply.text.lower() and "glad" not in reply.text.lower(), reply.text
    assert "#48213" in reply.text, "the reply stays on the customer's case"

    *_, ok = await olga.customer_messages()
    assert ok.text == "ok" and ok.scores is not None and ok.scores["anger"] < 0.3, "its own score: calm"
    assert ok.in_context is not None and ok.in_context.scores.anger >= 0.7 and "anger" in ok.in_context.labels
    assert ok.in_context.reason == "anger carried from the two earlier messages"
    async with database.session() as session:
        ref = await ConversationRepository(session).open_conversation("telegram", "801", "Olga")
        card = await HandoffRepository(session).card_context(ref.conversation_id)
    assert feelings_in_words(card.trajectory).startswith("angry"), "an agent taking over is not told 'calmer now'"


async def test_sarcastic_thanks_after_a_complaint_is_not_thanked_and_meant_thanks_is(
    model: tuple[EmotionAnalyzer, TopicIndex], database: Database,
) -> None:
    olga = await complained(model, database, "802")
    sarcastic = await olga.say("great service, thanks")
    assert sarcastic.move not in ENDINGS and not sarcastic.buttons, sarcastic.text
    assert "welcome" not in sarcastic.text.lower() and "glad" not in sarcastic.text.lower(), sarcastic.text
    *_, stored = await olga.customer_messages()
    assert stored.scores is not None and stored.scores["positive"] > 0.8, "alone, the model reads it as praise"
    assert stored.in_context is not None and stored.in_context.scores.positive == 0.0
    assert stored.in_context.labels == ("anger",) and "sarcasm" in stored.in_context.reason

    pawel = await complained(model, database, "803")
    meant = await pawel.say("Thank you, that solved it!")
    assert meant.move is Move.CLOSE and meant.buttons, "a real thank-you still ends with the rating"
    *_, thanks = await pawel.customer_messages()
    assert thanks.in_context is not None and not thanks.in_context.changed


async def test_an_ok_more_than_half_an_hour_after_the_anger_is_read_on_its_own(
    model: tuple[EmotionAnalyzer, TopicIndex], database: Database,
) -> None:
    olga = await complained(model, database, "804")
    async with database.session() as session:
        await session.execute(update(Message).values(created_at=utc_now() - CONTEXT_WINDOW - dt.timedelta(minutes=1)))
    await olga.say("ok")
    *_, ok = await olga.customer_messages()
    assert ok.text == "ok" and ok.scores is not None and ok.in_context is not None
    assert not ok.in_context.changed and ok.in_context.scores.as_dict() == ok.scores, "read as it is"
