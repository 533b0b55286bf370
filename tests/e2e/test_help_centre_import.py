"""A shop's own help centre, imported, published and answered from: the acceptance test of issue 20's import.

Leaf & Loom's Markdown help centre (five articles in English and Polish) and its Zendesk export are
imported with ``candor knowledge import`` into the shop's content folder; one draft is published
from the command line, one from the console's Drafts page in Chromium; then the bot, started on
that content against the fake Bot API, answers customers from both topics in their language.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from bot.testing.fake_bot_api import FakeBotApi
from knowledge.pack import KnowledgePack, load_pack
from tests.conftest import CANDOR, TEST_TOKEN, make_settings, query_rows, subprocess_env
from tests.e2e.console_server import ConsoleServer, csrf_of, shot_dir, sign_in, sign_in_page, visitor
from tests.e2e.running_bot import Bot

pytestmark = pytest.mark.slow
HELP_CENTRE = Path(__file__).resolve().parents[1] / "fixtures" / "help_centre"


def candor(tmp_path: Path, database_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(CANDOR), *args], check=False, capture_output=True, text=True, timeout=300, cwd=tmp_path,
                          env=subprocess_env(tmp_path, DATABASE_URL=database_url))


def import_help_centre(tmp_path: Path, console: ConsoleServer) -> None:
    for source in (HELP_CENTRE / "markdown", HELP_CENTRE / "zendesk_articles.json"):
        result = candor(tmp_path, console.database_url, "knowledge", "import", str(source), "--content",
                        str(console.content))
        assert result.returncode == 0, result.stderr
        assert "No live topic changed" in result.stdout


async def test_drafts_are_listed_published_refused_with_findings_and_reverted_in_the_console(
    console: ConsoleServer, tmp_path: Path
) -> None:
    import_help_centre(tmp_path, console)
    async with visitor(console) as browser:
        signed_out = await browser.post("/knowledge/drafts/md_workshops/publish", data={"csrf": "x"})
        assert signed_out.status_code == 403
        await sign_in(browser)
        page = (await browser.get("/knowledge/drafts")).text
        assert "Repotting workshops in our Kraków studio" in page and "Do you deliver plants outside Poland?" in page
        csrf = await csrf_of(browser, "/knowledge/drafts")
        refused = await browser.post("/knowledge/drafts/md_pet_safe/publish", data={"csrf": csrf})
        assert refused.status_code == 400 and "stock-phrase" in refused.text
        assert "md_pet_safe" not in (console.content / "en" / "topics.yaml").read_text()
        published = await browser.post("/knowledge/drafts/md_workshops/publish", data={"csrf": csrf})
        assert published.status_code == 303
        page = (await browser.get(published.headers["location"])).text
        assert "Published md_workshops" in page
        workshops = load_pack(console.content).topic("md_workshops", "pl")
        assert workshops is not None and workshops.answer.startswith("W każdą sobotę o 11:00")
        versions = query_rows(console.database_url, "select id, language, trainer from content_versions "
                                                    "where path = 'md_workshops' order by id")
        assert [(language, trainer) for _, language, trainer in versions] == [("en", "anna"), ("pl", "anna")]
        for version_id, _, _ in versions:
            reverted = await browser.post(f"/knowledge/versions/{version_id}/revert", data={"csrf": csrf})
            assert reverted.status_code == 303
    assert load_pack(console.content).topic("md_workshops", "en") is None, "reverted: the topic is out of the pack"
    assert "md_workshops" not in (console.content / "topics.yaml").read_text()


async def test_a_shop_imports_its_help_centre_publishes_two_drafts_and_the_bot_answers_from_them(
    console: ConsoleServer, browser_page: object, tmp_path: Path
) -> None:
    from playwright.async_api import Page, expect

    import_help_centre(tmp_path, console)
    listed = candor(tmp_path, console.database_url, "knowledge", "drafts", "list", "--content", str(console.content))
    assert "zendesk_360010001" in listed.stdout and "md_workshops" in listed.stdout

    page: Page = browser_page  # type: ignore[assignment]
    await sign_in_page(page, console)
    await page.goto(console.url + "/knowledge")
    await page.get_by_role("link", name="Drafts from your help centre").click()
    await expect(page.locator("#draft-md_pet_safe .finding").first).to_contain_text("stock-phrase")
    await page.screenshot(path=str(shot_dir(tmp_path) / "console-drafts.png"), full_page=True)
    for draft in ("md_workshops", "zendesk_360010001"):  # one from the Markdown folder, one from the Zendesk export
        row = page.locator(f"#draft-{draft}")
        await expect(row.locator(".state")).to_have_text("draft")
        await row.get_by_role("button", name="Publish").click()
        await expect(page.get_by_role("status")).to_contain_text(f"Published {draft}")
        await expect(page.locator(f"#draft-{draft} .state")).to_have_text("published")

    pack = load_pack(console.content)
    api = FakeBotApi(TEST_TOKEN).start()
    bot = Bot(api, make_settings(tmp_path / "bot", api, CANDOR_CONTENT_DIR=console.content))
    (tmp_path / "bot").mkdir()
    await bot.start()
    try:
        await asks_and_hears(bot, pack, 5101, "How do I book a place at your repotting workshop?", "md_workshops", "en")
        await asks_and_hears(bot, pack, 5102, "Czy wysyłacie rośliny do Niemiec?", "zendesk_360010001", "pl")
    finally:
        await bot.stop()
        api.stop()


async def asks_and_hears(bot: Bot, pack: KnowledgePack, chat_id: int, question: str, topic_id: str,
                         language: str) -> None:
    bot.api.customer_sends_text(chat_id, question)
    [reply] = await bot.api.wait_for_messages(chat_id, 1)
    topic = pack.topic(topic_id, language)
    assert topic is not None
    assert topic.answer in reply.text, reply.text
    assert topic.next_step in reply.text
