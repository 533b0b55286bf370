"""The dashboard's week at a glance over real HTTP: per-topic figures, links into the queue, CSV downloads."""

from __future__ import annotations

import csv
import html
import io
import re

import httpx

from tests.e2e.console_server import ConsoleServer, sign_in
from tests.e2e.week_of_traffic import REFUND_SCRIPT, STORIES

WEEK = "week=2026-11-23"


def topic_row(page: str, topic: str) -> str:
    start = page.index(f'<tr data-topic="{topic}">')
    return html.unescape(re.sub(r"<[^>]+>", " ", page[start:page.index("</tr>", start)]))


async def test_the_week_shows_each_topic_with_what_stood_out(week: tuple[ConsoleServer, dict[str, int]]) -> None:
    console, _ = week
    async with httpx.AsyncClient(base_url=console.url, timeout=60) as client:
        await sign_in(client)
        page = (await client.get(f"/dashboard?{WEEK}")).text
    assert "Week at a glance: Mon 23 Nov 2026 – Sun 29 Nov 2026" in page
    refund = " ".join(topic_row(page, "refund").split())
    assert refund.startswith("refund 4 0 1 "), "4 conversations, none clarified, one handed off"
    assert "a thank-you answered with a script (1)" in refund and "handed off: the customer asked for a person (1)" in refund
    fraud = " ".join(topic_row(page, "double_charge").split())
    assert "0.75 → 0.75" in fraud and "fraud or lost money not handed to a person (1)" in fraud
    assert "clarifying questions in a row (1)" in topic_row(page, "none")
    assert "handed off: strong feeling that is not easing (1)" in topic_row(page, "delivery")
    assert re.search(r'<a href="/\?since=2026-11-23&amp;until=2026-11-29&amp;topic=refund"[^>]*>[^<]*<text', page), \
        "the refund bar opens the queue for refund this week"
    assert '<a href="/?since=2026-11-24&amp;until=2026-11-24&amp;topic=double_charge"' in page, "a day cell opens that day"
    assert page.count("<pattern id=") >= 4, "bars told apart by pattern as well as colour"
    assert '<a href="/?reason=high_emotion"' in page and '<a href="/?language=pl"' in page, "all-time bars open the queue"


async def test_a_bar_opens_the_queue_filtered_to_its_topic_and_week(week: tuple[ConsoleServer, dict[str, int]]) -> None:
    console, ids = week
    async with httpx.AsyncClient(base_url=console.url, timeout=60) as client:
        await sign_in(client)
        queue = (await client.get("/?since=2026-11-23&until=2026-11-29&topic=refund")).text
        another = (await client.get("/dashboard?week=2026-11-16")).text
        bad = (await client.get("/dashboard?week=soon")).text
    shown = [int(found) for found in re.findall(r'<tr id="conversation-(\d+)"', queue)]
    assert shown[0] == ids["Ben"] and set(shown) == {ids["Ben"], ids["Igor"], ids["Olek"], ids["Wei"]}
    assert "No conversations started this week." in another
    assert "is a date like 2026-11-23" in bad


async def test_the_weeks_transcripts_download_as_csv_with_line_breaks_and_no_names(
        week: tuple[ConsoleServer, dict[str, int]]) -> None:
    console, ids = week
    async with httpx.AsyncClient(base_url=console.url, timeout=60) as client:
        await sign_in(client)
        response = await client.get(f"/dashboard/transcripts.csv?{WEEK}")
    assert response.headers["content-type"].startswith("text/csv")
    assert response.headers["content-disposition"] == 'attachment; filename="candor-transcripts-2026-11-23.csv"'
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert len(rows) == sum(len(story.turns) for story in STORIES), "every message of the week, none from today"
    assert REFUND_SCRIPT in [row["text"] for row in rows], "the line break inside a reply is kept"
    assert {row["conversation"] for row in rows} == {str(number) for number in ids.values()}
    kasia = [row for row in rows if row["conversation"] == str(ids["Kasia"])]
    assert kasia[0]["text"].startswith("Ktoś użył mojej karty") and kasia[0]["language"] == "pl"
    assert not any(story.name in response.text for story in STORIES), "no customer names in the file"


async def test_the_weeks_report_downloads_as_csv(week: tuple[ConsoleServer, dict[str, int]]) -> None:
    console, _ = week
    async with httpx.AsyncClient(base_url=console.url, timeout=60) as client:
        await sign_in(client)
        response = await client.get(f"/dashboard/report.csv?{WEEK}")
    assert response.headers["content-disposition"] == 'attachment; filename="candor-report-2026-11-23.csv"'
    rows = {row["topic"]: row for row in csv.DictReader(io.StringIO(response.text))}
    assert set(rows) == {"delivery", "refund", "double_charge", "none"}
    assert (rows["delivery"]["conversations"], rows["delivery"]["handed_off"], rows["none"]["clarified"]) == ("7", "1", "1")
    assert rows["double_charge"]["2026-11-24"] == "1" and rows["double_charge"]["2026-11-23"] == "0"
    assert "a thank-you answered with a script (1)" in rows["refund"]["what_stood_out"]
