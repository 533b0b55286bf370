"""The console's Topics pages over real HTTP: create, rename, examples, form, retire, each refused when broken
and reverted from the topic's history."""

from __future__ import annotations

import re

import pytest

from knowledge.pack import load_pack
from tests.conftest import query_rows
from tests.e2e.console_server import ConsoleServer, csrf_of, sign_in, visitor

pytestmark = pytest.mark.slow
GIFT_WRAP = {
    "id": "gift_wrap", "language": "en", "problem": "your gift wrapping", "owner": "our support team",
    "answer": "We wrap any order in recycled paper for free: tick 'Gift wrap' at checkout.",
    "reassurance": "The price is never printed on a wrapped order.",
    "first_step": "Tick 'Gift wrap' on the checkout page.",
    "next_step": "Now: tick the box at checkout. Next: we wrap the order before it ships.",
    "examples": "Do you gift wrap?\nCan you wrap my order as a present?", "keywords": "gift wrap, wrapping",
}


async def test_a_topic_is_created_renamed_taught_and_retired_and_each_change_is_reverted(
    console: ConsoleServer,
) -> None:
    async with visitor(console) as browser:
        await sign_in(browser)
        csrf = await csrf_of(browser, "/knowledge/topics")
        stock = await browser.post("/knowledge/topics", data={**GIFT_WRAP, "csrf": csrf,
                                                              "answer": "We apologise for any inconvenience."})
        assert stock.status_code == 400 and "Not created" in stock.text and "stock-phrase" in stock.text
        assert load_pack(console.content).topic("gift_wrap", "en") is None, "nothing written"

        created = await browser.post("/knowledge/topics", data={**GIFT_WRAP, "csrf": csrf})
        assert created.status_code == 303 and created.headers["location"] == "/knowledge/topics/gift_wrap?done=created"
        topic = load_pack(console.content).topic("gift_wrap", "en")
        assert topic is not None and topic.examples == ("Do you gift wrap?", "Can you wrap my order as a present?")

        renamed = await browser.post("/knowledge/topics/refund/title",
                                     data={"csrf": csrf, "language": "pl", "title": "Twój zwrot pieniędzy"})
        assert renamed.headers["location"] == "/knowledge/topics/refund?done=title#pl"
        assert load_pack(console.content).topic("refund", "pl").problem == "Twój zwrot pieniędzy"  # type: ignore[union-attr]
        taught = await browser.post("/knowledge/topics/refund/examples", data={
            "csrf": csrf, "language": "en", "examples": "Where is my refund?\n\nWhere's my cash?\nWhere is my refund?"})
        assert taught.status_code == 303
        assert load_pack(console.content).topic("refund", "en").examples == ("Where is my refund?", "Where's my cash?")  # type: ignore[union-attr]

        retired = await browser.post("/knowledge/topics/gift_wrap/retire", data={"csrf": csrf})
        assert retired.headers["location"] == "/knowledge/topics/gift_wrap?done=retire#state"
        assert load_pack(console.content).topic("gift_wrap", "en") is None, "out of the live pack"
        page = (await browser.get("/knowledge/topics")).text
        assert re.search(r'id="topic-gift_wrap".*?class="state">retired<', page, re.DOTALL)

        history = (await browser.get("/knowledge/topics/gift_wrap")).text
        reverts = re.findall(r'action="(/knowledge/versions/\d+/revert)"', history)
        assert len(reverts) == 2, "the retirement (shared facts) and the creation (en)"
        back = await browser.post(reverts[0], data={"csrf": csrf, "back": "/knowledge/topics/gift_wrap#history"})
        assert back.status_code == 303 and back.headers["location"] == "/knowledge/topics/gift_wrap#history"
        assert load_pack(console.content).topic("gift_wrap", "en") is not None, "the retirement reverted"
    assert [language for language, in query_rows(console.database_url, "select language from content_versions "
                                                 "where path = 'gift_wrap' order by id")] == ["en", "shared", "shared"]


async def test_a_form_the_pack_cannot_take_is_refused_with_the_loaders_message_and_a_good_one_is_kept(
    console: ConsoleServer,
) -> None:
    shared = (console.content / "topics.yaml").read_text(encoding="utf-8")
    async with visitor(console) as browser:
        await sign_in(browser)
        csrf = await csrf_of(browser, "/knowledge/topics/refund")
        refused = await browser.post("/knowledge/topics/refund/form", data={"csrf": csrf, "needs": []})
        assert refused.status_code == 400 and "looks up the order, so it needs order_ref" in refused.text
        assert (console.content / "topics.yaml").read_text(encoding="utf-8") == shared

        kept = await browser.post("/knowledge/topics/product_question/form", data={"csrf": csrf, "needs": ["photo"]})
        assert kept.status_code == 303 and kept.headers["location"].endswith("#form")
        assert load_pack(console.content).topic("product_question", "en").needs == ("photo",)  # type: ignore[union-attr]
        page = (await browser.get("/knowledge/topics/product_question")).text
        assert 'value="photo" checked' in page
    refund = load_pack(console.content).topic("refund", "en")
    assert refund is not None and refund.needs == ("order_ref",) and refund.team == "payments"
