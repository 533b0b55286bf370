"""Telegram's limit on messages into one group, kept by the bot itself, with urgent posts first.

Telegram takes about 20 messages a minute into a group. PTB's rate limiter keeps that limit in
arrival order, inside the send call, which let a crisis card wait behind twenty ordinary ones and
kept whatever lock the caller held for the whole wait. Here a sender waits for its slot *before*
it takes any lock, and an urgent sender (a crisis handoff) is served before everyone already waiting.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import time
from collections.abc import Callable

from bot.channels.delivery import ChannelClosing

URGENT = 0
NORMAL = 1


class GroupPacer:
    """A token bucket (``per_minute`` messages a minute, bursts up to ``burst``) served in priority order.

    Within one priority, first come, first served. One pacer per group per process: several
    webhook workers each keep their own, as they kept their own PTB limiter before.
    """

    def __init__(self, per_minute: float, burst: float | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        if per_minute <= 0:
            raise ValueError("a group's message rate must be above zero")
        self._interval = 60.0 / per_minute
        self._capacity = float(burst if burst is not None else max(1.0, per_minute))
        self._tokens = self._capacity
        self._clock = clock
        self._updated = clock()
        self._waiting: list[tuple[int, int, float]] = []
        self._order = itertools.count()
        self._changed = asyncio.Event()
        self._closed = False

    def close(self) -> None:
        """The bot is stopping: every wait, now and later, ends with ``ChannelClosing``."""
        self._closed = True
        self._notify()

    async def wait(self, priority: int = NORMAL, messages: int = 1) -> None:
        """Return once ``messages`` more may be sent to the group; urgent callers go before normal ones."""
        need = float(min(messages, self._capacity))
        entry = (priority, next(self._order), need)
        heapq.heappush(self._waiting, entry)
        self._notify()
        try:
            while True:
                if self._closed:
                    raise ChannelClosing("the bot is stopping; this message was not sent")
                self._refill()
                first = self._waiting[0] == entry
                if first and self._tokens >= need:
                    heapq.heappop(self._waiting)
                    self._tokens -= need
                    self._notify()
                    return
                changed = self._changed
                delay = (need - self._tokens) * self._interval if first else None
                try:
                    await asyncio.wait_for(changed.wait(), delay)
                except TimeoutError:
                    pass
        except BaseException:
            if entry in self._waiting:
                self._waiting.remove(entry)
                heapq.heapify(self._waiting)
                self._notify()
            raise

    def _refill(self) -> None:
        now = self._clock()
        self._tokens = min(self._capacity, self._tokens + (now - self._updated) / self._interval)
        self._updated = now

    def _notify(self) -> None:
        """Wake every waiter to look again (the first in line may have changed)."""
        self._changed.set()
        self._changed = asyncio.Event()
