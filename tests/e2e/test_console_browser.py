"""The console as a trainer uses it, in a real headless Chromium (Debian's) driven by Playwright."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.policy.tasks import TaskState
from tests.e2e.console_server import PASSWORD, ConsoleServer, serve_console, shot_dir
from tests.integration.test_task_figures_stored import at, stored_task

pytestmark = pytest.mark.slow


async def test_a_trainer_signs_in_reviews_corrects_edits_wording_and_sees_charts(
    console: ConsoleServer, browser_page: object, tmp_path: Path
) -> None:
    from playwright.async_api import Page, expect

    page: Page = browser_page  # type: ignore[assignment]
    shots = shot_dir(tmp_path)
    await page.goto(console.url + "/")
    await expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    await page.fill("#username", "anna")
    await page.fill("#password", PASSWORD)
    await page.click("button[type=submit]")

    await expect(page.get_by_role("heading", name="Review queue")).to_be_visible()
    await expect(page.locator("#queue")).to_contain_text("emotion rose instead of fell")
    await page.screenshot(path=str(shots / "console-review-queue.png"), full_page=True)

    await page.click("#queue a")
    chart = page.locator("svg.chart polyline[data-series=anxiety]")
    await expect(chart).to_be_visible()
    box = await chart.bounding_box()
    assert box is not None and box["width"] > 100, "the timeline is drawn across the page"
    row = page.locator("#message-1")
    await row.get_by_role("button", name="neutral").click()
    await row.get_by_role("button", name="anxiety").click()
    await row.get_by_role("button", name="Save labels").click()
    await expect(row.get_by_role("status")).to_contain_text("Correction saved for message #1")
    await expect(page.locator("#message-1 .corrected")).to_have_text("anxiety")
    await page.screenshot(path=str(shots / "console-conversation.png"), full_page=True)

    await page.goto(console.url + "/knowledge/en/wording.yaml/edit?path=button")
    await page.fill("textarea[name=text]", "We apologise for any inconvenience. Please try again.")
    await page.get_by_role("button", name="Check").click()
    await expect(page.locator(".finding")).to_contain_text("stock-phrase")
    await page.screenshot(path=str(shots / "console-lint-finding.png"), full_page=True)

    await page.get_by_role("link", name="Dashboard").click()
    await expect(page.locator("svg.chart rect.bar").first).to_be_visible()
    await page.screenshot(path=str(shots / "console-dashboard.png"), full_page=True)


async def test_a_trainer_sees_each_teams_tasks_on_the_dashboard_and_a_tasks_events_in_the_transcript(
    tmp_path: Path, browser_page: object
) -> None:
    from playwright.async_api import Page, expect

    page: Page = browser_page  # type: ignore[assignment]
    async with serve_console(tmp_path, now=lambda: at(6)) as console:
        task_id = await stored_task(console.database, 1, "payments", "double_charge", 2, TaskState.DONE, 0.5, 3)
        await page.goto(console.url + "/")
        await page.fill("#username", "anna")
        await page.fill("#password", PASSWORD)
        await page.click("button[type=submit]")
        await page.get_by_role("link", name="Dashboard").click()

        row = page.locator("#team-tasks tr[data-team=payments]")
        await expect(page.get_by_role("heading", name="Team tasks")).to_be_visible()
        await expect(row.locator("td.late")).to_contain_text("1 (0 still open, 1 done late)")
        await expect(row.locator("td.on-time")).to_have_text("0")
        await expect(row.locator("td.to-done")).to_have_text("3.0 h")
        await page.screenshot(path=str(shot_dir(tmp_path) / "console-dashboard-tasks.png"), full_page=True)

        await page.goto(f"{console.url}/conversations/1")
        task = page.locator(f"#task-{task_id}")
        await expect(task.get_by_role("heading")).to_have_text(f"Task #{task_id} · payments · double_charge")
        await expect(task.locator(".state")).to_have_text("done")
        await expect(task.locator(".events li")).to_have_count(3)
        await expect(task.locator(".events li").nth(1)).to_have_text("2026-12-01 09:30 UTC taken — Anna (Payments specialist)")
        await page.screenshot(path=str(shot_dir(tmp_path) / "console-transcript-tasks.png"), full_page=True)
