"""Work a unit of work starts after it commits and nobody awaits (cards, helpdesk posts), kept for a clean stop."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any


class BackgroundJobs:
    """The jobs still running, so a stop can give them a moment to finish and then cut the rest."""

    def __init__(self) -> None:
        self._jobs: set[asyncio.Task[None]] = set()

    def start(self, work: Coroutine[Any, Any, None]) -> None:
        job = asyncio.ensure_future(work)
        self._jobs.add(job)
        job.add_done_callback(self._jobs.discard)

    async def wait(self) -> None:
        """Until every job started so far (and any they started) is done (tests, and a clean stop)."""
        while self._jobs:
            await asyncio.gather(*list(self._jobs), return_exceptions=True)

    async def finish(self, grace: float) -> int:
        """Give the running jobs ``grace`` seconds, then cancel the rest; returns how many were cut."""
        if not self._jobs:
            return 0
        _, pending = await asyncio.wait(list(self._jobs), timeout=grace)
        for job in pending:
            job.cancel()
        if pending:
            await asyncio.gather(*pending, return_exceptions=True)
        return len(pending)
