"""How many SQL statements and transactions a process has run: the database's share of a turn.

``candor bench e2e`` divides the difference between a worker's two log lines (ready, stopped)
by the messages it handled, so queries per turn can be compared across changes and machines
without timing anything.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine


@dataclass(frozen=True)
class DatabaseUsage:
    statements: int = 0
    transactions: int = 0

    def describe(self, moment: str) -> str:
        """The log line ``parse`` reads back; ``moment`` says when it was taken (ready, stopped)."""
        return f"database use {moment}: {self.statements} statements in {self.transactions} transactions"

    def __sub__(self, other: DatabaseUsage) -> DatabaseUsage:
        return DatabaseUsage(self.statements - other.statements, self.transactions - other.transactions)

    @classmethod
    def parse(cls, log: str, moment: str) -> DatabaseUsage | None:
        """The last line of ``moment`` in ``log``; None when there is none."""
        found = re.findall(rf"database use {re.escape(moment)}: (\d+) statements in (\d+) transactions", log)
        return cls(int(found[-1][0]), int(found[-1][1])) if found else None


class StatementCounter:
    """Counts every statement sent to the database and every commit, on the engines it watches.

    A counter per process, attached once per engine; the listeners only add to two integers,
    so counting costs nothing a turn would notice.
    """

    def __init__(self) -> None:
        self._statements = 0
        self._transactions = 0

    def watch(self, engine: AsyncEngine) -> None:
        event.listen(engine.sync_engine, "before_cursor_execute", self._statement)
        event.listen(engine.sync_engine, "commit", self._commit)

    @property
    def usage(self) -> DatabaseUsage:
        return DatabaseUsage(self._statements, self._transactions)

    def _statement(self, *args: Any) -> None:
        self._statements += 1

    def _commit(self, *args: Any) -> None:
        self._transactions += 1
