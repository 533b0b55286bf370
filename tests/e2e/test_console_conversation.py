"""The conversation page over real HTTP: a correction keeps the trainer's place, the page's script gets what
was stored, and the review mark and notes are set on the page itself as in the queue."""

from __future__ import annotations

import html
import re

import pytest

from tests.conftest import query_rows
from tests.e2e.console_server import ConsoleServer, csrf_of, sign_in, visitor

pytestmark = pytest.mark.slow


async def test_a_correction_posted_without_the_script_comes_back_at_the_same_message(console: ConsoleServer) -> None:
    async with visitor(console) as browser:
        await sign_in(browser)
        csrf = await csrf_of(browser, "/conversations/1")
        saved = await browser.post("/messages/3/labels", data={"csrf": csrf, "conversation": "1",
                                                               "labels": ["anger", "sadness"]})
        assert saved.status_code == 303
        assert saved.headers["location"] == "/conversations/1?saved=3#message-3", "back at the message, not the top"
        page = (await browser.get(saved.headers["location"])).text
    row = _row(page, 3)
    assert "Correction saved for message #3" in row, "the notice is beside the message, where the trainer is"
    assert re.search(r'class="corrected">anger, sadness<', row)
    assert "Correction saved" not in _row(page, 1)


async def test_the_pages_script_is_told_what_was_stored_and_a_refusal_in_words(console: ConsoleServer) -> None:
    async with visitor(console) as browser:
        await sign_in(browser)
        csrf = await csrf_of(browser, "/conversations/1")
        json = {"Accept": "application/json"}
        saved = await browser.post("/messages/3/labels", headers=json,
                                   data={"csrf": csrf, "conversation": "1", "labels": ["neutral", "anger"]})
        assert saved.status_code == 200
        assert saved.json() == {"message": 3, "labels": ["anger", "neutral"],
                                "notice": "Correction saved for message #3; it goes into the next candor nlu train."}
        refused = await browser.post("/messages/2/labels", headers=json, data={"csrf": csrf, "labels": ["anger"]})
        assert refused.status_code == 400 and refused.text == "Not saved: only customers' text messages carry emotion labels."
        forged = await browser.post("/messages/3/labels", headers=json, data={"csrf": "forged", "labels": ["anger"]})
        assert forged.status_code == 403
    assert query_rows(console.database_url, "select message_id, labels from corrections") == [(3, "anger,neutral")]


async def test_the_script_comes_from_the_console_itself_for_signed_in_trainers(console: ConsoleServer) -> None:
    async with visitor(console) as browser:
        assert (await browser.get("/assets/conversation.js")).status_code == 303, "signed out: to the sign-in page"
        await sign_in(browser)
        page = await browser.get("/conversations/1")
        assert '<script src="/assets/conversation.js" defer></script>' in page.text
        assert "script-src" not in page.headers["content-security-policy"], "default-src 'self' allows only this one"
        script = await browser.get("/assets/conversation.js")
        assert script.status_code == 200 and script.headers["content-type"].startswith("text/javascript")
        assert "aria-pressed" in script.text
        assert (await browser.get("/assets/..%2Fapp.py")).status_code == 404
        assert (await browser.get("/assets/app.py")).status_code == 404


async def test_the_review_mark_and_notes_are_set_on_the_conversation_page_and_the_queue_shows_them(
    console: ConsoleServer,
) -> None:
    async with visitor(console) as browser:
        await sign_in(browser)
        page = (await browser.get("/conversations/1")).text
        assert re.search(r'name="reviewed" value="yes" >', page), "not reviewed yet"
        csrf = await csrf_of(browser, "/conversations/1")
        saved = await browser.post("/conversations/1/review", data={
            "csrf": csrf, "return": "conversation", "reviewed": "yes", "notes": "Refund wording: add the date."})
        assert saved.status_code == 303 and saved.headers["location"] == "/conversations/1?reviewed=saved#review"
        page = html.unescape((await browser.get(saved.headers["location"])).text)
        assert "Review saved for conversation #1." in page
        assert 'name="reviewed" value="yes" checked>' in page
        assert ">Refund wording: add the date.</textarea>" in page and "Last saved by anna" in page
        queue = html.unescape((await browser.get("/?reviewed=yes")).text)
        assert 'id="conversation-1"' in queue and "Refund wording: add the date." in queue

        too_long = await browser.post("/conversations/1/review", data={
            "csrf": csrf, "return": "conversation", "notes": "x" * 4001})
        assert too_long.status_code == 400 and "at most 4000 characters" in too_long.text
    assert query_rows(console.database_url, "select reviewed, notes, trainer from conversation_reviews") == [
        (True, "Refund wording: add the date.", "anna")]


def _row(page: str, message_id: int) -> str:
    start = page.index(f'id="message-{message_id}"')
    return page[start:page.index("</tr>", start)]
