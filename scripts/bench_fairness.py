"""Does one customer's burst slow the others? A real webhook worker, the fake Bot API, figures only.

Ten ordinary customers write conversations (each waits for the reply before the next line),
first alone, then while five other customers each post 60 messages at once. Prints the
ordinary customers' reply latency in both phases, and what the flooders got; asserts nothing.

    PYTHONPATH=$PWD HF_HUB_OFFLINE=1 python scripts/bench_fairness.py [FOLDER]

FOLDER, if given, keeps the worker's database and log (timestamped INFO lines) for a closer look.
"""

from __future__ import annotations

import asyncio
import itertools
import secrets
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx

from bot.bench.worker import BenchWorker, WorkerSetup
from bot.channels.webhook import SECRET_HEADER
from bot.testing.fake_bot_api import FakeBotApi
from bot.testing.webhook_client import text_update
from nlu.model import default_model_dir

TOKEN = "123456:BENCH-fairness"
FLOODERS, FLOOD_MESSAGES, ORDINARY = 5, 60, 10
LINES = ("Hi, where is my order? It was due on Monday.", "It's order #4711",
         "The tracking page hasn't changed since Friday", "How long does the bank usually take for a refund?")


async def ordinary_customer(client: httpx.AsyncClient, url: str, secret: str, api: FakeBotApi, chat_id: int,
                            update_ids: itertools.count[int]) -> list[float]:
    """Seconds from each post to its reply at the Bot API."""
    latencies = []
    for text in LINES:
        before = len(api.messages_to(chat_id))
        started = time.monotonic()
        await client.post(url, json=text_update(next(update_ids), chat_id, text), headers={SECRET_HEADER: secret})
        replies = api.messages_to(chat_id)
        if len(replies) > before:
            latencies.append(replies[before].received_at - started)
    return latencies


async def flood(client: httpx.AsyncClient, url: str, secret: str, chat_id: int, update_ids: itertools.count[int]) -> None:
    updates = [text_update(next(update_ids), chat_id, f"Where is my order?? message {n}") for n in range(FLOOD_MESSAGES)]
    await asyncio.gather(*(client.post(url, json=update, headers={SECRET_HEADER: secret}) for update in updates))


def describe(name: str, latencies: list[float]) -> str:
    ordered = sorted(latencies)
    p95 = ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]
    return (f"{name}: {len(ordered)} replies, p50 {statistics.median(ordered):.2f} s, p95 {p95:.2f} s, "
            f"max {ordered[-1]:.2f} s")


async def main() -> int:
    api = FakeBotApi(TOKEN).start()
    secret = secrets.token_urlsafe(24)
    setup = WorkerSetup(api.base_url, TOKEN, secret, default_model_dir(), "auto")
    update_ids, chat_ids = itertools.count(1), itertools.count(700_000)
    with tempfile.TemporaryDirectory() as scratch:
        folder = sys.argv[1] if len(sys.argv) > 1 else scratch
        Path(folder).mkdir(parents=True, exist_ok=True)
        worker = BenchWorker.start(setup, f"sqlite:///{folder}/bench.sqlite3", Path(folder))
        try:
            await worker.wait_until_ready(secret)
            async with httpx.AsyncClient(timeout=300, limits=httpx.Limits(max_connections=1000)) as client:
                await ordinary_customer(client, worker.url, secret, api, next(chat_ids), update_ids)  # warm-up
                quiet = await asyncio.gather(*(ordinary_customer(client, worker.url, secret, api, next(chat_ids),
                                                                 update_ids) for _ in range(ORDINARY)))
                flooders = [next(chat_ids) for _ in range(FLOODERS)]
                started = time.monotonic()
                floods = asyncio.gather(*(flood(client, worker.url, secret, chat, update_ids) for chat in flooders))
                await asyncio.sleep(0.2)
                busy_chats = [next(chat_ids) for _ in range(ORDINARY)]
                busy = await asyncio.gather(*(ordinary_customer(client, worker.url, secret, api, chat, update_ids)
                                              for chat in busy_chats))
                await floods
                flood_seconds = time.monotonic() - started
        finally:
            await worker.stop()
            api.stop()
    print(describe("others, alone          ", [x for run in quiet for x in run]))
    print(describe("others, during 5x60 burst", [x for run in busy for x in run]))
    slowest = max(zip(busy_chats, busy), key=lambda pair: max(pair[1], default=0.0))
    print(f"slowest ordinary customer during the burst: chat {slowest[0]}, {[round(x, 2) for x in slowest[1]]}")
    print(f"flooders: {FLOODERS * FLOOD_MESSAGES} messages acknowledged in {flood_seconds:.1f} s, "
          f"replies per flooder {[len(api.messages_to(chat)) for chat in flooders]}")
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
