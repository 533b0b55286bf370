"""Fixtures shared by the end-to-end tests."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.e2e.console_server import ConsoleServer, serve_console


@pytest.fixture
async def console(tmp_path: Path) -> AsyncIterator[ConsoleServer]:
    """Over plain http, as in local use: the cookie is not Secure (``candor console --insecure-cookie``)."""
    async with serve_console(tmp_path) as server:
        yield server
