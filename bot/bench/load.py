"""Customers for ``candor bench e2e``: closed-loop chats that post updates to a webhook worker.

Each of ``chats`` slots is one customer at a time: it posts a message as Telegram would, waits
until the reply has reached the fake Bot API, then sends the next line of its conversation. A
customer who gets no reply (the conversation went to a person) stops writing, like a real one,
and a new customer takes the slot.
"""

from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Self

import httpx

from bot.channels.webhook import SECRET_HEADER
from bot.testing.fake_bot_api import FakeBotApi, SentMessage
from bot.testing.webhook_client import text_update

REPLY_GRACE_SECONDS = 0.5
"""How long after the worker's answer a reply may still arrive; webhook mode sends it before the 200."""
Script = tuple[str, ...]
"""One customer's lines, in order."""
CONVERSATIONS: tuple[Script, ...] = (
    ("Hi, where is my order? It was due on Monday.", "It's #{order}", "The tracking page hasn't changed since Friday",
     "Thanks, that helps!"),
    ("I returned the jacket two weeks ago and still no refund", "Order #{order}, sent back on the 3rd",
     "How long does the bank usually take?", "OK, thank you"),
    ("Can I change the email on my account?", "I don't understand what this status means",
     "Where do I find the settings?", "Got it, thanks"),
    ("Здравствуйте, где мой заказ? Он должен был прийти в понедельник.", "Номер заказа #{order}",
     "Трек-номер не обновляется с пятницы, я волнуюсь", "Спасибо, понятно!"),
    ("Я вернула товар, а деньги так и не пришли", "Заказ #{order}", "Сколько обычно идёт возврат?",
     "Хорошо, спасибо"),
    ("Dzień dobry, gdzie jest moja paczka? Czekam od tygodnia.", "Numer zamówienia #{order}",
     "Status się nie zmienia od piątku", "Dziękuję, wszystko jasne!"),
    ("Chcę anulować zamówienie, czy to jeszcze możliwe?", "To zamówienie #{order}", "Kiedy dostanę pieniądze?",
     "Dziękuję!"),
    ("你好，我的订单在哪里？周一就应该到了。", "订单号是 #{order}", "物流信息从周五开始就没有更新，我有点担心",
     "谢谢，明白了！"),
    ("我退货两周了，还没收到退款", "订单 #{order}", "退款一般要多久？", "好的，谢谢"),
    ("My card was charged twice and I'm really worried", "Order #{order}", "Will I get the extra charge back?",
     "Thank you"),
)
"""Support conversations in English, Russian, Polish and Chinese; some end with a person."""


@dataclass(frozen=True)
class TurnOutcome:
    """One customer message as the customer saw it."""

    started_at: float
    """``time.monotonic()`` just before the update was posted."""
    reply_latency: float | None
    """Seconds until the bot's reply reached the fake Bot API; None when no reply came."""
    status: int | None
    """The worker's HTTP status; None when the post timed out or the connection failed."""
    handled_latency: float
    """Seconds until the worker answered the post: webhook mode answers once the whole turn is done."""
    failure: str = ""
    """Why the post got no answer (the httpx error's name), when it got none."""

    @property
    def answered_at(self) -> float:
        """When the customer could move on: the reply, or the worker's answer when no reply came."""
        return self.started_at + (self.handled_latency if self.reply_latency is None else self.reply_latency)


@dataclass(frozen=True)
class Customers:
    """Where the customers write and how they number their updates, chats and messages."""

    url: str
    secret: str
    api: FakeBotApi
    update_ids: Iterator[int]
    chat_ids: Iterator[int]
    timeout: float = 120.0


class ReplyWatch:
    """Wakes the customer waiting in a chat when the fake Bot API receives a message for it."""

    def __init__(self, api: FakeBotApi, loop: asyncio.AbstractEventLoop) -> None:
        self._api, self._loop = api, loop
        self._waiting: dict[int, tuple[float, asyncio.Future[SentMessage]]] = {}

    def __enter__(self) -> Self:
        self._api.on_send = self._from_api_thread
        return self

    def __exit__(self, *exc: object) -> None:
        self._api.on_send = None

    def expect(self, chat_id: int, since: float) -> asyncio.Future[SentMessage]:
        future: asyncio.Future[SentMessage] = self._loop.create_future()
        self._waiting[chat_id] = (since, future)
        return future

    def _from_api_thread(self, message: SentMessage) -> None:
        """The fake Bot API sends from its own thread; the future is resolved on the benchmark's loop."""
        self._loop.call_soon_threadsafe(self._arrived, message)

    def _arrived(self, message: SentMessage) -> None:
        since, future = self._waiting.get(message.chat_id, (0.0, None))
        if future is not None and not future.done() and message.received_at >= since:
            del self._waiting[message.chat_id]
            future.set_result(message)


def customer_lines(chat_id: int, script: Script) -> list[str]:
    """A conversation's lines, with an order number of this customer's own."""
    return [line.format(order=40000 + chat_id % 60000) for line in script]


async def run_customers(customers: Customers, chats: int, messages: int,
                        scripts: Sequence[Script] = CONVERSATIONS) -> list[TurnOutcome]:
    """``messages`` customer messages from ``chats`` concurrent closed-loop slots, each going through ``scripts``
    from its own starting point; done when every post is answered."""
    budget = itertools.count()
    turns: list[asyncio.Task[TurnOutcome]] = []
    limits = httpx.Limits(max_connections=chats * 2, max_keepalive_connections=chats * 2)
    async with httpx.AsyncClient(timeout=customers.timeout, limits=limits) as client:
        with ReplyWatch(customers.api, asyncio.get_running_loop()) as watch:

            async def slot(index: int) -> None:
                conversations = itertools.islice(itertools.cycle(scripts), index, None)
                while True:
                    chat_id = next(customers.chat_ids)
                    for text in customer_lines(chat_id, next(conversations)):
                        if next(budget) >= messages:
                            return
                        turn, replied = await send_turn(client, customers, watch, chat_id, text)
                        turns.append(turn)
                        if not replied:
                            break

            await asyncio.gather(*(slot(index) for index in range(chats)))
            return list(await asyncio.gather(*turns))


async def send_turn(client: httpx.AsyncClient, customers: Customers, watch: ReplyWatch, chat_id: int,
                text: str) -> tuple[asyncio.Task[TurnOutcome], bool]:
    """Post one message and wait for the reply (or for the worker's answer, when no reply comes).

    Like a person, the customer writes again once the reply is there; the post's own answer is
    collected by the returned task, since the worker may still be finishing the turn.
    """
    update = text_update(next(customers.update_ids), chat_id, text)
    started = time.monotonic()
    reply = watch.expect(chat_id, started)
    post = asyncio.create_task(_post(client, customers, update, started))
    racing: set[asyncio.Future[Any]] = {reply, post}
    await asyncio.wait(racing, return_when=asyncio.FIRST_COMPLETED)
    if not reply.done():
        await asyncio.wait({reply}, timeout=REPLY_GRACE_SECONDS)
    latency = reply.result().received_at - started if reply.done() else None
    reply.cancel()

    async def outcome() -> TurnOutcome:
        status, handled, failure = await post
        return TurnOutcome(started, latency, status, handled, failure)

    return asyncio.create_task(outcome()), latency is not None


async def _post(client: httpx.AsyncClient, customers: Customers, update: dict[str, object],
                started: float) -> tuple[int | None, float, str]:
    failure = ""
    try:
        response = await client.post(customers.url, json=update, headers={SECRET_HEADER: customers.secret})
        status: int | None = response.status_code
    except httpx.HTTPError as error:
        status, failure = None, type(error).__name__
    return status, time.monotonic() - started, failure
