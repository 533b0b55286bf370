"""The ledger of handled updates: a second mark is harmless, and a mark is one statement."""

from __future__ import annotations

from bot.storage.database import Database
from bot.storage.updates import UpdateLedger


async def test_an_update_marked_twice_stays_handled_once_and_the_transaction_still_commits(
    database: Database,
) -> None:
    async with database.session() as session:
        await UpdateLedger(session).mark_handled(7, "telegram:42")
    async with database.session() as session:
        await UpdateLedger(session).mark_handled(7, "telegram:42")  # two workers raced on it
        await UpdateLedger(session).mark_handled(8, None)
    async with database.session() as session:
        ledger = UpdateLedger(session)
        assert [await ledger.handled(7), await ledger.handled(8), await ledger.handled(9)] == [True, True, False]


async def test_marking_an_update_handled_costs_one_statement_in_one_transaction(database: Database) -> None:
    before = database.statements.usage
    async with database.session() as session:
        await UpdateLedger(session).mark_handled(21, "telegram:42")
    spent = database.statements.usage - before
    assert (spent.statements, spent.transactions) == (1, 1)

