"""A quality lead's week in Chromium: the queue finds the failures, filters narrow it, a bar opens it."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.console_server import PASSWORD, ConsoleServer, shot_dir

pytestmark = pytest.mark.slow


async def test_a_quality_lead_finds_the_weeks_failures_filters_marks_one_reviewed_and_opens_a_bar(
    week: tuple[ConsoleServer, dict[str, int]], browser_page: object, tmp_path: Path
) -> None:
    from playwright.async_api import Page, expect

    console, ids = week
    page: Page = browser_page  # type: ignore[assignment]
    shots = shot_dir(tmp_path)
    await page.goto(console.url + "/")
    await page.fill("#username", "anna")
    await page.fill("#password", PASSWORD)
    await page.click("button[type=submit]")

    rows = page.locator("#queue tbody tr")
    await expect(rows.nth(0)).to_be_visible()
    top = {await rows.nth(0).get_attribute("data-conversation"), await rows.nth(1).get_attribute("data-conversation")}
    assert top == {str(ids["Ben"]), str(ids["Kasia"])}, "both real failures rank first"
    await expect(page.locator(f"#conversation-{ids['Ben']} .why")).to_contain_text("thanked, then got the refund script")
    await expect(page.locator(f"#conversation-{ids['Kasia']} .why")).to_contain_text(
        "spoke of fraud or lost money, answered as double_charge; never handed to a person")
    await page.screenshot(path=str(shots / "console-queue.png"), full_page=True)

    await page.select_option("#queue-filters select[name=language]", "pl")
    await page.fill("#queue-filters input[name=q]", "mojej karty")
    await page.get_by_role("button", name="Filter").click()
    await expect(rows).to_have_count(1)
    assert "language=pl" in page.url and "q=mojej+karty" in page.url, "the filter is a link"
    kasia = page.locator(f"#conversation-{ids['Kasia']}")
    await kasia.get_by_label("reviewed").check()
    await kasia.get_by_label("Notes").fill("Fraud words missed.\nAdd them to the fraud handoff.")
    await kasia.get_by_role("button", name="Save review").click()
    await expect(page.get_by_role("status")).to_contain_text(f"Review saved for conversation #{ids['Kasia']}")
    await expect(page.locator("#queue-filters select[name=language]")).to_have_value("pl")
    await expect(kasia.get_by_label("reviewed")).to_be_checked()
    await expect(kasia.get_by_label("Notes")).to_have_value("Fraud words missed.\nAdd them to the fraud handoff.")
    await page.screenshot(path=str(shots / "console-queue-filtered.png"), full_page=True)

    await page.goto(console.url + "/dashboard")
    await page.fill("#week-picker input[name=week]", "2026-11-23")
    await page.get_by_role("button", name="Show").click()
    await expect(page.locator("#week-topics tr[data-topic=refund] td.conversations")).to_have_text("4")
    await page.screenshot(path=str(shots / "console-week.png"), full_page=True)
    await page.get_by_role("link", name="refund: 4, open in the review queue").click()
    await expect(page.locator("#queue-filters select[name=topic]")).to_have_value("refund")
    await expect(rows).to_have_count(4)
    await expect(rows.nth(0)).to_have_attribute("data-conversation", str(ids["Ben"]))

    await page.set_viewport_size({"width": 390, "height": 844})
    await page.goto(console.url + "/")
    cells = page.locator(f"#conversation-{ids['Ben']} td")
    first, second = await cells.nth(0).bounding_box(), await cells.nth(1).bounding_box()
    assert first is not None and second is not None and second["y"] > first["y"], "columns stack on a phone"
    await page.keyboard.press("Tab")
    await expect(page.get_by_role("link", name="Skip to content")).to_be_focused()
    await page.screenshot(path=str(shots / "console-queue-phone.png"), full_page=True)
