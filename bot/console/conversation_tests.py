"""Conversation tests in the console: a trainer runs the scripted conversations against the pack they edit
and reads each failure's transcript, the case beside every turn, and the figures.

The run is ``candor test conversations`` in a child process: the same command CI runs, with its own
model and throwaway database, so the console never holds a second model or touches live data.
"""

from __future__ import annotations

import asyncio
import json
import logging
import sys
import tempfile
from pathlib import Path
from typing import Any

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from bot.console.access import GuardedRoute, trainer_page
from bot.console.web import render
from bot.service.scripted import ScriptError, load_scripts

logger = logging.getLogger(__name__)
RUN_CEILING_SECONDS = 1800.0
"""Generous: on a busy two-core machine the model alone takes a while to load and score."""


class ConversationTestPages:
    def __init__(self, scripts_dir: Path, content_dir: Path) -> None:
        self._scripts_dir = scripts_dir
        self._content_dir = content_dir
        self._last: dict[str, Any] | None = None
        self._running = asyncio.Lock()

    def routes(self) -> list[GuardedRoute]:
        return [
            trainer_page("/conversation-tests", self.overview),
            trainer_page("/conversation-tests/run", self.run, methods=["POST"]),
        ]

    async def overview(self, request: Request, trainer: str) -> Response:
        files = sorted(self._scripts_dir.glob("*.yaml")) if self._scripts_dir.is_dir() else []
        try:
            scripts = load_scripts(files)
            problem = ""
        except ScriptError as error:
            scripts, problem = [], str(error)
        return render(request, "conversation_tests.html", {
            "trainer": trainer, "folder": str(self._scripts_dir), "files": [f.name for f in files],
            "count": len(scripts), "problem": problem, "last": self._last, "running": self._running.locked(),
        })

    async def run(self, request: Request, trainer: str) -> Response:
        form = await request.form()
        keyword_scores = form.get("keyword_scores") == "on"
        if self._running.locked():
            return RedirectResponse("/conversation-tests", status_code=303)
        async with self._running:
            self._last = await self._play(keyword_scores)
        logger.info("conversation tests run by a trainer: %s", self._last.get("summary", "no summary"))
        return RedirectResponse("/conversation-tests", status_code=303)

    async def _play(self, keyword_scores: bool) -> dict[str, Any]:
        with tempfile.TemporaryDirectory(prefix="candor-console-tests-") as scratch:
            report = Path(scratch) / "results.json"
            command = [sys.executable, "-m", "bot.cli.main", "test", "conversations", str(self._scripts_dir),
                       "--content", str(self._content_dir), "--json", str(report),
                       *(["--keyword-scores"] if keyword_scores else [])]
            process = await asyncio.create_subprocess_exec(*command, stdout=asyncio.subprocess.PIPE,
                                                           stderr=asyncio.subprocess.PIPE)
            try:
                out, err = await asyncio.wait_for(process.communicate(), RUN_CEILING_SECONDS)
            except TimeoutError:
                process.kill()
                await process.wait()
                return {"error": f"the run took longer than {RUN_CEILING_SECONDS:.0f} s and was stopped"}
            lines = out.decode("utf-8", "replace").strip().splitlines()
            summary = lines[-1] if lines else ""
            if not report.is_file():
                reason = err.decode("utf-8", "replace").strip().splitlines()
                return {"error": (reason[-1] if reason else f"the run ended with code {process.returncode}")}
            result: dict[str, Any] = json.loads(report.read_text(encoding="utf-8"))
        result["summary"] = summary
        result["keyword_scores"] = keyword_scores
        return result
