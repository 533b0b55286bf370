"""The preview's whole reply: a real past reply as the frame when there is one, else the bot's own composition."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from bot.policy.wording_preview import frame_for, language_samples, preview_language, sample_moment
from bot.policy.wording_replay import PastReply, uses_of
from knowledge.pack import KnowledgePack, load_pack
from knowledge.preview_fill import CONTENT, PAST, SAMPLE, SHOP, joined

UTC = ZoneInfo("UTC")
NOW = dt.datetime(2026, 12, 1, 9, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def pack() -> KnowledgePack:
    return load_pack()


def samples(pack: KnowledgePack, language: str) -> dict[str, str]:
    return language_samples(pack, language, sample_moment(NOW, UTC), UTC)


def test_sample_times_are_said_in_each_languages_own_words(pack: KnowledgePack) -> None:
    assert samples(pack, "en")["deadline"] == "by 16:00 UTC on Wed 2 Dec"
    assert "декабря" in samples(pack, "ru")["deadline"]


def test_a_topics_reassurance_is_framed_by_an_answer_to_a_worried_customer(pack: KnowledgePack) -> None:
    frame = frame_for("topics.refund.reassurance", pack, "en", samples(pack, "en"))
    topic = pack.topic("refund", "en")
    assert topic is not None
    assert "anxiety" in frame.how and frame.after.startswith(f" {topic.answer}")
    assert frame.content == {"problem": topic.problem, "owner": topic.owner}


def test_a_next_step_is_framed_with_the_follow_up_promise(pack: KnowledgePack) -> None:
    frame = frame_for("topics.double_charge.next_step", pack, "en", samples(pack, "en"))
    assert frame.after.startswith(" I'll check on it before then")


def test_a_text_outside_a_composed_answer_is_shown_on_its_own_and_says_so(pack: KnowledgePack) -> None:
    frame = frame_for("handoff.assigned", pack, "en", samples(pack, "en"))
    assert (frame.before, frame.after) == ("", "") and frame.how.startswith("shown on its own")


def test_a_language_without_the_text_says_so(pack: KnowledgePack) -> None:
    column = preview_language("topics.refund.answer", "zh", None, (), False, pack, {}, samples(pack, "zh"), None)
    assert column.text is None and column.reply is None


def test_a_draft_is_filled_from_the_shop_the_content_and_samples_with_no_past_reply(pack: KnowledgePack) -> None:
    column = preview_language("topics.refund.next_step", "en", "{shop_name} checks {order_ref} for {problem}.",
                              (), True, pack, {"shop_name": "Kettle & Co"}, samples(pack, "en"), None)
    assert column.reply is not None
    assert joined(column.reply.pieces) == "Kettle & Co checks #50001 for your refund."
    assert [p.source for p in column.reply.pieces if p.field] == [SHOP, SAMPLE, CONTENT]


def test_a_past_reply_frames_the_draft_with_that_customers_values(pack: KnowledgePack) -> None:
    sent = "I see.\n\nWe check order #50012 now, and you'll hear by 15:00 UTC on Thu 3 Dec. Thanks."
    past = PastReply(4, 9, "en", sent, NOW)
    [found] = uses_of(["We check order {order_ref} now, and you'll hear {deadline}."], [past])
    column = preview_language("topics.double_charge.next_step", "en", "Order {order_ref}: news {deadline}.", (), True,
                              pack, {}, samples(pack, "en"), found)
    assert column.reply is not None and "conversation #4" in column.reply.how
    assert (column.reply.before, column.reply.after) == ("I see.\n\n", " Thanks.")
    assert joined(column.reply.pieces) == "Order #50012: news by 15:00 UTC on Thu 3 Dec."
    assert {p.source for p in column.reply.pieces if p.field} == {PAST}


def test_a_chinese_text_ending_in_full_width_punctuation_takes_no_space_after_it(pack: KnowledgePack) -> None:
    topic = pack.topic("double_charge", "zh")
    assert topic is not None
    column = preview_language("topics.double_charge.next_step", "zh", topic.next_step, (), False, pack, {},
                              samples(pack, "zh"), None)
    assert column.reply is not None and not column.reply.after.startswith(" ")
