"""What the bot keeps about people, and for how long: erasure, retention, the ledger of handled updates."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select, update

from bot.storage.conversations import ConversationRepository
from bot.storage.database import Database
from bot.storage.models import Conversation, ConversationReview, Customer, ProcessedUpdate, utc_now
from bot.storage.privacy import PrivacyRepository, forget_the_old
from bot.storage.review_queue import mark_reviewed
from bot.storage.updates import UpdateLedger


async def handled(database: Database, *update_ids: int) -> list[bool]:
    async with database.session() as session:
        ledger = UpdateLedger(session)
        return [await ledger.handled(update_id) for update_id in update_ids]


async def test_handled_updates_are_forgotten_once_telegram_can_no_longer_send_them_again(database: Database) -> None:
    now = utc_now()
    async with database.session() as session:
        for update_id in (1, 2, 3):
            await UpdateLedger(session).mark_handled(update_id, "telegram:42")
    async with database.session() as session:
        await session.execute(update(ProcessedUpdate).where(ProcessedUpdate.update_id == 1)
                              .values(received_at=now - dt.timedelta(days=3)))
        await session.execute(update(ProcessedUpdate).where(ProcessedUpdate.update_id == 2)
                              .values(received_at=now - dt.timedelta(hours=25)))
    async with database.session() as session:
        purged = await forget_the_old(session, now, retention_days=None)
    assert purged.updates == 1
    assert await handled(database, 1, 2, 3) == [False, True, True], \
        "an update Telegram may still redeliver (kept 24 h) stays known; older ones go"


async def test_erasing_a_customer_forgets_which_of_their_updates_were_handled(database: Database) -> None:
    async with database.session() as session:
        await ConversationRepository(session).open_conversation("telegram", "42", "Ola")
        ledger = UpdateLedger(session)
        await ledger.mark_handled(10, "telegram:42")
        await ledger.mark_handled(11, "telegram:43")
        await ledger.mark_handled(12, "telegram:42")
    async with database.session() as session:
        erased = await PrivacyRepository(session).erase("telegram", "42", "telegram:42")
    assert erased.topics == ()
    assert await handled(database, 10, 11, 12) == [False, True, False], "someone else's updates stay"


async def test_the_retention_purge_removes_customers_left_without_conversations(database: Database) -> None:
    now = utc_now()
    async with database.session() as session:
        conversations = ConversationRepository(session)
        old = await conversations.open_conversation("telegram", "50", "Old")
        await conversations.open_conversation("telegram", "51", "Recent")
        await session.execute(update(Conversation).where(Conversation.id == old.conversation_id)
                              .values(updated_at=now - dt.timedelta(days=40)))
    async with database.session() as session:
        purged = await forget_the_old(session, now, retention_days=30)
    assert (purged.messages, purged.customers) == (0, 1)
    async with database.session() as session:
        left = list(await session.scalars(select(Customer.external_id)))
        conversations_left = await session.scalar(select(func.count()).select_from(Conversation))
    assert (left, conversations_left) == (["51"], 1)


async def test_erasing_a_customer_also_erases_trainers_notes_on_their_conversation(database: Database) -> None:
    async with database.session() as session:
        ref = await ConversationRepository(session).open_conversation("telegram", "42", "Ola")
        assert await mark_reviewed(session, ref.conversation_id, True, "Ola wrote about her card", "anna", utc_now())
    async with database.session() as session:
        await PrivacyRepository(session).erase("telegram", "42", "telegram:42")
    async with database.session() as session:
        assert await session.scalar(select(func.count()).select_from(ConversationReview)) == 0
