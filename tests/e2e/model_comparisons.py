"""Candidate models for comparison tests, made from the shipped artifact without training, and waiting on a comparison."""

from __future__ import annotations

import asyncio
import json
import re
import shutil
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import httpx

from nlu.model import default_model_dir
from nlu.types import SUPPORT_CLASSES
from tests.e2e.console_server import CSRF, ConsoleServer, serve_console, sign_in

SAMPLE = 8
"""Rows per evaluation set in these tests: enough for every table, cheap on a shared 2-core machine."""


def eager_copy(models: Path, name: str, feeling: str) -> Path:
    """The shipped model with its English threshold for ``feeling`` near zero: it sees that feeling everywhere."""
    target = models / name
    shutil.copytree(default_model_dir(), target)
    config = json.loads((target / "config.json").read_text(encoding="utf-8"))
    config["thresholds"][SUPPORT_CLASSES.index(feeling)] = 0.001
    config["version"] = f"{config['version']}-eager-{feeling}"
    (target / "config.json").write_text(json.dumps(config), encoding="utf-8")
    return target


async def finished(client: httpx.AsyncClient, location: str, ceiling_s: float = 600) -> str:
    """The comparison page once it stops running (polled as the page's own refresh does)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + ceiling_s
    while True:
        page = (await client.get(location)).text
        if 'id="progress"' not in page:
            return page
        assert loop.time() < deadline, "the comparison did not finish"
        await asyncio.sleep(0.5)


def rows_scored(page: str) -> tuple[int, int] | None:
    found = re.search(r'class="rows">(\d+) / (\d+)<', page)
    return (int(found.group(1)), int(found.group(2))) if found else None


@asynccontextmanager
async def models_page(tmp_path: Path) -> AsyncIterator[tuple[ConsoleServer, httpx.AsyncClient, str]]:
    """The console with a small comparison sample, a signed-in trainer's client, and the session's form token."""
    async with serve_console(tmp_path, dev_limit=SAMPLE) as console, \
            httpx.AsyncClient(base_url=console.url, timeout=60) as client:
        await sign_in(client)
        token = CSRF.search((await client.get("/models")).text)
        assert token is not None
        yield console, client, token.group(1)
