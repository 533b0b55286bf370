"""Teaching a topic a new example question, such as a customer message the bot could not place.

The topic's entry in that language's topics.yaml gains the question and is written whole through
``write_topic``, which loads the pack again and puts every file back if it no longer loads; the
change it returns is recorded as a content version, so it is reverted like a publication.
"""

from __future__ import annotations

from pathlib import Path

from knowledge.content_files import KnowledgeError
from knowledge.importing.topic_files import TopicChange, live_entry, write_topic

MAX_EXAMPLE_CHARS = 300
"""Longer than any question: a whole story as an example would match every story told around it."""


def example_text(text: str) -> str:
    """The message as an example: one line, its spacing tidied; refused when empty or a story."""
    cleaned = " ".join(text.split())
    if not cleaned:
        raise KnowledgeError("The message has no words to learn from.")
    if len(cleaned) > MAX_EXAMPLE_CHARS:
        raise KnowledgeError(f"The message is {len(cleaned)} characters; an example question is at most "
                             f"{MAX_EXAMPLE_CHARS}. Add the question in it by hand in the topic's examples.")
    return cleaned


def taught_examples(content_dir: Path, topic_id: str, language: str) -> frozenset[str]:
    """The topic's live examples in ``language``, compared as ``same_example`` does; empty when it has none there."""
    entry = live_entry(content_dir / language / "topics.yaml", topic_id) if language.isalpha() else None
    return frozenset(same_example(str(item)) for item in (entry or {}).get("examples") or ())


def same_example(text: str) -> str:
    """How two questions are compared: spacing tidied, case ignored."""
    return " ".join(text.split()).casefold()


def add_example(content_dir: Path, topic_id: str, language: str, text: str) -> TopicChange | None:
    """Add ``text`` to the examples of the topic in ``language``; None when the topic has it already."""
    entry = live_entry(content_dir / language / "topics.yaml", topic_id) if language.isalpha() else None
    if entry is None:
        raise KnowledgeError(f"The pack has no topic '{topic_id[:64]}' in {language[:8]}: pick a topic that "
                             "is live in the message's language.")
    example = example_text(text)
    examples = [str(item) for item in entry.get("examples") or ()]
    if same_example(example) in map(same_example, examples):
        return None
    changes = write_topic(content_dir, topic_id, {language: {**entry, "examples": [*examples, example]}})
    return changes[0] if changes else None
