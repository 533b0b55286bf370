"""Per-customer fairness: replies paced per customer, a burst read together, typing kept in budget.

Pure bookkeeping with an injected clock; no I/O. The service and the Telegram channel use it so
that one customer's flood stays that customer's problem.

**Pacing.** Each customer has a token bucket: ``REPLY_BURST`` replies at once, then one more
every ``REPLY_REFILL_SECONDS``. Telegram lets a bot send about one message a second to one chat;
half that, sustained, leaves room for promise updates and agents' messages in the same chat,
and for a second webhook worker (buckets live in each worker's memory, so N workers allow at
most N times the rate, still within Telegram's). Five at once covers a normal "hi / my order /
it's #123" start without any wait. A customer over their bucket waits for a token holding only
their own chat's lock: not the model, not a database connection, not the shared rate limiter.
A message that names self-harm never waits for a token.

**Bursts.** A plain text message that arrives while an earlier one of the same customer is
still in progress is an ``Arrival``. When the earlier one gets its turn and a newer text of the
same customer has already arrived, the earlier one is *folded*: it is stored as its own
customer message (with its Telegram message id, so a redelivery is recognised), no reply is
decided for it, and the newest one is answered once, read with the messages before it. The
customer gets one reply for the burst instead of one per line.

Why this is correct with several webhook workers on PostgreSQL and with long polling: an
``Arrival`` is registered in the worker's memory *before* the update waits for its chat's lock
(webhook: in the request, before ``handle_once``; polling: when the handler starts), and it
leaves only when its update is done. A message is folded, and so acknowledged without a reply,
only while a newer message of the same customer is registered in the *same* process and not
yet acknowledged. That newer one is then either answered, or folded into a still newer one, so
the newest message of every burst is answered. If the worker dies, the newest message was never
acknowledged: Telegram sends it again, and its answer covers the folded ones stored before it.
A second worker knows nothing of the first's arrivals, so it never folds on their account; it
answers its own messages (at worst, more replies than needed, never fewer). Newer means a
higher Telegram message id (increasing within a chat) *and* a later arrival: a redelivered older
message never makes a newer one keep quiet, and a message that arrives after a newer one (out
of order) is answered itself, since the newer one may have been answered already. Messages that must be read on their own (commands, buttons,
edits, and any text that names self-harm, asks for a person, threatens or reports lost money)
are never folded and never fold others; neither is the first message of a conversation (its
reply says the bot is a bot) nor one in a conversation a person has (each goes to them, paced).

What a waiting customer still holds: their chat's lock, which on PostgreSQL is one of the
worker's ``LOCK_CONNECTIONS`` lock connections; in long polling, one of PTB's concurrent update
slots per message waiting for the lock. Storing each message before it is acknowledged costs a
database write per message; that is the price of losing nothing.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

from nlu.signals import detect_signals

Clock = Callable[[], float]
REPLY_BURST = 5
REPLY_REFILL_SECONDS = 2.0
TYPING_EVERY_SECONDS = 4.0
"""Telegram shows "typing…" for 5 s, so one indicator per chat every 4 s keeps it on without flooding."""
TYPING_AFTER_SECONDS = 1.0
""""typing…" only for a reply that takes longer than this: most come sooner, and the indicator
would then cost a Bot API call (and the worker's CPU) for something the customer barely sees."""


class TokenBucket:
    """Per-key token buckets: ``capacity`` at once, one more each ``refill_seconds``."""

    def __init__(self, capacity: int = REPLY_BURST, refill_seconds: float = REPLY_REFILL_SECONDS,
                 clock: Clock = time.monotonic) -> None:
        if capacity < 1 or refill_seconds <= 0:
            raise ValueError("a bucket needs room for at least one token and a positive refill time")
        self._capacity = capacity
        self._refill = refill_seconds
        self._clock = clock
        self._levels: dict[str, tuple[float, float]] = {}
        """key → (tokens, when counted); a key whose bucket refilled completely is forgotten."""

    def take(self, key: str) -> float:
        """Take a token: 0.0 when one was taken, else the seconds until one will be there (nothing taken)."""
        now = self._clock()
        tokens = self._tokens(key, now)
        if tokens >= 1.0:
            self._levels[key] = (tokens - 1.0, now)
            return 0.0
        self._levels[key] = (tokens, now)
        return (1.0 - tokens) * self._refill

    def _tokens(self, key: str, now: float) -> float:
        self._forget_full(now)
        tokens, counted = self._levels.get(key, (float(self._capacity), now))
        return min(float(self._capacity), tokens + max(0.0, now - counted) / self._refill)

    def _forget_full(self, now: float) -> None:
        """Keep memory bounded by the customers writing now, not by everyone who ever wrote."""
        if len(self._levels) < 1024:
            return
        full_after = self._capacity * self._refill
        self._levels = {key: (tokens, counted) for key, (tokens, counted) in self._levels.items()
                        if now - counted < full_after}


class TypingBudget:
    """At most one typing indicator per chat every ``every`` seconds."""

    def __init__(self, every: float = TYPING_EVERY_SECONDS, clock: Clock = time.monotonic) -> None:
        self._every = every
        self._clock = clock
        self._last: dict[int, float] = {}

    def allow(self, chat_id: int) -> bool:
        now = self._clock()
        if now - self._last.get(chat_id, -self._every) < self._every:
            return False
        if len(self._last) >= 1024:
            self._last = {chat: at for chat, at in self._last.items() if now - at < self._every}
        self._last[chat_id] = now
        return True


@dataclass(eq=False)
class Arrival:
    """A customer's plain text message, from the moment it arrived until its update is done."""

    key: str
    message_id: int
    newer: asyncio.Event = field(default_factory=asyncio.Event)
    """Set once a newer text of the same customer has arrived: this one will be folded into it."""


class Arrivals:
    """The plain text messages in progress in this process, per customer key."""

    def __init__(self) -> None:
        self._by_key: dict[str, list[Arrival]] = {}
        self._current: ContextVar[Arrival | None] = ContextVar(f"arrival-{id(self)}", default=None)

    @contextmanager
    def arriving(self, key: str, message_id: int) -> Iterator[Arrival]:
        """Register a message for as long as its update is being handled; the code inside sees it as current."""
        arrival = Arrival(key, message_id)
        present = self._by_key.setdefault(key, [])
        for other in present:
            if other.message_id < message_id:
                other.newer.set()
        present.append(arrival)
        token = self._current.set(arrival)
        try:
            yield arrival
        finally:
            self._current.reset(token)
            present.remove(arrival)
            if not present:
                del self._by_key[key]

    def current(self, key: str) -> Arrival | None:
        """The arrival registered for ``key`` by the code this runs inside, if any."""
        arrival = self._current.get()
        return arrival if arrival is not None and arrival.key == key else None


def may_fold(text: str) -> bool:
    """Whether a text may be folded into the customer's next one: not a command, nothing a person must read."""
    if not text.strip() or text.lstrip().startswith("/"):
        return False
    signals = detect_signals(text)
    return not (signals.self_harm or signals.asks_for_human or signals.threat or signals.money_lost)


def is_crisis(text: object) -> bool:
    """Self-harm words: answered at once whatever the customer's bucket says, and ahead of all other work
    (the model's queue, SQLite's transactions, the agents' group).

    Takes anything: a webhook body may carry a number where the text should be.
    """
    return isinstance(text, str) and bool(text) and detect_signals(text[:4000]).self_harm


class Fairness:
    """Where the service asks, under a customer's lock, whether to answer a message now or fold it."""

    def __init__(self, bucket: TokenBucket | None = None) -> None:
        self.arrivals = Arrivals()
        self._bucket = bucket
        """None: replies are not paced (tests of the service's own logic); bursts are still read together."""
        self.folding = asyncio.Semaphore(1)
        """The back seat: folded messages of all customers are stored one at a time, so five floods at once
        take one database session's share, not five, from the customers who wrote once."""

    async def answer_now(self, key: str, text: str, foldable: bool = True) -> bool:
        """Wait until this message may be answered; False when a newer text arrived first and this one is folded.

        ``foldable=False``: a message that turned out to need handling of its own waits for the bucket only.
        """
        arrival = self.arrivals.current(key) if foldable else None
        while True:
            if arrival is not None and arrival.newer.is_set():
                return False
            if self._bucket is None or is_crisis(text):
                return True
            wait = self._bucket.take(key)
            if wait == 0.0:
                return True
            if arrival is None:
                await asyncio.sleep(wait)
                continue
            try:
                await asyncio.wait_for(arrival.newer.wait(), wait)
            except TimeoutError:
                pass
