"""The Topics pages as a trainer uses them, in Chromium, and what the bot then does with the pack.

A trainer creates a topic (the bot does not match a question it was not taught yet), renames it,
teaches it that question and sets its form, publishes a draft
imported from the help centre, and the bot (a real ``serve_telegram`` over the fake Bot API, on the
console's content folder) matches both: the new topic's taught question gets its answer and the
form's question, the draft's question its answer. Retired, the topic is no longer matched.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from bot.storage.conversations import StoredMessage
from knowledge.pack import load_pack
from tests.conftest import CANDOR, subprocess_env
from tests.e2e.console_server import ConsoleServer, shot_dir, sign_in_page
from tests.e2e.running_bot import Bot, bot_beside_console

pytestmark = pytest.mark.slow
HELP_CENTRE = Path(__file__).resolve().parents[1] / "fixtures" / "help_centre"
ENGRAVING = {
    "id": "engraving", "problem": "your engraving", "owner": "our workshop team",
    "answer": "We engrave up to 20 letters on any ceramic pot for 15 zł; the engraving adds two days to delivery.",
    "reassurance": "We send a photo of the engraving before the pot ships.",
    "first_step": "Write the letters in the order's comment box.",
    "next_step": "Now: add the letters to your order. Next: we send a photo of the engraving within two days.",
    "examples": "Can you engrave a name on the pot?\nDo you do engraving?", "keywords": "engrave, engraving",
}
TAUGHT = "Could you put my mum's name on the planter?"


async def test_a_topic_is_created_renamed_taught_given_a_form_published_and_retired_and_the_bot_follows(
    console: ConsoleServer, browser_page: object, tmp_path: Path
) -> None:
    from playwright.async_api import Page, expect

    imported = subprocess.run([str(CANDOR), "knowledge", "import", str(HELP_CENTRE / "markdown"), "--content",
                               str(console.content)], check=False, capture_output=True, text=True, timeout=300,
                              cwd=tmp_path, env=subprocess_env(tmp_path, DATABASE_URL=console.database_url))
    assert imported.returncode == 0, imported.stderr
    page: Page = browser_page  # type: ignore[assignment]
    await sign_in_page(page, console)
    await page.goto(console.url + "/knowledge/topics")
    for name, value in ENGRAVING.items():
        if name != "id":
            await page.locator(f"#new-{name}").fill(value)
    await page.locator("#new-id").fill("engraving")
    await page.get_by_role("button", name="Create topic").click()
    await expect(page.get_by_role("heading", name="Topic engraving")).to_be_visible()
    await expect(page.get_by_role("status")).to_contain_text("Saved (created)")

    api, bot = bot_beside_console(console, tmp_path / "bot")
    try:
        await bot.start()
        _, untaught = await bot_replies(bot, 7100, TAUGHT)
        assert untaught.case_after is None or untaught.case_after.topic_id != "engraving", "not taught yet"
        await bot.stop()

        await page.get_by_label("Title in en").fill("your name engraving")
        await page.get_by_role("button", name="Rename in en").click()
        await expect(page.get_by_label("Title in en")).to_have_value("your name engraving")
        examples = page.get_by_label("Example questions in en, one a line")
        await examples.fill(f"{ENGRAVING['examples']}\n{TAUGHT}")
        await page.get_by_role("button", name="Save examples in en").click()
        await expect(examples).to_have_value(f"{ENGRAVING['examples']}\n{TAUGHT}")
        await page.locator("#form").get_by_label("order_ref").check()
        await page.get_by_role("button", name="Save form").click()
        await expect(page.locator("#form").get_by_label("order_ref")).to_be_checked()
        assert page.url.endswith("?done=form#form"), "back at the part that was changed"
        await expect(page.locator("#history tr")).to_have_count(4)
        topic = load_pack(console.content).topic("engraving", "en")
        assert topic is not None and topic.problem == "your name engraving"
        assert TAUGHT in topic.examples and topic.needs == ("order_ref",)

        await page.goto(console.url + "/knowledge/drafts")
        workshops = page.locator("#draft-md_workshops")
        await expect(workshops.locator(".state")).to_have_text("draft")
        assert load_pack(console.content).topic("md_workshops", "en") is None, "a draft is not live"
        await workshops.get_by_role("button", name="Publish").click()
        await expect(page.get_by_role("status")).to_contain_text("Published md_workshops")
        await page.goto(console.url + "/knowledge/topics")
        await expect(page.locator("#topic-engraving .state")).to_have_text("live")
        await expect(page.locator("#topic-md_workshops .state")).to_have_text("live")
        await page.screenshot(path=str(shot_dir(tmp_path) / "console-topics.png"), full_page=True)

        await bot.start()
        reply, answered = await bot_replies(bot, 7101, TAUGHT)
        assert answered.case_after is not None and answered.case_after.topic_id == "engraving", reply
        assert answered.move == "ask_detail" and answered.case_after.awaiting == "order_ref", "the form is asked"
        assert topic.answer in reply, reply
        pack = load_pack(console.content)
        workshop = pack.topic("md_workshops", "en")
        assert workshop is not None
        heard, _ = await bot_replies(bot, 7102, "How do I book a place at your repotting workshop?")
        assert workshop.answer in heard, heard
        await bot.stop()

        await page.goto(console.url + "/knowledge/topics/engraving")
        await page.get_by_role("button", name="Retire: take out of the live pack").click()
        await expect(page.get_by_role("heading", name="State: retired")).to_be_visible()
        assert load_pack(console.content).topic("engraving", "en") is None
        await bot.start()
        _, unplaced = await bot_replies(bot, 7103, TAUGHT)
        assert unplaced.case_after is None or unplaced.case_after.topic_id != "engraving", "retired: not matched"
    finally:
        await bot.stop()
        api.stop()


async def bot_replies(bot: Bot, chat_id: int, text: str) -> tuple[str, StoredMessage]:
    """What the bot says to a customer's ``text``, and its reply as stored (its move, the topic it placed it in)."""
    bot.api.customer_sends_text(chat_id, text)
    [reply] = await bot.api.wait_for_messages(chat_id, 1)
    [*_, stored] = await bot.stored(chat_id)
    assert stored.sender == "bot"
    return reply.text, stored
