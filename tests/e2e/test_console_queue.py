"""The review queue over real HTTP: failures ranked first with their reasons, filters, search, reviewed marks, notes."""

from __future__ import annotations

import html
import re

import httpx

from tests.e2e.console_server import CSRF, ConsoleServer, sign_in

ROW = re.compile(r'<tr id="conversation-(\d+)"')


def rows(page: str) -> list[int]:
    return [int(found) for found in ROW.findall(page)]


def row_text(page: str, conversation_id: int) -> str:
    start = page.index(f'<tr id="conversation-{conversation_id}"')
    return html.unescape(page[start:page.index("</tr>", start)])


async def shown(client: httpx.AsyncClient, query: str) -> list[int]:
    response = await client.get(f"/?{query}")
    assert response.status_code == 200
    return rows(response.text)


async def test_the_two_real_failures_rank_first_and_say_what_went_wrong(
        week: tuple[ConsoleServer, dict[str, int]]) -> None:
    console, ids = week
    async with httpx.AsyncClient(base_url=console.url, timeout=60) as client:
        await sign_in(client)
        page = (await client.get("/")).text
    assert set(rows(page)[:2]) == {ids["Ben"], ids["Kasia"]}
    assert "thanked, then got the refund script" in row_text(page, ids["Ben"])
    assert ("spoke of fraud or lost money, answered as double_charge; never handed to a person"
            in row_text(page, ids["Kasia"]))
    assert "asked 2 clarifying questions in a row" in row_text(page, ids["Eva"])
    assert "nothing unusual" in row_text(page, ids["Joe"])


async def test_each_filter_narrows_the_queue(week: tuple[ConsoleServer, dict[str, int]]) -> None:
    console, ids = week
    async with httpx.AsyncClient(base_url=console.url, timeout=60) as client:
        await sign_in(client)
        assert set(await shown(client, "language=pl")) == {ids["Kasia"], ids["Marek"], ids["Olek"]}
        assert await shown(client, "topic=refund&since=2026-11-23&until=2026-11-23") == [ids["Ben"]]
        assert set(await shown(client, "since=2026-11-29")) == {ids["Wei"], ids["Joe"], 1}, "today's seeded chat too"
        assert await shown(client, "topic=none&until=2026-11-29") == [ids["Eva"]]
        assert await shown(client, "reason=clarify") == [ids["Eva"]]
        assert await shown(client, "reason=high_emotion") == [ids["Tom"]]
        assert set(await shown(client, "move=hand_off")) == {ids["Tom"], ids["Olek"]}
        bad = await client.get("/?since=last+week&language=zh")
        assert set(rows(bad.text)) == {ids["Li"], ids["Wei"]} and "is not a date like" in bad.text
        empty = await client.get("/?language=pl&topic=delivery&move=clarify")
        assert rows(empty.text) == [] and "No conversation matches these filters" in empty.text


async def test_search_finds_words_in_the_customers_and_the_bots_messages(
        week: tuple[ConsoleServer, dict[str, int]]) -> None:
    console, ids = week
    async with httpx.AsyncClient(base_url=console.url, timeout=60) as client:
        await sign_in(client)
        assert await shown(client, "q=u%C5%BCy%C5%82+mojej+karty") == [ids["Kasia"]], "the customer's words"
        assert await shown(client, "q=glad+to+HELP") == [ids["Ann"]], "the bot's words, in any case"
        assert await shown(client, "q=100%25") == [], "a % is a character, not a wildcard"


async def test_a_reviewed_mark_and_notes_are_kept_and_filterable(week: tuple[ConsoleServer, dict[str, int]]) -> None:
    console, ids = week
    kasia = ids["Kasia"]
    async with httpx.AsyncClient(base_url=console.url, timeout=60) as client:
        await sign_in(client)
        page = (await client.get("/?language=pl")).text
        token = CSRF.search(page)
        assert token is not None
        saved = await client.post(f"/conversations/{kasia}/review", data={
            "csrf": token.group(1), "reviewed": "yes", "notes": "Fraud words missed.\nAdd 'użył mojej karty' to fraud.",
            "back": "language=pl"})
        assert saved.status_code == 303
        assert saved.headers["location"] == f"/?language=pl&saved={kasia}#conversation-{kasia}"
        back = (await client.get(saved.headers["location"])).text
        assert f"Review saved for conversation #{kasia}" in back
        assert "Fraud words missed.\nAdd 'użył mojej karty' to fraud." in row_text(back, kasia)
        assert await shown(client, "reviewed=yes") == [kasia]
        assert kasia not in await shown(client, "reviewed=no") and ids["Ben"] in await shown(client, "reviewed=no")
        unmarked = await client.post(f"/conversations/{kasia}/review", data={"csrf": token.group(1), "notes": ""})
        assert unmarked.status_code == 303 and await shown(client, "reviewed=yes") == []
        forged = await client.post(f"/conversations/{kasia}/review", data={"reviewed": "yes"})
        missing = await client.post("/conversations/9999/review", data={"csrf": token.group(1), "reviewed": "yes"})
        assert forged.status_code == 403 and missing.status_code == 404
        assert await shown(client, "reviewed=yes") == []
