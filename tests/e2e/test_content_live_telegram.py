"""A wording edit saved in the console reaches a running bot: the next customer message gets the new text,
and a revert does the same, without restarting the bot."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest

from tests.e2e.console_server import CSRF, ConsoleServer, sign_in
from tests.e2e.running_bot import bot_beside_console

pytestmark = pytest.mark.slow
NEW_HELP = "I'm Candor, the shop's bot: tell me what went wrong with your order and I'll say what happens next."


async def test_a_wording_edit_in_the_console_is_said_by_the_running_bot_from_the_next_message(
        console: ConsoleServer, tmp_path: Path) -> None:
    api, bot = bot_beside_console(console, tmp_path / "bot")
    try:
        await bot.start()
        api.customer_sends_text(7101, "/help")
        [before] = await api.wait_for_messages(7101, 1)
        assert NEW_HELP not in before.text

        async with httpx.AsyncClient(base_url=console.url, timeout=60) as client:
            await sign_in(client)
            page = await client.get("/knowledge/en/wording.yaml/edit", params={"path": "help"})
            token = CSRF.search(page.text)
            assert token is not None
            saved = await client.post("/knowledge/en/wording.yaml/edit", data={
                "csrf": token.group(1), "path": "help", "text": NEW_HELP, "action": "save"})
            assert saved.status_code == 200 and "the next customer message on" in saved.text
            assert "next start" not in saved.text

            api.customer_sends_text(7101, "/help")
            [_, after] = await api.wait_for_messages(7101, 2)
            assert after.text.startswith(NEW_HELP), "the running bot says the saved words"

            version = re.search(r'action="/knowledge/versions/(\d+)/revert"', saved.text)
            assert version is not None
            reverted = await client.post(f"/knowledge/versions/{version.group(1)}/revert",
                                         data={"csrf": token.group(1)})
            assert reverted.status_code in (200, 303)

        api.customer_sends_text(7101, "/help")
        [*_, back] = await api.wait_for_messages(7101, 3)
        assert back.text == before.text, "a revert reaches the running bot the same way"
    finally:
        await bot.stop()
        api.stop()
