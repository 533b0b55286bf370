"""The console's chart and queue and the agents' board read a message's feelings as its reply was decided on.

"ok" after two angry messages scores calm on its own; the bot reads it with the conversation so far and
keeps both readings. A lead who sees "calm" on the board, or a chart that ends every angry conversation
calm, is told something the bot did not act on.
"""

from __future__ import annotations

import datetime as dt

from bot.policy.feelings_in_context import FeelingsInContext
from bot.policy.queue_filters import QueueFilters
from bot.storage.conversations import ConversationRepository
from bot.storage.dashboard import dashboard_figures
from bot.storage.database import Database
from bot.storage.desk import DeskRepository
from bot.storage.handoffs import HandoffRepository
from bot.storage.models import utc_now
from bot.storage.review_queue import review_queue
from nlu.types import Analysis, EmotionScores

ANGRY = EmotionScores(anger=0.9, anxiety=0.1)
CALM_ON_ITS_OWN = EmotionScores(anger=0.05, anxiety=0.05, neutral=0.9)
STILL_ANGRY = FeelingsInContext(EmotionScores(anger=0.7, anxiety=0.1), ("anger",), "a short reply after anger")


async def _angry_then_ok(database: Database, *, in_context: bool) -> int:
    async with database.session() as session:
        repository = ConversationRepository(session)
        ref = await repository.open_conversation("telegram", "501", "Dana")
        for number, text in enumerate(("This is the third time I ask!", "Nobody answers, unbelievable.")):
            await repository.add_customer_message(ref, "text", text, Analysis("en", ANGRY, ("anger",)), number + 1)
        await repository.add_customer_message(ref, "text", "ok", Analysis("en", CALM_ON_ITS_OWN, ("neutral",)), 3,
                                              in_context=STILL_ANGRY if in_context else None)
        now = utc_now()
        await HandoffRepository(session).create(ref.conversation_id, "anger", "", "en", None,
                                                now + dt.timedelta(hours=1), (0.9, 0.1), now)
        return ref.conversation_id


async def test_the_chart_ends_where_the_bot_read_the_last_message(database: Database) -> None:
    await _angry_then_ok(database, in_context=True)
    async with database.session() as session:
        start, end = (await dashboard_figures(session)).feeling_start_end["en"]
    assert start == 0.9
    assert end == 0.7  # the "ok" as read in context, not its own 0.05


async def test_the_board_calls_a_customer_angry_when_the_bot_still_read_them_so(database: Database) -> None:
    await _angry_then_ok(database, in_context=True)
    async with database.session() as session:
        [case] = await DeskRepository(session).open_cases()
    assert case.anger == 0.7


async def test_a_message_kept_without_a_context_reading_shows_its_own_scores(database: Database) -> None:
    await _angry_then_ok(database, in_context=False)
    async with database.session() as session:
        [case] = await DeskRepository(session).open_cases()
        _, end = (await dashboard_figures(session)).feeling_start_end["en"]
    assert case.anger == 0.05
    assert end == 0.05


async def test_the_queue_weighs_the_ending_as_the_bot_read_it(database: Database) -> None:
    conversation_id = await _angry_then_ok(database, in_context=True)
    async with database.session() as session:
        [item] = await review_queue(session, QueueFilters())
    assert item.conversation_id == conversation_id
    last_customer_turn = [turn for turn in item.facts.turns if turn.sender == "customer"][-1]
    assert last_customer_turn.scores is not None and last_customer_turn.scores["anger"] == 0.7
