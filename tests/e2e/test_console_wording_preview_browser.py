"""Preview before Save, as a trainer uses it in Chromium, on a conversation the running bot really had.

A customer tells the bot (a real ``serve_telegram`` over the fake Bot API, on the console's database
and content folder) about a double charge on an order; the bot's reply carries the topic's next step
with that order and a promised time. The trainer rewrites the next step, previews it — the whole
reply in four languages side by side, and that conversation replayed with the draft, marked as
changing — and saves; the bot, started again, answers with the new words.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from knowledge.pack import load_pack
from tests.e2e.console_server import ConsoleServer, shot_dir, sign_in_page
from tests.e2e.running_bot import bot_beside_console

pytestmark = pytest.mark.slow
COMPLAINT = "I was charged twice for order #50001"
DRAFT = ("Now: our payments team checks both charges on order {order_ref} again.\n"
         "When: the person who checked writes to you here {deadline}.")


async def test_a_trainer_previews_a_next_step_in_four_languages_and_on_a_past_conversation_then_saves_it(
    console: ConsoleServer, browser_page: object, tmp_path: Path
) -> None:
    from playwright.async_api import Page, expect

    api, bot = bot_beside_console(console, tmp_path / "bot")
    try:
        await bot.start()
        api.customer_sends_text(6201, COMPLAINT)
        [got] = await api.wait_for_messages(6201, 1)
        assert "checks both charges on order #50001" in got.text, got.text
        await bot.stop()

        page: Page = browser_page  # type: ignore[assignment]
        await sign_in_page(page, console)
        await page.goto(console.url + "/knowledge/en/topics.yaml")
        await page.locator("#texts tr", has_text="double_charge.next_step").get_by_role("link", name="Edit").click()
        await page.fill("textarea[name=text]", DRAFT)
        await page.get_by_role("button", name="Preview").click()

        preview = page.locator("#preview")
        await expect(preview.get_by_role("heading", name="Preview")).to_be_visible()
        columns = preview.locator("section.language")
        await expect(columns).to_have_count(4)
        english = preview.locator("#language-en")
        await expect(english).to_contain_text("your draft")
        previewed = "Now: our payments team checks both charges on order #50001 again. When: the person who checked"
        await expect(english.locator(".reply")).to_contain_text(previewed)
        await expect(preview.locator("#preview-note")).to_contain_text("line breaks in this draft as spaces")
        for language in ("pl", "ru", "zh"):
            await expect(preview.locator(f"#language-{language}")).to_contain_text("as it is now")
        boxes = [await columns.nth(i).bounding_box() for i in range(4)]
        assert all(box is not None for box in boxes)
        assert len({round(box["y"]) for box in boxes if box}) == 1, "the four languages stand side by side"

        replay = preview.locator("li.replay.changes")
        await expect(replay).to_have_count(1)
        await expect(replay.locator(".verdict")).to_have_text("changes")
        await expect(replay.locator(".then")).to_contain_text(got.text.split("\n\n")[-1][:40])
        await expect(replay.locator(".would-be")).to_contain_text("checks both charges on order #50001 again")
        await page.screenshot(path=str(shot_dir(tmp_path) / "console-wording-preview.png"), full_page=True)

        await page.set_viewport_size({"width": 420, "height": 900})
        stacked = [await columns.nth(i).bounding_box() for i in range(2)]
        assert stacked[0] is not None and stacked[1] is not None and stacked[1]["y"] > stacked[0]["y"], (
            "under 600 px the languages stack")
        await page.set_viewport_size({"width": 1100, "height": 900})

        await page.get_by_role("button", name="Save").click()
        await expect(page.get_by_role("status")).to_contain_text("Saved.")
        topic = load_pack(console.content).topic("double_charge", "en")
        assert topic is not None and topic.next_step == " ".join(DRAFT.split())

        await bot.start()
        api.customer_sends_text(6202, COMPLAINT)
        [again] = await api.wait_for_messages(6202, 1)
        assert previewed in again.text, "the bot says what the preview showed"
    finally:
        await bot.stop()
        api.stop()
