"""Correcting a long conversation's labels from the keyboard, in Chromium, without losing one's place.

A trainer reads down a conversation with j / k, toggles labels with 1–6, saves with Enter; the page
does not reload or jump, the toggles say which are on (aria-pressed), and the labels are stored.
Keys typed into the review notes stay in the notes. The review mark and notes are set on the same page.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.storage.conversations import ConversationRepository
from nlu.types import Analysis, EmotionScores
from tests.conftest import query_rows
from tests.e2e.console_server import ConsoleServer, shot_dir, sign_in_page

pytestmark = pytest.mark.slow


async def long_conversation(console: ConsoleServer, turns: int) -> tuple[int, list[int]]:
    """A conversation of ``turns`` customer messages (each labelled neutral by the model) and the bot's replies."""
    async with console.database.session() as session:
        conversations = ConversationRepository(session)
        ref = await conversations.open_conversation("telegram", "880", "Piotr")
        calm = Analysis("en", EmotionScores.from_mapping({"neutral": 0.8, "anger": 0.1}), ("neutral",),
                        model_version="test")
        ids = []
        for turn in range(1, turns + 1):
            ids.append(await conversations.add_customer_message(
                ref, "text", f"Message {turn}: the parcel still has not moved and nobody tells me why.", calm, turn))
            await conversations.add_bot_message(ref.conversation_id, f"Reply {turn}: I checked the tracking for you.",
                                                "answer", "answered from topic order_status (confidence 0.80)")
    return ref.conversation_id, ids


async def test_a_trainer_corrects_labels_with_j_k_1_to_6_and_enter_and_stays_where_they_were(
    console: ConsoleServer, browser_page: object, tmp_path: Path
) -> None:
    from playwright.async_api import Page, expect

    conversation_id, ids = await long_conversation(console, 12)
    page: Page = browser_page  # type: ignore[assignment]
    await sign_in_page(page, console)
    await page.goto(f"{console.url}/conversations/{conversation_id}")
    await expect(page.locator("#keys-hint")).to_be_visible()
    await expect(page.locator("#keys-hint")).to_contain_text("j / k next / previous customer message")
    await page.evaluate("window.loadedOnce = true")

    for _ in range(9):
        await page.keyboard.press("j")
    await page.keyboard.press("k")
    row = page.locator(f"#message-{ids[7]}")
    await expect(row).to_be_focused()
    await expect(row).to_have_class("customer current")
    anger, neutral = row.get_by_role("button", name="anger"), row.get_by_role("button", name="neutral")
    await expect(anger).to_have_attribute("aria-pressed", "false")
    await expect(neutral).to_have_attribute("aria-pressed", "true")

    await page.keyboard.press("1")
    await page.keyboard.press("6")
    await expect(anger).to_have_attribute("aria-pressed", "true")
    await expect(neutral).to_have_attribute("aria-pressed", "false")
    await expect(row.get_by_role("status")).to_contain_text("Not saved yet")
    scrolled = await page.evaluate("window.scrollY")
    assert scrolled > 300, "the eighth message is well down the page"
    await page.screenshot(path=str(shot_dir(tmp_path) / "console-conversation-keys.png"))

    await page.keyboard.press("Enter")
    await expect(row.get_by_role("status")).to_have_text(
        f"Correction saved for message #{ids[7]}; it goes into the next candor nlu train.")
    await expect(row.locator(".corrected")).to_have_text("anger")
    assert await page.evaluate("window.loadedOnce") is True, "saved without a reload"
    assert await page.evaluate("window.scrollY") == scrolled, "the page stayed where the trainer was"
    await expect(row).to_be_focused()
    assert query_rows(console.database_url, "select message_id, labels from corrections") == [(ids[7], "anger")]

    notes = page.get_by_label("Notes")
    await notes.click()
    await page.keyboard.type("jk16 too calm a reading")
    await page.keyboard.press("Enter")
    await expect(notes).to_have_value("jk16 too calm a reading\n")
    await expect(anger).to_have_attribute("aria-pressed", "true")
    await expect(page.locator("tr.current")).to_have_count(1)
    await expect(row).to_have_class("customer current")
    assert query_rows(console.database_url, "select count(*) from corrections") == [(1,)], "typing saved nothing"

    await row.get_by_role("button", name="anxiety").focus()
    await expect(row.get_by_role("button", name="anxiety")).to_have_css("outline-style", "solid")
    await page.keyboard.press("Enter")
    await expect(row.get_by_role("status")).to_contain_text(f"Correction saved for message #{ids[7]}")
    assert query_rows(console.database_url, "select labels from corrections order by id") == [("anger",), ("anger",)]
    await page.reload()
    await expect(page.locator(f"#message-{ids[7]} .corrected")).to_have_text("anger")
    await expect(page.locator(f"#message-{ids[7]}").get_by_role("button", name="anger")).to_have_attribute(
        "aria-pressed", "true")


async def test_a_trainer_marks_the_conversation_reviewed_with_a_note_on_its_own_page(
    console: ConsoleServer, browser_page: object
) -> None:
    from playwright.async_api import Page, expect

    page: Page = browser_page  # type: ignore[assignment]
    await sign_in_page(page, console)
    await page.locator("#queue a", has_text="#1").click()
    review = page.locator("#review")
    await review.get_by_label("reviewed").check()
    await review.get_by_label("Notes").fill("Anger rose after the refund answer:\nsay when the refund was sent.")
    await review.get_by_role("button", name="Save review").click()
    await expect(review.get_by_role("status")).to_have_text("Review saved for conversation #1.")
    assert page.url.endswith("/conversations/1?reviewed=saved#review")
    await expect(review.get_by_label("reviewed")).to_be_checked()
    await expect(review.get_by_label("Notes")).to_have_value(
        "Anger rose after the refund answer:\nsay when the refund was sent.")
    await page.get_by_role("link", name="← Review queue").click()
    row = page.locator("#conversation-1")
    await expect(row.get_by_label("reviewed")).to_be_checked()
    await expect(row.get_by_label("Notes")).to_have_value(
        "Anger rose after the refund answer:\nsay when the refund was sent.")
