"""``candor bench e2e --shop``: the demo shop answering over HTTP, customers who ask about their orders.

The shop is ``candor shop serve-demo`` in a child process, so its CPU shows as other load, not
as the worker's, and the worker reaches it over real loopback HTTP with a Bearer token, as it
would a shop's own server. The customers name demo orders and prove them with the order's email,
so their turns look orders up; the lookups' times come from the worker's own log lines
(bot/service/lookups.py), measured where the lookup runs. Lookups answered from the worker's
short cache are not logged, so they are not counted.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import itertools
import math
import os
import re
import secrets
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

from bot.bench.load import Script
from bot.bench.process import cpu_seconds
from bot.bench.stats import percentile
from bot.shop.demo_data import demo_orders
from bot.testing.webhook_client import free_port

READY_TIMEOUT_SECONDS = 120.0
STOP_TIMEOUT_SECONDS = 30.0
LOOKUP_LINE = re.compile(r"order lookup conversation=\d+ backend=\S+ found=(\S+) unavailable=(.+?) ms=(\d+)")
LANGUAGE_BY_CURRENCY = {"PLN": "pl", "RUB": "ru", "CNY": "zh"}
"""The demo customers write in their shop's language; every other currency's customers write in English."""
SCRIPTS = {
    "en": ("Where is my order #{ref}? It should have arrived by now.", "{email}", "When will it get to me?",
           "Thanks, that helps!"),
    "pl": ("Gdzie jest moje zamówienie #{ref}? Miało już być.", "{email}", "Kiedy do mnie dotrze?",
           "Dziękuję, wszystko jasne!"),
    "ru": ("Где мой заказ #{ref}? Он уже должен был прийти.", "{email}", "Когда он ко мне придёт?",
           "Спасибо, понятно!"),
    "zh": ("我的订单 #{ref} 在哪里？早就应该到了。", "{email}", "什么时候能送到？", "谢谢，明白了！"),
}
"""Name the order, prove it with the email on it, ask a follow-up about it, thank."""
LOOKUP_HEADER = ("order lookups in the demo shop over HTTP, per level:",
                 "chats  lookups  not found  unavailable   p50 ms   p95 ms   max ms  replies with a lookup")


class ShopServerError(RuntimeError):
    """The demo shop did not start; the message carries the end of its output."""


def order_conversations(now: dt.datetime) -> tuple[Script, ...]:
    """One conversation per demo order, the languages taking turns so every level hears all four."""
    by_language: dict[str, list[Script]] = {language: [] for language in SCRIPTS}
    for demo in demo_orders(now):
        language = LANGUAGE_BY_CURRENCY.get(demo.order.currency, "en")
        by_language[language].append(tuple(line.format(ref=demo.order.ref, email=demo.email)
                                           for line in SCRIPTS[language]))
    turns = itertools.zip_longest(*by_language.values())
    return tuple(script for group in turns for script in group if script is not None)


@dataclass(frozen=True)
class LookupFigures:
    """The shop lookups the worker made during a level's measured part (not the ones its cache answered)."""

    chats: int
    milliseconds: tuple[float, ...]
    not_found: int
    unavailable: int
    replies: int
    """The bot's replies in the same part, for the share that waited on the shop."""

    @classmethod
    def from_log(cls, chats: int, log: str, skip: int, replies: int) -> LookupFigures:
        """From the worker's log, leaving out the first ``skip`` lookups (the warm-up's)."""
        lines = [match.groups() for match in LOOKUP_LINE.finditer(log)][skip:]
        return cls(chats, tuple(float(ms) for _, _, ms in lines), sum(1 for found, _, _ in lines if found == "False"),
                   sum(1 for _, unavailable, _ in lines if unavailable != "-"), replies)


def count_lookups(log: str) -> int:
    return len(LOOKUP_LINE.findall(log))


def format_lookup_row(f: LookupFigures) -> str:
    share = f"{len(f.milliseconds) / f.replies * 100:.0f} % of {f.replies}" if f.replies else "no replies"
    return (f"{f.chats:5d}  {len(f.milliseconds):7d}  {f.not_found:9d}  {f.unavailable:11d}"
            f"  {percentile(f.milliseconds, 50):7.1f}  {percentile(f.milliseconds, 95):7.1f}"
            f"  {max(f.milliseconds, default=math.nan):7.1f}  {share:>21}")


def lookup_footer() -> str:
    return ("order lookups: the worker's own timing of each lookup that reached the shop (order, parcels and refunds "
            "fetched at once; answers from its 2-minute cache are not counted); replies with a lookup: those lookups "
            "over the bot's replies in the measured part")


class DemoShopServer:
    """``candor shop serve-demo`` on a free loopback port with a random token, for the workers to look orders up."""

    def __init__(self, process: subprocess.Popen[bytes], port: int, token: str, log_path: Path) -> None:
        self._process = process
        self._token = token
        self._log_path = log_path
        self.url = f"http://127.0.0.1:{port}"

    @classmethod
    def start(cls, folder: Path) -> DemoShopServer:
        port, token = free_port(), secrets.token_urlsafe(24)
        env = {key: value for key, value in os.environ.items()
               if not key.startswith(("TELEGRAM_", "DATABASE_", "CANDOR_"))}
        env.update({"CANDOR_SHOP": "none", "CANDOR_LOG_LEVEL": "WARNING"})
        command = ["shop", "serve-demo", "--port", str(port), "--token", token]
        log_path = folder / f"shop-{port}.log"
        with log_path.open("wb") as log:
            process = subprocess.Popen(
                [sys.executable, "-c", f"from bot.cli.main import main; raise SystemExit(main({command!r}))"],
                stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, env=env, cwd=folder,
            )
        return cls(process, port, token, log_path)

    def worker_env(self) -> dict[str, str]:
        """What a worker needs to look orders up here."""
        return {"CANDOR_SHOP": "http", "CANDOR_SHOP_URL": self.url, "CANDOR_SHOP_TOKEN": self._token}

    async def wait_until_ready(self) -> None:
        """Until GET /v1/health answers 200 with the token."""
        deadline = time.monotonic() + READY_TIMEOUT_SECONDS
        headers = {"Authorization": f"Bearer {self._token}"}
        async with httpx.AsyncClient(timeout=5.0) as client:
            while time.monotonic() < deadline:
                if self._process.poll() is not None:
                    raise ShopServerError(f"the demo shop exited with {self._process.returncode}:\n{self._output()}")
                try:
                    if (await client.get(f"{self.url}/v1/health", headers=headers)).status_code == 200:
                        return
                except httpx.TransportError:
                    pass
                await asyncio.sleep(0.1)
        self.stop()
        raise ShopServerError(f"the demo shop did not answer within {READY_TIMEOUT_SECONDS:.0f} s:\n{self._output()}")

    def cpu_seconds(self) -> float:
        return cpu_seconds(self._process.pid)

    def stop(self) -> None:
        if self._process.poll() is None:
            self._process.send_signal(signal.SIGINT)
            try:
                self._process.wait(STOP_TIMEOUT_SECONDS)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()

    def _output(self) -> str:
        return self._log_path.read_text(encoding="utf-8", errors="replace")[-3000:]
