"""A running bot reads its content folder again when it changes: every worker sharing the folder, a broken
edit refused whole with the last good content kept, and the change made by any writer."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.service.content_reload import ContentReloader
from bot.service.topic_vectors import ExampleVectors
from knowledge.content_folder import seed_content
from knowledge.content_version import ContentVersion, fingerprint
from knowledge.editing import replace_text
from knowledge.live_pack import LiveContent
from knowledge.pack import load_pack
from nlu.runtime import EmotionAnalyzer

pytestmark = pytest.mark.no_database

NEW_HELP = "I'm the Kwiatki helper: ask about your flowers and I'll tell you what happens next."


@pytest.fixture
async def analyzer() -> AsyncIterator[EmotionAnalyzer]:
    degraded = EmotionAnalyzer(None)  # no model: keyword index, so these tests need no encoder
    yield degraded
    await degraded.close()


async def worker(folder: Path, analyzer: EmotionAnalyzer) -> tuple[LiveContent, ContentReloader]:
    """What a bot process holds: the content it loaded at start, and the reloader its turns call."""
    version = ContentVersion(fingerprint(folder))
    vectors = ExampleVectors(analyzer)
    pack = load_pack(folder)
    live = LiveContent(pack, await vectors.index(pack))
    return live, ContentReloader(folder, live, vectors, version)


async def test_a_console_edit_reaches_every_worker_sharing_the_folder(tmp_path: Path, analyzer: EmotionAnalyzer) -> None:
    folder = seed_content(tmp_path / "content")
    (first, first_reload), (second, second_reload) = await worker(folder, analyzer), await worker(folder, analyzer)
    held = first.pack  # what a service was given at start
    assert not await first_reload.refresh(), "nothing changed: nothing is read"

    replace_text(folder, "en", "wording.yaml", "help", NEW_HELP)  # the console's save

    assert await first_reload.refresh() and await second_reload.refresh()
    assert held.wording_for("en").help == NEW_HELP == second.pack.wording_for("en").help
    assert first.index.find("where is my parcel", "en", None).best is not None, "the new index answers too"


async def test_a_broken_file_keeps_the_last_good_content_and_is_reported_once(
        tmp_path: Path, analyzer: EmotionAnalyzer, caplog: pytest.LogCaptureFixture) -> None:
    folder = seed_content(tmp_path / "content")
    live, reload = await worker(folder, analyzer)
    before = live.pack.wording_for("en").help
    wording = folder / "en" / "wording.yaml"
    good = wording.read_text(encoding="utf-8")

    with caplog.at_level(logging.ERROR, logger="bot.service.content_reload"):
        wording.write_text(good.replace("help: >-", "help: [unclosed", 1), encoding="utf-8")  # a hand edit gone wrong
        assert not await reload.refresh()
        assert not await reload.refresh()
    assert live.pack.wording_for("en").help == before, "the bot keeps the content it loaded last"
    [error] = [record.getMessage() for record in caplog.records]
    assert "cannot be loaded" in error and "en/wording.yaml" in error and "keeps answering" in error

    wording.write_text(good.replace("help: >-", f'help: "{NEW_HELP}"\nold_help: >-', 1), encoding="utf-8")
    assert await reload.refresh(), "the next save is tried again"
    assert live.pack.wording_for("en").help == NEW_HELP


async def test_a_topic_half_written_is_refused_and_loaded_once_it_is_complete(
        tmp_path: Path, analyzer: EmotionAnalyzer) -> None:
    folder = seed_content(tmp_path / "content")
    live, reload = await worker(folder, analyzer)
    shared = folder / "topics.yaml"
    shared.write_text(shared.read_text(encoding="utf-8") + "\n- id: flowers\n  languages: [en]\n", encoding="utf-8")

    assert not await reload.refresh(), "listed, but without its English words yet: not loaded"
    assert live.pack.topic("flowers", "en") is None and live.pack.topic("refund", "en") is not None

    english = folder / "en" / "topics.yaml"
    english.write_text(english.read_text(encoding="utf-8") + FLOWERS, encoding="utf-8")
    assert await reload.refresh()
    flowers = live.pack.topic("flowers", "en")
    assert flowers is not None and flowers.answer.startswith("Cut flowers last")


FLOWERS = """
- id: flowers
  problem: your flowers
  owner: our florists
  examples: ["how long do the roses last", "my tulips are wilting"]
  keywords: [roses, tulips, wilting]
  answer: Cut flowers last about a week with fresh water every two days.
  reassurance: If they wilt sooner, we send new ones.
  first_step: Trim the stems and change the water today.
  next_step: Write to us with a photo if they still wilt tomorrow.
"""
