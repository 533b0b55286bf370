"""Teaching a topic an example question: written whole, checked, recorded, revertible."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from knowledge.content_files import KnowledgeError
from knowledge.importing.topic_files import restore_topic
from knowledge.pack import CONTENT_DIR, load_pack
from knowledge.topic_examples import MAX_EXAMPLE_CHARS, add_example, same_example, taught_examples


@pytest.fixture
def content(tmp_path: Path) -> Path:
    shutil.copytree(CONTENT_DIR, tmp_path / "content")
    return tmp_path / "content"


def test_an_example_is_added_to_the_topic_in_its_language_only(content: Path) -> None:
    change = add_example(content, "product_question", "en", "  Will the mug\nsurvive a dishwasher? ")
    assert change is not None and change.language == "en"
    pack = load_pack(content)
    topic = pack.topic("product_question", "en")
    assert topic is not None and topic.examples[-1] == "Will the mug survive a dishwasher?"
    assert "Will the mug survive a dishwasher?" not in pack.topic("product_question", "pl").examples  # type: ignore[union-attr]


def test_a_curated_topic_keeps_its_times_team_and_form(content: Path) -> None:
    shared = (content / "topics.yaml").read_text(encoding="utf-8")
    add_example(content, "refund", "en", "Where's my cash for the mug?")
    assert (content / "topics.yaml").read_text(encoding="utf-8") == shared
    refund = load_pack(content).topic("refund", "en")
    assert refund is not None and refund.needs == ("order_ref",) and refund.team == "payments" and refund.promises


def test_an_example_the_topic_has_is_not_added_twice(content: Path) -> None:
    assert add_example(content, "refund", "en", "where is my REFUND?") is None


def test_a_topic_missing_in_the_language_or_a_story_is_refused_and_nothing_written(content: Path) -> None:
    before = (content / "en" / "topics.yaml").read_text(encoding="utf-8")
    with pytest.raises(KnowledgeError, match="no topic 'no_such_topic' in en"):
        add_example(content, "no_such_topic", "en", "Hello?")
    with pytest.raises(KnowledgeError, match="at most"):
        add_example(content, "refund", "en", "word " * MAX_EXAMPLE_CHARS)
    with pytest.raises(KnowledgeError, match="no words"):
        add_example(content, "refund", "en", "  \n ")
    assert (content / "en" / "topics.yaml").read_text(encoding="utf-8") == before


def test_reverting_the_recorded_change_takes_the_example_out_and_keeps_the_topic(content: Path) -> None:
    shared = (content / "topics.yaml").read_text(encoding="utf-8")
    original = load_pack(content).topic("refund", "en")
    change = add_example(content, "refund", "en", "Where's my cash for the mug?")
    assert change is not None
    restore_topic(content, change.language, "topics.yaml", "refund", change.before)
    assert load_pack(content).topic("refund", "en") == original
    assert (content / "topics.yaml").read_text(encoding="utf-8") == shared


def test_the_examples_a_topic_has_taught_are_read_as_add_example_compares_them(content: Path) -> None:
    add_example(content, "product_question", "en", "Will the mug survive a dishwasher?")
    taught = taught_examples(content, "product_question", "en")
    assert same_example("will the MUG  survive a\ndishwasher?") in taught
    assert same_example("Will the mug survive a dishwasher?") not in taught_examples(content, "product_question", "pl")
    assert taught_examples(content, "no_such_topic", "en") == frozenset()
    assert taught_examples(content, "product_question", "../en") == frozenset(), "not a language: nothing is read"
