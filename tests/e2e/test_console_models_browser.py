"""A trainer compares a candidate with the live model in Chromium, watches it progress, reads the result,
promotes it after confirming, and rolls back in one click."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from nlu.model import default_model_dir
from nlu.registry import live_model_dir
from tests.e2e.console_server import PASSWORD, serve_console, shot_dir
from tests.e2e.model_comparisons import SAMPLE, eager_copy

pytestmark = pytest.mark.slow
COMPARISON_CEILING_MS = 600_000


async def test_a_trainer_compares_in_the_background_promotes_after_confirming_and_rolls_back(
    tmp_path: Path, browser_page: object
) -> None:
    from playwright.async_api import Page, expect

    page: Page = browser_page  # type: ignore[assignment]
    shots = shot_dir(tmp_path)
    async with serve_console(tmp_path, dev_limit=SAMPLE) as console:
        eager_copy(console.models, "eager-anger", "anger")
        await page.goto(console.url + "/")
        await page.fill("#username", "anna")
        await page.fill("#password", PASSWORD)
        await page.click("button[type=submit]")
        await page.get_by_role("link", name="Models").click()

        await page.locator("#model-eager-anger").get_by_role("button", name="Compare with live").click()
        progress = page.locator("#progress")
        await expect(progress).to_contain_text("rows scored")
        await expect(progress.locator(".rows")).to_have_text(re.compile(r"^[1-9]\d* / [1-9]\d*$"),
                                                             timeout=COMPARISON_CEILING_MS)
        await page.screenshot(path=str(shots / "console-compare-progress.png"), full_page=True)

        result = page.locator("#result")
        await expect(result).to_be_visible(timeout=COMPARISON_CEILING_MS)
        en_support = page.locator('#by-language tr[data-language=en]').filter(has_text="support chat")
        await expect(en_support.locator("td.n")).to_have_text(str(SAMPLE))
        await expect(page.locator("#by-class-1 tr[data-label=anger] td.change")).not_to_have_text("= 0.000")
        await expect(page.locator("#flips")).to_contain_text("My refund still hasn't come and I'm scared")
        await page.screenshot(path=str(shots / "console-compare.png"), full_page=True)

        await page.get_by_role("link", name="Promote eager-anger…").click()
        await expect(page.get_by_role("heading", name="Make eager-anger the live model?")).to_be_visible()
        await expect(page.locator("#evidence")).to_contain_text("past messages would be labelled differently")
        assert live_model_dir(console.models) == default_model_dir(), "the confirm page changes nothing"
        await page.get_by_role("button", name="Yes, make eager-anger live").click()
        await expect(page.get_by_role("status")).to_contain_text("eager-anger is now the live model")
        assert live_model_dir(console.models) == console.models / "eager-anger"

        await page.get_by_role("button", name="Roll back to shipped").click()
        await expect(page.get_by_role("status")).to_contain_text("shipped is now the live model")
        await expect(page.locator("#changes li").first).to_contain_text("rollback by anna: eager-anger → shipped")
        assert live_model_dir(console.models) == default_model_dir()
        await page.screenshot(path=str(shots / "console-models-rollback.png"), full_page=True)
