"""The forms in the knowledge pack: the details a topic needs, how each is asked for in every
language, and the conversation wording. A trainer's slip is refused when the pack loads, with a
message that names the file, the topic or detail, and what to fix."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from knowledge import ConversationWording, DetailRule, KnowledgeError, KnowledgePack, load_pack
from knowledge.editing import editable_texts, replace_text
from knowledge.forms import DETAIL_KINDS
from knowledge.pack import CONTENT_DIR

LANGUAGES = ("en", "ru", "pl", "zh")


@pytest.fixture
def content(tmp_path: Path) -> Path:
    copy = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, copy)
    return copy


def edit(path: Path, change: Any) -> None:
    """Load a YAML file, let ``change`` edit the document in place, write it back."""
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(document)
    path.write_text(yaml.safe_dump(document, allow_unicode=True, sort_keys=False), encoding="utf-8")


def topic_in(document: list[dict[str, Any]], topic_id: str) -> dict[str, Any]:
    return next(topic for topic in document if topic["id"] == topic_id)


def refusal(content: Path) -> str:
    """Why the folder is refused as the pack a release ships (checked against itself, so nothing it lacks is
    read from elsewhere; a shop's folder gets what it lacks from the shipped pack instead)."""
    with pytest.raises(KnowledgeError) as refused:
        load_pack(content, defaults=content)
    return str(refused.value)


def test_the_shipped_pack_declares_what_each_topic_needs_and_how_to_ask_for_it_in_every_language() -> None:
    pack = load_pack(CONTENT_DIR)
    assert pack.details["order_ref"] == DetailRule(id="order_ref", kind="order_ref", attempts=2)
    assert pack.details["photo"].kind == "photo"
    assert {rule.kind for rule in pack.details.values()} <= set(DETAIL_KINDS)
    for language in LANGUAGES:
        for topic in pack.topics[language]:
            assert set(topic.needs) <= set(pack.details), (language, topic.id)
        wording = pack.wording[language]
        assert set(wording.details) == set(pack.details), language
        assert all(w.name and w.ask and w.invalid for w in wording.details.values()), language
        assert isinstance(wording.conversation, ConversationWording)
    refund = pack.topic("refund", "pl")
    assert refund is not None and refund.needs == ("order_ref",)


def test_the_console_can_edit_the_new_texts_and_they_are_checked_like_every_other_text(content: Path) -> None:
    pack = load_pack(content)
    paths = {(language, path) for language, path, _ in pack.texts()}
    for language in LANGUAGES:
        assert {(language, "details.order_ref.ask"), (language, "conversation.ending_open")} <= paths
    assert "details.discount_code.invalid" in {text.path for text in editable_texts(content, "zh", "wording.yaml")}

    replace_text(content, "en", "wording.yaml", "conversation.corrected", "Done: the {name} is now {value}.")
    assert load_pack(content).wording["en"].conversation.corrected == "Done: the {name} is now {value}."
    with pytest.raises(KnowledgeError, match=r"conversation.ending_open \(en\): lacks \{deadline\}"):
        replace_text(content, "en", "wording.yaml", "conversation.ending_open", "You're welcome: {promised} is on its way.")
    with pytest.raises(KnowledgeError, match=r"details.order_ref.ask \(en\): \{order_ref\} is not a field"):
        replace_text(content, "en", "wording.yaml", "details.order_ref.ask", "Is it {order_ref}?")


@pytest.mark.parametrize(
    ("path", "text", "message"),
    [
        ("ending_waiting", "Send it when you can.", "conversation.ending_waiting (pl): lacks {detail}"),
        ("corrected", "Poprawiłem: {name}.", "conversation.corrected (pl): lacks {value}"),
        ("back_to_case", "Wracając do sprawy.", "conversation.back_to_case (pl): lacks {problem}"),
        ("offer_person", "Napisz „człowiek”.", "conversation.offer_person (pl): lacks {name}"),
        ("ending", "Nie ma za co, {problem}!", "conversation.ending (pl): {problem} is not a field"),
    ],
)
def test_a_conversation_text_without_the_field_it_must_name_stops_the_pack(
    content: Path, path: str, text: str, message: str
) -> None:
    edit(content / "pl" / "wording.yaml", lambda doc: doc["conversation"].__setitem__(path, text))
    assert f"pl/wording.yaml: {message}" in refusal(content)


def test_a_topic_that_needs_an_unknown_detail_is_refused_naming_the_topic_and_the_detail(content: Path) -> None:
    edit(content / "topics.yaml", lambda doc: topic_in(doc, "refund").__setitem__("needs", ["order_ref", "iban"]))
    message = refusal(content)
    assert "topics.yaml: topic 'refund' needs 'iban', which is not a detail in" in message
    assert "details.yaml" in message


def test_a_detail_of_an_unknown_kind_is_refused_naming_the_file_and_the_detail(content: Path) -> None:
    edit(content / "details.yaml", lambda doc: doc.__setitem__("phone", {"kind": "telephone", "attempts": 2}))
    message = refusal(content)
    assert "details.yaml: detail 'phone' has the kind 'telephone'" in message
    assert "order_ref, email, phone, contact, date, amount, code, text, photo" in message


def test_a_language_without_the_words_for_a_detail_is_refused(content: Path) -> None:
    edit(content / "ru" / "wording.yaml", lambda doc: doc["details"]["photo"].pop("invalid"))
    assert load_pack(content).wording["ru"].details["photo"].invalid, "a shop's folder reads it from the release"
    assert "ru/wording.yaml: details.photo lacks invalid" in refusal(content)
    edit(content / "ru" / "wording.yaml", lambda doc: doc["details"].pop("photo"))
    assert "ru/wording.yaml: details lacks the words for photo" in refusal(content)


@pytest.mark.parametrize("section", ["details", "conversation"])
def test_a_wording_file_without_a_new_section_is_refused(content: Path, section: str) -> None:
    edit(content / "zh" / "wording.yaml", lambda doc: doc.pop(section))
    assert f"zh/wording.yaml lacks the wording parts: {section}" in refusal(content)


def test_a_conversation_section_missing_a_text_is_refused(content: Path) -> None:
    edit(content / "en" / "wording.yaml", lambda doc: doc["conversation"].pop("unknown"))
    message = refusal(content)
    assert "en/wording.yaml: conversation:" in message and "'unknown'" in message


def test_a_next_step_may_name_the_details_its_topic_needs(content: Path) -> None:
    text = "Now: our payments team checks both charges on order {order_ref}. When: an email with the result {deadline}."
    edit(content / "en" / "topics.yaml", lambda doc: topic_in(doc, "double_charge").__setitem__("next_step", text))
    topic = load_pack(content).topic("double_charge", "en")
    assert topic is not None and topic.next_step == text


def test_a_next_step_naming_a_detail_its_topic_does_not_need_is_refused(content: Path) -> None:
    text = "Now: our payments team checks order {order_ref} and writes to {email}. When: {deadline}."
    edit(content / "en" / "topics.yaml", lambda doc: topic_in(doc, "double_charge").__setitem__("next_step", text))
    message = refusal(content)
    assert "en/topics.yaml: topic 'double_charge': next_step uses {email}, but the topic needs only order_ref" in message


def test_a_next_step_of_a_topic_that_needs_nothing_cannot_name_a_detail(content: Path) -> None:
    text = "Now: open Account → Personal details for order {order_ref}."
    edit(content / "ru" / "topics.yaml", lambda doc: topic_in(doc, "account_locked").__setitem__("next_step", text))
    assert "topic 'account_locked': next_step uses {order_ref}, but the topic needs no details" in refusal(content)


def test_a_pack_built_in_memory_without_details_still_works() -> None:
    pack = KnowledgePack(topics={}, wording={})
    assert pack.details == {}


NEEDS = {
    "double_charge": ("order_ref",), "refund": ("order_ref",), "order_status": ("order_ref",), "cancel": ("order_ref",),
    "change_contact": (), "account_locked": (), "talk_to_person": (), "wrong_item": ("order_ref", "item"),
    "damaged_item": ("order_ref", "photo"), "not_received": ("order_ref",), "change_address": ("order_ref", "address"),
    "discount_code": ("discount_code",), "return_shipping": (), "gift_card": (), "product_question": (),
}


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_language_has_the_cases_real_shops_get_each_collecting_what_it_needs(language: str) -> None:
    pack = load_pack(CONTENT_DIR)
    assert {topic.id: topic.needs for topic in pack.topics[language]} == NEEDS


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_next_step_never_asks_again_for_a_detail_the_bot_already_collected(language: str) -> None:
    """The bot asks for the order number itself; the next step, said once it is in, names the order instead
    ("Now: our payments team checks both charges on order #48213"), never "send me your order number"."""
    pack = load_pack(CONTENT_DIR)
    order_number = pack.wording[language].details["order_ref"].name.lower()
    for topic in pack.topics[language]:
        if "order_ref" in topic.needs:
            assert "{order_ref}" in topic.next_step, topic.id
            assert order_number not in re.sub(r"\{\w+\}", "", topic.next_step).lower(), topic.id
