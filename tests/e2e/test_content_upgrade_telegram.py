"""After an upgrade, a bot whose content folder an older release seeded starts and answers: the keys the folder
lacks in the shipped words, the shop's edited keys as edited, and the operator is told which is which."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from bot.testing.fake_bot_api import FakeBotApi
from knowledge.pack import CONTENT_DIR, load_pack
from tests.conftest import TEST_TOKEN, make_settings
from tests.e2e.running_bot import Bot
from tests.integration.older_content import OWN_HELP, older_folder

pytestmark = pytest.mark.slow


async def test_a_bot_on_an_older_content_folder_answers_with_the_shipped_text_and_keeps_the_shops_edits(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    folder = older_folder(tmp_path)
    api = FakeBotApi(TEST_TOKEN).start()
    bot = Bot(api, make_settings(tmp_path, api, CANDOR_CONTENT_DIR=str(folder)))
    try:
        with caplog.at_level(logging.INFO, logger="bot.runtime"):
            await bot.start()
        api.customer_sends_text(7001, "/start")
        api.customer_sends_text(7001, "/help")
        greeting, help_text = await api.wait_for_messages(7001, 2)
    finally:
        await bot.stop()
        api.stop()

    assert greeting.text.startswith(load_pack(CONTENT_DIR).wording_for("en").greeting), "the shipped greeting"
    assert help_text.text.startswith(OWN_HELP), "the shop's own edit, not the package's"
    told = [record.getMessage() for record in caplog.records if "package defaults" in record.getMessage()]
    assert len(told) == 1, "the operator is told once, at start"
    assert "en/wording.yaml: greeting" in told[0] and "en/wording.yaml: handoff.old_holding" in told[0]
