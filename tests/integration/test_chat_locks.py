"""One chat at a time: in one process on both databases, across processes on PostgreSQL."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from bot.storage.chat_locks import ChatLocks, lock_number
from tests.conftest import database_url, on_postgres


async def test_the_same_chat_waits_other_chats_do_not_and_holding_again_does_not_wait_on_itself(tmp_path: Path) -> None:
    locks = ChatLocks.for_database(database_url(tmp_path))
    order: list[str] = []
    released = asyncio.Event()

    async def first() -> None:
        async with locks.hold("telegram:1"):
            order.append("first in")
            async with locks.hold("telegram:1"):  # the service inside the webhook asks again
                order.append("first again")
            await released.wait()
            order.append("first out")

    async def second() -> None:
        async with locks.hold("telegram:1"):
            order.append("second in")

    async def other_chat() -> None:
        async with locks.hold("telegram:2"):
            order.append("other chat")

    async def until(wanted: str) -> None:
        while wanted not in order:
            await asyncio.sleep(0.01)

    try:
        tasks = [asyncio.create_task(first())]
        await asyncio.wait_for(until("first again"), timeout=60)
        tasks += [asyncio.create_task(second()), asyncio.create_task(other_chat())]
        await asyncio.wait_for(until("other chat"), timeout=60)
        await asyncio.sleep(0.5)  # room for the second to get in, were it not waiting
        assert order == ["first in", "first again", "other chat"], "the same chat waits; another chat does not"
        released.set()
        await asyncio.wait_for(asyncio.gather(*tasks), timeout=60)
        assert order[-2:] == ["first out", "second in"]
    finally:
        await locks.dispose()


pytestmark_postgres = pytest.mark.skipif(not on_postgres(), reason="advisory locks are PostgreSQL's")


@pytestmark_postgres
async def test_two_workers_never_hold_the_same_chat_at_once(tmp_path: Path) -> None:
    url = database_url(tmp_path)
    worker_a, worker_b = ChatLocks.for_database(url), ChatLocks.for_database(url)
    entered = asyncio.Event()
    try:
        async with worker_a.hold("telegram:42"):
            waiting = asyncio.create_task(_enter(worker_b, "telegram:42", entered))
            await asyncio.sleep(0.5)
            assert not entered.is_set(), "worker B waits while worker A has the chat"
            async with worker_b.hold("telegram:43"):
                pass  # a different chat goes straight through
        await asyncio.wait_for(waiting, timeout=60)
        assert entered.is_set()
    finally:
        await worker_a.dispose()
        await worker_b.dispose()


@pytestmark_postgres
async def test_a_worker_killed_with_sigkill_does_not_leave_its_chat_locked(tmp_path: Path) -> None:
    url = make_url(database_url(tmp_path)).set(drivername="postgresql").render_as_string(hide_password=False)
    holder = subprocess.Popen([sys.executable, "-c", textwrap.dedent(f"""
        import asyncio, asyncpg
        async def main():
            connection = await asyncpg.connect({url!r})
            await connection.execute("SELECT pg_advisory_lock({lock_number('telegram:77')})")
            print("holding", flush=True)
            await asyncio.sleep(600)
        asyncio.run(main())
    """)], stdout=subprocess.PIPE, text=True)
    locks = ChatLocks.for_database(database_url(tmp_path))
    entered = asyncio.Event()
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "holding"
        waiting = asyncio.create_task(_enter(locks, "telegram:77", entered))
        await asyncio.sleep(0.5)
        assert not entered.is_set()
        os.kill(holder.pid, signal.SIGKILL)
        await asyncio.wait_for(waiting, timeout=60)
        assert entered.is_set(), "the server freed the lock when the killed worker's connection dropped"
    finally:
        holder.kill()
        holder.wait()
        if holder.stdout is not None:
            holder.stdout.close()
        await locks.dispose()


async def _enter(locks: ChatLocks, key: str, entered: asyncio.Event) -> None:
    async with locks.hold(key):
        entered.set()
