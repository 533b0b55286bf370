"""A week of mixed conversations (Mon 2026-11-23 to Sun 2026-11-29) stored as the bot stores them.

Among routine answers, thanks and rightful handoffs hide two real failures: a thank-you answered
with the refund script, and a Polish "someone used my card" answered as a double charge with no
fraud handoff. The review queue must put both on top and say why.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from bot.policy.model import Case
from bot.storage.conversations import ConversationRepository
from bot.storage.database import Database
from bot.storage.handoffs import HandoffRepository
from bot.storage.models import Conversation
from nlu.signals import Signals
from nlu.types import Analysis, EmotionScores

WEEK = dt.date(2026, 11, 23)
CALM = {"neutral": 0.8, "anxiety": 0.1}
THANKFUL = {"positive": 0.9, "neutral": 0.1}
WORRIED = {"anxiety": 0.75, "neutral": 0.2}
ANGRY = {"anger": 0.8, "anxiety": 0.3}
PUZZLED = {"confusion": 0.7, "neutral": 0.3}
REFUND_SCRIPT = "Refunds reach your card 5–10 business days after we get the parcel back.\nOrder 48213: parcel received."


@dataclass(frozen=True)
class Said:
    text: str
    scores: dict[str, float]
    money_lost: bool = False


@dataclass(frozen=True)
class Replied:
    text: str
    move: str
    topic: str | None = None


@dataclass(frozen=True)
class Story:
    name: str
    language: str
    day: int
    topic: str | None
    turns: tuple[Said | Replied, ...]
    handoff: str | None = None


STORIES = (
    Story("Ben", "en", 0, "refund", (Said("Where is my refund for order 48213?", CALM),
                                     Replied(REFUND_SCRIPT, "answer", "refund"),
                                     Said("Thanks, that's all!", THANKFUL),
                                     Replied(REFUND_SCRIPT, "answer", "refund"))),
    Story("Kasia", "pl", 1, "double_charge", (
        Said("Ktoś użył mojej karty, widzę płatność, której nie robiłam", WORRIED, money_lost=True),
        Replied("Przykro mi z powodu podwójnego obciążenia. Zwrot drugiej płatności trwa do 5 dni.", "answer",
                "double_charge"),
        Said("Ale to nie ja płaciłam, boję się", WORRIED))),
    Story("Ann", "en", 0, "delivery", (Said("When will order 51002 arrive?", CALM),
                                       Replied("It arrives on Thursday.", "answer", "delivery"),
                                       Said("Thank you!", THANKFUL), Replied("Glad to help!", "end"))),
    Story("Marek", "pl", 2, "delivery", (Said("Gdzie jest moja paczka 51003?", CALM),
                                         Replied("Paczka dotrze w piątek.", "answer", "delivery"))),
    Story("Igor", "ru", 2, "refund", (Said("Когда вернут деньги за заказ 51004?", CALM),
                                      Replied("Возврат занимает 5–10 рабочих дней.", "answer", "refund"),
                                      Said("Спасибо!", THANKFUL), Replied("Рад помочь!", "end"))),
    Story("Li", "zh", 3, "delivery", (Said("我的订单51005什么时候到？", CALM),
                                      Replied("周四送到。", "answer", "delivery"))),
    Story("Tom", "en", 3, "delivery", (Said("My parcel is a week late and nobody answers", CALM),
                                       Replied("It left our warehouse on Monday.", "answer", "delivery"),
                                       Said("This is ridiculous, I want a person now", ANGRY),
                                       Replied("I am passing you to a colleague.", "hand_off", "delivery")),
          handoff="high_emotion"),
    Story("Eva", "en", 4, None, (Said("hmm the thing", PUZZLED), Replied("Could you tell me more?", "clarify"),
                                 Said("the thing from before", PUZZLED),
                                 Replied("Is it about delivery or a refund?", "clarify"))),
    Story("Olek", "pl", 4, "refund", (Said("Chcę rozmawiać z człowiekiem", CALM),
                                      Replied("Łączę z konsultantem.", "hand_off", "refund")),
          handoff="asked_for_person"),
    Story("Sam", "en", 5, "delivery", (Said("Can I change the delivery address\nfor order 51009?", CALM),
                                       Replied("Yes: reply with the new address.", "answer", "delivery"))),
    Story("Nina", "ru", 5, "delivery", (Said("Где посылка 51010?", CALM),
                                        Replied("Посылка в пути.", "answer", "delivery"))),
    Story("Wei", "zh", 6, "refund", (Said("退款多久到账？", CALM), Replied("5到10个工作日。", "answer", "refund"))),
    Story("Joe", "en", 6, "delivery", (Said("Is there a delivery on Sunday?", CALM),
                                       Replied("Not on Sundays.", "answer", "delivery"))),
)


def day_of(story: Story) -> dt.date:
    return WEEK + dt.timedelta(days=story.day)


async def seed_week(database: Database) -> dict[str, int]:
    """Store every story; the conversation id of each customer, by name."""
    ids: dict[str, int] = {}
    for number, story in enumerate(STORIES):
        started = dt.datetime.combine(day_of(story), dt.time(9 + number % 8), tzinfo=dt.UTC)
        async with database.session() as session:
            conversations = ConversationRepository(session)
            ref = await conversations.open_conversation("telegram", f"90{number}", story.name)
            for turn in story.turns:
                if isinstance(turn, Said):
                    scores = EmotionScores.from_mapping(turn.scores)
                    analysis = Analysis(story.language, scores, (scores.strongest().value,), model_version="test")
                    await conversations.add_customer_message(ref, "text", turn.text, analysis, None,
                                                             Signals(money_lost=turn.money_lost))
                else:
                    await conversations.add_bot_message(ref.conversation_id, turn.text, turn.move,
                                                        f"decided {turn.move}", Case(turn.topic) if turn.topic else None)
            if story.handoff:
                await HandoffRepository(session).create(ref.conversation_id, story.handoff, "", story.language, None,
                                                        None, None, started)
            conversation = await session.get(Conversation, ref.conversation_id)
            assert conversation is not None
            conversation.language, conversation.topic_id = story.language, story.topic
            conversation.started_at = conversation.updated_at = started
            ids[story.name] = ref.conversation_id
    return ids
