"""Open-loop customers for ``candor bench e2e``: messages arrive at a fixed offered rate.

Closed-loop customers slow down when the bot does, so they measure the most it can do;
Telegram's customers do not wait for each other. Here a new message is posted every
1/rate seconds whatever the bot is doing, each from a customer who is not waiting for a
reply (the next line of a conversation whose reply came, or a new conversation), so latency
shows what customers feel at that load. A customer without a reply (handed off) stops.
"""

from __future__ import annotations

import asyncio
import itertools
import time
from collections import deque
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import httpx

from bot.bench.load import CONVERSATIONS, Customers, ReplyWatch, Script, TurnOutcome, customer_lines, send_turn


def arrival_offsets(rate: float, seconds: float) -> list[float]:
    """When each message is posted, in seconds from the start: evenly spaced at ``rate`` per second."""
    if rate <= 0 or seconds <= 0:
        return []
    return [index / rate for index in range(max(1, round(rate * seconds)))]


class OpenChats:
    """Which customer writes next: one whose last message was answered, else a new conversation."""

    def __init__(self, chat_ids: Iterator[int], scripts: Sequence[Script] = CONVERSATIONS) -> None:
        self._chat_ids = chat_ids
        self._scripts = itertools.cycle(scripts)
        self._ready: deque[tuple[int, list[str]]] = deque()
        self.started = 0

    def next_message(self) -> tuple[int, str, list[str]]:
        """(chat id, text, the lines that customer has left); the chat is busy until ``answered``."""
        if self._ready:
            chat_id, lines = self._ready.popleft()
        else:
            chat_id = next(self._chat_ids)
            lines = customer_lines(chat_id, next(self._scripts))
            self.started += 1
        return chat_id, lines[0], lines[1:]

    def answered(self, chat_id: int, left: list[str], replied: bool) -> None:
        """A customer with a reply and lines left writes again; one without a reply stops."""
        if replied and left:
            self._ready.append((chat_id, left))


@dataclass(frozen=True)
class OpenLoopRun:
    outcomes: tuple[TurnOutcome, ...]
    chats: int
    """Customers who wrote."""
    max_lag: float
    """The latest a message was posted after its scheduled moment: above a few ms the benchmark itself fell behind."""


async def run_open_loop(customers: Customers, rate: float, seconds: float,
                        scripts: Sequence[Script] = CONVERSATIONS) -> OpenLoopRun:
    """Post ``rate`` messages a second for ``seconds``; done when every post is answered."""
    offsets = arrival_offsets(rate, seconds)
    chats = OpenChats(customers.chat_ids, scripts)
    limits = httpx.Limits(max_connections=None, max_keepalive_connections=64)
    turns: list[asyncio.Task[TurnOutcome]] = []
    lag = 0.0
    async with httpx.AsyncClient(timeout=customers.timeout, limits=limits) as client:
        with ReplyWatch(customers.api, asyncio.get_running_loop()) as watch:

            async def one(chat_id: int, text: str, left: list[str]) -> None:
                turn, replied = await send_turn(client, customers, watch, chat_id, text)
                turns.append(turn)
                chats.answered(chat_id, left, replied)

            start = time.monotonic()
            arrivals: list[asyncio.Task[None]] = []
            for offset in offsets:
                delay = start + offset - time.monotonic()
                if delay > 0:
                    await asyncio.sleep(delay)
                lag = max(lag, time.monotonic() - start - offset)
                arrivals.append(asyncio.create_task(one(*chats.next_message())))
            await asyncio.gather(*arrivals)
            outcomes = await asyncio.gather(*turns)
    return OpenLoopRun(tuple(outcomes), chats.started, lag)
