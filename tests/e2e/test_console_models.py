"""Comparing models in the console: in the background, kept in the database, with figures a trainer can
decide from; promotion only after a confirm step; rollback in one click, recorded."""

from __future__ import annotations

import asyncio
import html
import re
from pathlib import Path

import httpx
import pytest

from bot.console.app import build_console
from bot.storage.comparisons import ComparisonRepository
from nlu.model import default_model_dir
from nlu.registry import live_model_dir
from tests.e2e.console_server import CSRF, sign_in
from tests.e2e.model_comparisons import SAMPLE, eager_copy, finished, models_page, rows_scored

pytestmark = pytest.mark.slow


def figures_of(page: str, table: str) -> list[tuple[str, int, str, str, str]]:
    """(first column, n, live, candidate, change) of each row of one figures table."""
    body = page.split(f'id="{table}"', 1)[1].split("</table>", 1)[0]
    rows = re.findall(r"<td>([^<]*)</td>\s*<td class=\"n\">(\d+)</td>\s*<td>([\d.]+|—)</td><td>([\d.]+|—)</td>\s*"
                      r"<td class=\"change[^\"]*\">\s*([^<]*?)\s*(?:<|</td>)", body)
    return [(html.unescape(first), int(n), live, candidate, change) for first, n, live, candidate, change in rows]


async def test_a_comparison_runs_in_the_background_and_shows_figures_per_language_and_class(tmp_path: Path) -> None:
    async with models_page(tmp_path) as (console, client, token):
        eager_copy(console.models, "eager-anger", "anger")
        corrected = await client.post("/messages/1/labels", data={"csrf": token, "labels": ["anxiety"]})
        assert corrected.status_code == 303

        started = await client.post("/models/eager-anger/compare", data={"csrf": token})
        assert started.status_code == 303, "the page returns at once instead of waiting for the models"
        location = started.headers["location"]
        first = (await client.get(location)).text
        assert 'id="progress"' in first and 'http-equiv="refresh"' in first, "progress, refreshed while it runs"
        again = await client.post("/models/candidate-a/compare", data={"csrf": token})
        assert again.headers["location"] == location, "a second request shows the running comparison"

        page = await finished(client, location)
        assert live_model_dir(console.models) == default_model_dir(), "comparing does not promote"

    languages = figures_of(page, "by-language")
    assert {row[0].split(" · ")[0] for row in languages} == {"en", "ru", "pl", "zh", "any"}
    assert ("any · trainers' corrections", 1) in [row[:2] for row in languages], "the trainers' own corrections count"
    assert all(0 < row[1] <= SAMPLE for row in languages), "each figure says how many texts it rests on"
    support_en = next(row for row in languages if row[0] == "en · support chat, the curated test split")
    assert support_en[4] != "= 0.000", "a model that sees anger everywhere changes English figures"
    english_classes = figures_of(page, "by-class-1")
    assert [row[0] for row in english_classes] == ["anger", "anxiety", "sadness", "confusion", "positive", "neutral"]
    anger = english_classes[0]
    assert anger[4].startswith(("▲", "▼")), "anger's figure moves and says which way in text, not colour only"
    assert [row[4] for row in english_classes if row[0] == "anxiety"] in (["= 0.000"], ["no text in the sample carries it"])
    polish = [row for row in languages if row[0].startswith("pl")]
    assert all(row[4] == "= 0.000" for row in polish), "the English threshold leaves Polish alone"
    flips = page.split('id="flips"', 1)[1]
    assert "My refund still hasn&#39;t come and I&#39;m scared" in flips and "anger" in flips, "past label flips"
    assert "This is useless" not in flips, "already anger: no flip"


async def test_a_finished_comparison_is_reopened_after_a_restart_and_an_interrupted_one_is_marked(tmp_path: Path) -> None:
    async with models_page(tmp_path) as (console, client, token):
        started = await client.post("/models/candidate-a/compare", data={"csrf": token})
        before = await finished(client, started.headers["location"])
        async with console.database.session() as session:
            stale = (await ComparisonRepository(session).start("candidate-a", "shipped", "anna")).id

        restarted = build_console(console.database, "test-secret", content_dir=console.content,
                                  models_dir=console.models, dev_limit=SAMPLE, secure_cookie=False)
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=restarted), base_url=console.url) as after:
            await sign_in(after)
            listing = (await after.get("/models")).text
            reopened = (await after.get(started.headers["location"])).text
            interrupted = (await after.get(f"/models/comparisons/{stale}")).text

    assert f'href="{started.headers["location"]}"' in listing and "candidate-a against shipped" in listing
    assert figures_of(reopened, "by-language") == figures_of(before, "by-language") != []
    assert all(row[2] == row[3] for row in figures_of(reopened, "by-language")), "same artifact, same figures"
    assert "No past message would be labelled differently" in reopened
    assert "was interrupted" in interrupted and "killed or crashed" in interrupted
    assert 'action="/models/candidate-a/compare"' in interrupted and "Run it again" in interrupted
    assert "interrupted" in listing.split(f'href="/models/comparisons/{stale}"', 1)[1].split("</tr>", 1)[0]


async def test_a_comparison_running_when_the_console_stops_is_recorded_interrupted_and_runs_again(
        tmp_path: Path) -> None:
    async with models_page(tmp_path) as (console, client, token):
        started = await client.post("/models/candidate-a/compare", data={"csrf": token})
        location = started.headers["location"]
        loop = asyncio.get_running_loop()
        deadline = loop.time() + 600
        while (rows := rows_scored((await client.get(location)).text)) is None or rows[0] == 0:
            assert loop.time() < deadline, "the comparison never started scoring"
            await asyncio.sleep(0.2)
        comparison_id = int(location.rsplit("/", 1)[1])
        database = console.database
        async with database.session() as session:
            assert (await ComparisonRepository(session).get(comparison_id)).state == "running"  # type: ignore[union-attr]
        # leaving the block stops the console (its lifespan's shutdown) while the comparison still runs
    async with database.session() as session:
        stopped = await ComparisonRepository(session).get(comparison_id)
    assert stopped is not None and stopped.state == "interrupted", "not left 'running' forever"
    assert "console stopped while it ran" in stopped.error and stopped.finished_at is not None

    restarted = build_console(database, "test-secret", content_dir=console.content,
                              models_dir=console.models, dev_limit=SAMPLE, secure_cookie=False)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=restarted), base_url=console.url,
                                 timeout=60) as after:
        await sign_in(after)
        page = (await after.get(location)).text
        again = await after.post("/models/candidate-a/compare", data={"csrf": CSRF.search(page).group(1)})  # type: ignore[union-attr]
        rerun = await finished(after, again.headers["location"])
    await database.dispose()  # the console's own was disposed when it stopped; these reads opened it again
    assert "was interrupted" in page and "Run it again" in page
    assert again.headers["location"] != location and 'id="by-language"' in rerun, "run again gives the figures"


async def test_promotion_asks_first_and_rollback_is_one_recorded_click(tmp_path: Path) -> None:
    async with models_page(tmp_path) as (console, client, token):
        confirm = await client.get("/models/candidate-a/promote")
        assert "Make candidate-a the live model?" in confirm.text and "not been compared" in confirm.text
        assert live_model_dir(console.models) == default_model_dir(), "asking is not promoting"
        forged = await client.post("/models/candidate-a/promote", data={"csrf": "forged"})
        assert forged.status_code == 403 and live_model_dir(console.models) == default_model_dir()

        promoted = await client.post("/models/candidate-a/promote", data={"csrf": token})
        assert promoted.status_code == 303 and live_model_dir(console.models) == console.models / "candidate-a"
        listing = (await client.get(promoted.headers["location"])).text
        assert "candidate-a is now the live model" in listing and "Roll back to shipped" in listing

        rolled = await client.post("/models/rollback", data={"csrf": token})
        assert rolled.status_code == 303 and live_model_dir(console.models) == default_model_dir()
        after = (await client.get(rolled.headers["location"])).text
        nothing = await client.post("/models/rollback", data={"csrf": token})

    changes = after.split('id="changes"', 1)[1]
    assert re.search(r"rollback by anna: candidate-a → shipped.*promote by anna: shipped → candidate-a", changes, re.DOTALL)
    assert "Roll back to candidate-a" in after, "a rollback can itself be undone"
    assert nothing.status_code == 303, "rolling back the rollback returns to candidate-a"
    assert live_model_dir(console.models) == console.models / "candidate-a"


async def test_the_event_loop_keeps_serving_pages_while_a_comparison_runs(tmp_path: Path) -> None:
    async with models_page(tmp_path) as (_, client, token):
        location = (await client.post("/models/candidate-a/compare", data={"csrf": token})).headers["location"]
        seen: set[tuple[int, int]] = set()
        while 'id="progress"' in (page := (await client.get(location)).text):
            queue = await client.get("/")
            assert queue.status_code == 200 and "Review queue" in queue.text
            if (rows := rows_scored(page)) is not None:
                seen.add(rows)
            await asyncio.sleep(0.2)
    assert len({done for done, _ in seen}) >= 2, "progress moves while other pages are served"
    assert 'id="by-language"' in page


async def test_a_broken_candidate_ends_its_comparison_with_the_reason_and_frees_the_next_one(tmp_path: Path) -> None:
    async with models_page(tmp_path) as (console, client, token):
        broken = eager_copy(console.models, "broken", "anger")
        (broken / "config.json").write_text("{ not json", encoding="utf-8")
        failed = await client.post("/models/broken/compare", data={"csrf": token})
        page = await finished(client, failed.headers["location"])
        next_one = await client.post("/models/candidate-a/compare", data={"csrf": token})
        await finished(client, next_one.headers["location"])  # nothing left running when the console stops

    assert "did not finish" in page and "JSONDecodeError" in page
    assert next_one.headers["location"] != failed.headers["location"], "a failed run does not block the next"
