"""The Unmatched page as a trainer uses it, in Chromium: a message the bot could not place is taught to a topic.

A customer asks the bot (a real ``serve_telegram`` over the fake Bot API, on the console's database
and content folder) something no topic is close enough to; the bot asks a clarifying question. The
trainer finds the message on the Unmatched page with its two closest topics, adds it to a topic in
one click and lands back on the same row; the bot, started again, answers that message from the topic.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from knowledge.pack import load_pack
from tests.e2e.console_server import ConsoleServer, shot_dir, sign_in_page
from tests.e2e.running_bot import bot_beside_console

pytestmark = pytest.mark.slow
QUESTION = "Will the mug survive a dishwasher?"


async def test_a_message_the_bot_could_not_place_is_added_to_a_topic_and_then_answered_from_it(
    console: ConsoleServer, browser_page: object, tmp_path: Path
) -> None:
    from playwright.async_api import Page, expect

    api, bot = bot_beside_console(console, tmp_path / "bot")
    try:
        await bot.start()
        api.customer_sends_text(6101, QUESTION)
        await api.wait_for_messages(6101, 1)
        [*_, asked] = await bot.stored(6101)
        assert asked.sender == "bot" and asked.move == "clarify", "no topic is close enough to this question yet"
        await bot.stop()

        page: Page = browser_page  # type: ignore[assignment]
        await sign_in_page(page, console)
        await page.goto(console.url + "/knowledge")
        await page.get_by_role("link", name="Unmatched messages").click()
        row = page.locator("tr.unmatched", has_text=QUESTION)
        await expect(row.locator(".score")).to_have_count(2)
        await expect(row.locator(".score").first).to_contain_text("0.")
        await page.screenshot(path=str(shot_dir(tmp_path) / "console-unmatched.png"), full_page=True)
        await row.get_by_label("Topic for message").select_option("product_question")
        await row.get_by_role("button", name="Add as example").click()

        await expect(page.get_by_role("status")).to_contain_text("to topic product_question (en)")
        await expect(row.locator(".handled")).to_have_text("Added to product_question")
        assert page.url.endswith(f"#{await row.get_attribute('id')}"), "back at the same message, not the top"
        topic = load_pack(console.content).topic("product_question", "en")
        assert topic is not None and QUESTION in topic.examples
        await page.goto(console.url + "/knowledge/topics/product_question")
        await expect(page.get_by_label("Example questions in en, one a line")).to_contain_text(QUESTION)
        await page.screenshot(path=str(shot_dir(tmp_path) / "console-topic.png"), full_page=True)

        await bot.start()
        api.customer_sends_text(6102, QUESTION)
        [reply] = await api.wait_for_messages(6102, 1)
        assert topic.answer in reply.text, reply.text
    finally:
        await bot.stop()
        api.stop()
