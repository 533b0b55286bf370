"""Storage on a real SQLite file, migrated by Alembic exactly as at start."""

import asyncio
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import inspect

from bot.policy.assignment import AgentProfile
from bot.storage.agents import AgentRegistryError, AgentRepository
from bot.storage.conversations import ConversationRepository
from bot.storage.database import Database, alembic_config, downgrade_schema, upgrade_schema_async
from bot.storage.models import utc_now
from bot.storage.privacy import PrivacyRepository
from bot.storage.updates import FailedUpdates
from nlu.types import Analysis, EmotionScores
from tests.conftest import database_url


@pytest.fixture
async def database(tmp_path: Path):  # type: ignore[no-untyped-def]
    url = database_url(tmp_path / "var")
    await upgrade_schema_async(url)
    db = Database(url)
    yield db
    await db.dispose()


async def test_migrations_create_the_tables_in_a_new_folder(database: Database) -> None:
    async with database.engine.connect() as connection:
        tables = await connection.run_sync(lambda sync: set(inspect(sync).get_table_names()))
    assert {"customers", "conversations", "messages", "agents", "alembic_version"} <= tables


async def test_migrations_go_down_and_up_again_one_step_at_a_time(tmp_path: Path) -> None:
    """Every migration's downgrade runs on this database engine, and the schema comes back whole."""
    url = database_url(tmp_path, "c")
    await upgrade_schema_async(url)
    revisions = [script.revision for script in ScriptDirectory.from_config(alembic_config(url)).walk_revisions()]
    assert len(revisions) >= 6
    for older in [*revisions[1:], "base"]:
        await asyncio.to_thread(downgrade_schema, url, older)
    db = Database(url)
    async with db.engine.connect() as connection:
        left = await connection.run_sync(lambda sync: set(inspect(sync).get_table_names()))
    assert left <= {"alembic_version"}
    await upgrade_schema_async(url)
    async with db.session() as session:
        ref = await ConversationRepository(session).open_conversation("telegram", "7", "Ana")
        await ConversationRepository(session).add_bot_message(ref.conversation_id, "Hello again.", "greet")
    async with db.engine.connect() as connection:
        tables = await connection.run_sync(lambda sync: set(inspect(sync).get_table_names()))
    await db.dispose()
    assert {"messages", "processed_updates", "handoffs", "trainers"} <= tables


async def test_customer_message_is_stored_with_its_scores(database: Database) -> None:
    scores = EmotionScores(anxiety=0.9, neutral=0.1)
    async with database.session() as session:
        repository = ConversationRepository(session)
        ref = await repository.open_conversation("telegram", "42", "Alex")
        await repository.add_customer_message(ref, "text", "I'm worried", Analysis("en", scores, ("anxiety",)), 7)
        await repository.add_bot_message(ref.conversation_id, "Here is what I know.", "answer")
    async with database.session() as session:
        repository = ConversationRepository(session)
        again = await repository.open_conversation("telegram", "42", "Alex")
        stored = await repository.messages_of("telegram", "42")
    assert again.conversation_id == ref.conversation_id
    assert again.customer_messages_before == 1
    assert [m.sender for m in stored] == ["customer", "bot"]
    assert stored[0].scores is not None and stored[0].scores["anxiety"] == pytest.approx(0.9)
    assert stored[0].labels == ("anxiety",)


async def test_a_kept_failed_message_goes_with_the_customers_data_and_with_age(database: Database) -> None:
    async with database.session() as session:
        await ConversationRepository(session).open_conversation("telegram", "42", "Alex")
        failures = FailedUpdates(session)
        for update_id, key in ((1, "telegram:42"), (2, "telegram:43")):
            await failures.count_try(update_id, key, "LookupError")
            await failures.give_up(update_id, f"words of {key}")
    async with database.session() as session:
        await PrivacyRepository(session).erase("telegram", "42", "telegram:42")
    async with database.session() as session:
        assert [kept.text for kept in await FailedUpdates(session).given_up()] == ["words of telegram:43"]
        await PrivacyRepository(session).purge_before(utc_now())
    async with database.session() as session:
        assert await FailedUpdates(session).given_up() == [], "the retention period applies to them too"


async def test_a_failed_unit_of_work_leaves_nothing_behind(database: Database) -> None:
    with pytest.raises(RuntimeError):
        async with database.session() as session:
            await ConversationRepository(session).open_conversation("telegram", "7", "Kim")
            raise RuntimeError("boom")
    async with database.session() as session:
        assert await ConversationRepository(session).messages_of("telegram", "7") == []


async def test_agents_are_added_listed_and_removed(database: Database) -> None:
    marta = AgentProfile(42, "Marta", "Customer care specialist", ("en", "ru"), True)
    async with database.session() as session:
        await AgentRepository(session).add(marta)
    async with database.session() as session:
        assert await AgentRepository(session).list() == [marta]
    with pytest.raises(AgentRegistryError, match="already registered"):
        async with database.session() as session:
            await AgentRepository(session).add(marta)
    async with database.session() as session:
        await AgentRepository(session).remove(42)
    with pytest.raises(AgentRegistryError, match="No agent"):
        async with database.session() as session:
            await AgentRepository(session).remove(42)
