"""Topic changes as the console makes them: checked whole, refused with the reason, nothing written when refused."""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from knowledge.content_files import KnowledgeError
from knowledge.pack import CONTENT_DIR, load_pack
from knowledge.topic_editing import create_topic, set_retired

CONTENT_FILES = ("topics.yaml", "en/topics.yaml", "pl/topics.yaml")


@pytest.fixture
def content(tmp_path: Path) -> Path:
    shutil.copytree(CONTENT_DIR, tmp_path / "content")
    return tmp_path / "content"


def snapshot(content: Path) -> dict[str, str]:
    return {name: (content / name).read_text(encoding="utf-8") for name in CONTENT_FILES}


def test_a_retired_topic_leaves_the_live_pack_in_every_language_and_comes_back_as_it_was(content: Path) -> None:
    before = load_pack(content)
    set_retired(content, "product_question", True)
    retired = load_pack(content)
    assert all(retired.topic("product_question", language) is None for language in retired.topics)
    set_retired(content, "product_question", False)
    assert load_pack(content).topics == before.topics


def test_a_topic_a_gesture_depends_on_cannot_be_retired(content: Path) -> None:
    files = snapshot(content)
    with pytest.raises(KnowledgeError, match="names unknown topics"):
        set_retired(content, "order_status", True)
    assert snapshot(content) == files


def test_a_new_topic_needs_a_usable_id_that_no_topic_has(content: Path) -> None:
    words = load_pack(content).topic("product_question", "en")
    assert words is not None
    files = snapshot(content)
    for bad_id, reason in (("Gift Wrap", "lowercase"), ("refund", "already has a topic refund")):
        with pytest.raises(KnowledgeError, match=reason):
            create_topic(content, "en", replace(words, id=bad_id))
    assert snapshot(content) == files
    create_topic(content, "en", replace(words, id="gift_wrap", problem="your gift wrapping"))
    pack = load_pack(content)
    assert pack.topic("gift_wrap", "en") is not None and pack.topic("gift_wrap", "pl") is None
