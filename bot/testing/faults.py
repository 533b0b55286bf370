"""A bug planted in a running bot, for tests that check an unexpected fault loses nothing."""

from __future__ import annotations

from types import TracebackType
from typing import Any, Self

from bot.storage.conversations import ConversationRef, ConversationRepository


class FaultyMessageStore:
    """While active, storing a customer's message that contains ``words`` raises LookupError (a bug, not an outage).

    Patches the repository class itself, so it reaches a bot running in the same process.
    """

    def __init__(self, words: str) -> None:
        self.words = words
        self.tries = 0
        """How many times the bot tried to store such a message."""
        self._store = ConversationRepository.add_customer_message

    def __enter__(self) -> Self:
        store, fault = self._store, self

        async def faulty(repository: ConversationRepository, ref: ConversationRef, kind: str, text: str,
                         *args: Any, **kwargs: Any) -> Any:
            if fault.words in text:
                fault.tries += 1
                raise LookupError("a fault in the bot, not in the database")
            return await store(repository, ref, kind, text, *args, **kwargs)

        ConversationRepository.add_customer_message = faulty  # type: ignore[method-assign,assignment]  # the planted bug
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 traceback: TracebackType | None) -> None:
        ConversationRepository.add_customer_message = self._store  # type: ignore[method-assign]  # bug removed
