"""Fixtures shared by the end-to-end tests."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.e2e.console_server import CHROMIUM, CHROMIUM_FLAGS, ConsoleServer, serve_console
from tests.e2e.week_of_traffic import seed_week


@pytest.fixture
async def console(tmp_path: Path) -> AsyncIterator[ConsoleServer]:
    """Over plain http, as in local use: the cookie is not Secure (``candor console --insecure-cookie``)."""
    async with serve_console(tmp_path) as server:
        yield server


@pytest.fixture
async def week(tmp_path: Path) -> AsyncIterator[tuple[ConsoleServer, dict[str, int]]]:
    """The console with a week of mixed traffic (tests/e2e/week_of_traffic.py); conversation ids by customer name."""
    async with serve_console(tmp_path) as server:
        yield server, await seed_week(server.database)


@pytest.fixture
async def browser_page(tmp_path: Path) -> AsyncIterator[object]:
    """A page of a real headless Chromium (Debian's), driven by Playwright; skipped where it is not installed."""
    if CHROMIUM is None:
        pytest.skip("Debian's chromium is not installed (scripts/setup.sh installs it when run as root)")
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_FLAGS)
        page = await browser.new_page(viewport={"width": 1100, "height": 900})
        yield page
        await browser.close()
