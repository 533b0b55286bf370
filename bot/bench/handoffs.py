"""``candor bench handoffs``: many customers ask for a person at once, one of them in crisis.

A real ``candor run --webhook`` worker with an agents' group (two agents always on shift) and
Telegram's 20 messages a minute into that group. All customers post at the same moment; the
benchmark prints how long each waited for their reply (the crisis customer's apart), and when
and in which place the crisis card reached the agents. It asserts nothing.
"""

from __future__ import annotations

import asyncio
import itertools
import secrets
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import httpx

from bot.bench.e2e import BENCH_TOKEN
from bot.bench.load import Customers, ReplyWatch, send_turn
from bot.bench.stats import percentile
from bot.bench.worker import BenchWorker, WorkerSetup
from bot.policy.assignment import AgentProfile
from bot.policy.escalation import REASON_LABELS, EscalationReason
from bot.storage.agents import AgentRepository
from bot.storage.database import Database, upgrade_schema_async
from bot.testing.fake_bot_api import AGENTS_GROUP, FakeBotApi

ASK_FOR_PERSON = "I want to talk to a real person, please"
CRISIS = "I can't take this anymore, I want to kill myself"
CARD_WAIT_SECONDS = 120.0


@dataclass(frozen=True)
class HandoffFigures:
    handoffs: int
    crisis_reply: float | None
    others: tuple[float, ...]
    unanswered: int
    crisis_card_after: float | None
    crisis_card_place: int | None
    cards_by_then: int


def format_figures(f: HandoffFigures) -> list[str]:
    def seconds(value: float | None) -> str:
        return "no reply" if value is None else f"{value:.2f} s"

    lines = [f"{f.handoffs} simultaneous handoffs, one of them a crisis (agents' group at 20 messages a minute)",
             f"  crisis customer's reply      {seconds(f.crisis_reply)}"]
    if f.others:
        lines.append(f"  the others' replies          p50 {percentile(f.others, 50):.2f} s   "
                     f"p95 {percentile(f.others, 95):.2f} s   max {max(f.others):.2f} s   ({len(f.others)} replies)")
    if f.unanswered:
        lines.append(f"  without a reply              {f.unanswered}")
    if f.crisis_card_after is None:
        lines.append(f"  crisis card                  not posted within {CARD_WAIT_SECONDS:.0f} s")
    else:
        lines.append(f"  crisis card in the group     after {f.crisis_card_after:.2f} s, topic {f.crisis_card_place} "
                     f"of {f.cards_by_then} opened by then")
    return lines


async def run_handoff_benchmark(handoffs: int, model_dir: Path, precision: str,
                                report: Callable[[str], None], cache_dir: Path | None = None) -> HandoffFigures:
    api = FakeBotApi(BENCH_TOKEN).start()
    setup = WorkerSetup(api.base_url, BENCH_TOKEN, secrets.token_urlsafe(24), model_dir, precision, cache_dir)
    try:
        with tempfile.TemporaryDirectory(prefix="candor-bench-handoffs-") as folder:
            url = f"sqlite+aiosqlite:///{Path(folder) / 'handoffs.sqlite3'}"
            await _register_agents(url)
            worker = BenchWorker.start(setup, url, Path(folder), {"CANDOR_AGENTS_CHAT_ID": str(AGENTS_GROUP["id"])})
            try:
                await worker.wait_until_ready(setup.secret)
                figures = await _burst(api, worker.url, setup.secret, handoffs)
            finally:
                await worker.stop()
    finally:
        api.stop()
    for line in format_figures(figures):
        report(line)
    return figures


async def _register_agents(url: str) -> None:
    await upgrade_schema_async(url)
    database = Database(url)
    try:
        async with database.session() as session:
            for user_id, name in ((9001, "Marta"), (9002, "Li")):
                await AgentRepository(session).add(AgentProfile(
                    user_id, name, "Customer care specialist", ("en",), True, "UTC", "00:00-24:00", "mon-sun",
                    (), 1000))
    finally:
        await database.dispose()


async def _burst(api: FakeBotApi, url: str, secret: str, handoffs: int) -> HandoffFigures:
    ids = itertools.count(time.time_ns() // 1_000_000)
    customers = Customers(url, secret, api, ids, ids)
    limits = httpx.Limits(max_connections=handoffs * 2 + 4, max_keepalive_connections=handoffs * 2 + 4)
    async with httpx.AsyncClient(timeout=120.0, limits=limits) as client:
        with ReplyWatch(api, asyncio.get_running_loop()) as watch:
            for warmup in range(2):  # the model's first passes are slower; not what this measures
                await (await send_turn(client, customers, watch, 100 + warmup, "hello"))[0]
            chats = [10_000 + n for n in range(handoffs)]
            crisis_chat = chats[len(chats) // 2]
            started = time.monotonic()
            turns = await asyncio.gather(*(
                send_turn(client, customers, watch, chat, CRISIS if chat == crisis_chat else ASK_FOR_PERSON)
                for chat in chats))
            outcomes = await asyncio.gather(*(task for task, _ in turns))
    crisis_reply = next(o.reply_latency for chat, o in zip(chats, outcomes, strict=True) if chat == crisis_chat)
    others = tuple(o.reply_latency for chat, o in zip(chats, outcomes, strict=True)
                   if chat != crisis_chat and o.reply_latency is not None)
    card_after, place, cards = await _crisis_card(api, started)
    return HandoffFigures(handoffs, crisis_reply, others, sum(1 for o in outcomes if o.reply_latency is None),
                          card_after, place, cards)


async def _crisis_card(api: FakeBotApi, started: float) -> tuple[float | None, int | None, int]:
    """When, and as which topic, the crisis customer's card reached the group: its card names the reason (topic
    titles carry only the customer's name and status)."""
    deadline = time.monotonic() + CARD_WAIT_SECONDS
    crisis = REASON_LABELS[EscalationReason.SELF_HARM]
    while time.monotonic() < deadline:
        threads = [thread for _, thread, _ in api.topics]
        for place, thread in enumerate(threads, 1):
            if any(crisis in message.text for message in api.messages_in_topic(thread)):
                opened = [c.received_at for c in api.timeline if c.method == "createForumTopic"]
                return opened[place - 1] - started, place, len(threads)
        await asyncio.sleep(0.05)
    return None, None, len(api.topics)
