"""The database is unreachable: try again briefly, then tell the customer once and leave the update undone."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import TypeVar

from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from bot.policy.language import language_of
from bot.policy.model import Move, Reply
from bot.service.customer import CustomerRef, Deliver
from knowledge import KnowledgePack

logger = logging.getLogger(__name__)

T = TypeVar("T")
STORAGE_RETRY_PAUSES = (0.5, 1.0, 2.0)
"""Seconds between tries when the database is unreachable: a restart or failover takes about this long."""


class StorageUnavailable(RuntimeError):
    """The database stayed unreachable through every retry; the customer was told, the update is not done."""


def is_storage_outage(error: BaseException) -> bool:
    """A fault of the connection to the database (down, restarting, pool exhausted), not of the data."""
    if isinstance(error, (OperationalError, InterfaceError)):
        return True
    if isinstance(error, DBAPIError):
        return error.connection_invalidated or isinstance(error.orig, OSError)
    return isinstance(error, (OSError, PoolTimeout, ConnectionError))


async def with_storage_retries(attempt: Callable[[], Awaitable[T]]) -> T:
    """Run ``attempt``, and again after each pause while the database is unreachable.

    Faults of the data itself are raised at once; an outage that outlasts the pauses becomes
    ``StorageUnavailable``, for the caller to tell the customer and leave the update undone.
    """
    for pause in (*STORAGE_RETRY_PAUSES, None):
        try:
            return await attempt()
        except Exception as error:
            if not is_storage_outage(error):
                raise
            if pause is None:
                raise StorageUnavailable(f"the database is unreachable ({type(error).__name__}); "
                                         "this must be handled again") from error
            logger.warning("database unreachable (%s); trying again in %.1f s", type(error).__name__, pause)
            await asyncio.sleep(pause)
    raise AssertionError("unreachable: the last try returns or raises")


class WaitNotices:
    """Tells each customer once per outage that their message waits; a reply they get later ends the outage for them."""

    def __init__(self, pack: KnowledgePack) -> None:
        self._pack = pack
        self._told: set[str] = set()

    async def ask_to_wait(self, customer: CustomerRef, text: str, deliver: Deliver | None) -> None:
        """The database is down, so the stored language cannot be read: the message's own language is used."""
        if deliver is None or customer.key in self._told:
            return
        self._told.add(customer.key)
        wording = self._pack.wording_for(language_of(None, text))
        await deliver(Reply(Move.PLEASE_WAIT, wording.storage_down))

    def answered(self, customer: CustomerRef) -> None:
        self._told.discard(customer.key)
