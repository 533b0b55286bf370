"""Changing a topic as a whole from the console: create it, rename it, edit its examples and form, retire it.

Every change goes through ``write_topic`` (one language's words) or ``write_facts`` (the shared
facts: the form's details, retired), which load the pack again and put every file back when it
no longer loads; texts are checked by the console's linter first, and a text with findings is
refused with them. Each returns the changes for the caller to record as content versions, which
the console's Revert takes back.
"""

from __future__ import annotations

import re
from pathlib import Path

from knowledge.content_files import KnowledgeError, language_folders, read_yaml
from knowledge.editing import findings_for
from knowledge.importing.drafting import topic_entry
from knowledge.importing.topic_files import TopicChange, live_entry, write_facts, write_topic
from knowledge.pack import Topic
from knowledge.topic_examples import example_text

TOPIC_ID = re.compile(r"^[a-z][a-z0-9_]{1,47}$")


def create_topic(content_dir: Path, language: str, words: Topic) -> list[TopicChange]:
    """A new topic in ``language``, promising nothing and asking for no details until its form is set."""
    if not TOPIC_ID.match(words.id):
        raise KnowledgeError("A topic id is 2–48 lowercase letters, digits or _, starting with a letter, like gift_wrap.")
    if words.id in topic_ids(content_dir):
        raise KnowledgeError(f"The pack already has a topic {words.id}.")
    _refuse_findings(language, words.id, {name: str(getattr(words, name)) for name in ("problem", "owner", "answer",
                                                                                      "reassurance", "first_step",
                                                                                      "next_step")})
    if not words.examples or not words.keywords:
        raise KnowledgeError("A topic needs at least one example question and one keyword.")
    return write_topic(content_dir, words.id, {language: topic_entry(words)})


def rename_topic(content_dir: Path, topic_id: str, language: str, title: str) -> list[TopicChange]:
    """Set how replies in ``language`` name the topic (its ``problem``, "your refund")."""
    entry = _entry(content_dir, topic_id, language)
    cleaned = " ".join(title.split())
    _refuse_findings(language, topic_id, {"problem": cleaned})
    return write_topic(content_dir, topic_id, {language: {**entry, "problem": cleaned}})


def set_examples(content_dir: Path, topic_id: str, language: str, lines: str) -> list[TopicChange]:
    """The topic's example questions in ``language``, one a line; blank lines and repeats dropped."""
    entry = _entry(content_dir, topic_id, language)
    examples = list(dict.fromkeys(example_text(line) for line in lines.splitlines() if line.strip()))
    if not examples:
        raise KnowledgeError("A topic needs at least one example question: the bot learns the topic from them.")
    return write_topic(content_dir, topic_id, {language: {**entry, "examples": examples}})


def set_form(content_dir: Path, topic_id: str, needs: list[str]) -> list[TopicChange]:
    """The details the topic asks for before it commits to anything, in this order."""
    facts = _facts(content_dir, topic_id)
    change = write_facts(content_dir, topic_id, {**facts, "needs": list(dict.fromkeys(needs))} if needs
                         else {key: value for key, value in facts.items() if key != "needs"})
    return [change] if change else []


def set_retired(content_dir: Path, topic_id: str, retired: bool) -> list[TopicChange]:
    """Take the topic out of the live pack (its words kept), or bring it back."""
    facts = {key: value for key, value in _facts(content_dir, topic_id).items() if key != "retired"}
    change = write_facts(content_dir, topic_id, {**facts, "retired": True} if retired else facts)
    return [change] if change else []


def topic_ids(content_dir: Path) -> list[str]:
    """Every topic of the shared topics.yaml, retired ones too, in file order."""
    return [str(item["id"]) for item in read_yaml(content_dir / "topics.yaml") or ()
            if isinstance(item, dict) and "id" in item]


def _entry(content_dir: Path, topic_id: str, language: str) -> dict[str, object]:
    languages = {folder.name for folder in language_folders(content_dir)}
    entry = live_entry(content_dir / language / "topics.yaml", topic_id) if language in languages else None
    if entry is None:
        raise KnowledgeError(f"The pack has no topic '{topic_id[:64]}' in {language[:8]}.")
    return entry


def _facts(content_dir: Path, topic_id: str) -> dict[str, object]:
    facts = live_entry(content_dir / "topics.yaml", topic_id)
    if facts is None:
        raise KnowledgeError(f"The pack has no topic '{topic_id[:64]}'.")
    return facts


def _refuse_findings(language: str, topic_id: str, texts: dict[str, str]) -> None:
    found = [f"{part}: {finding.rule}: {finding.message} (fix: {finding.hint})"
             for part, text in texts.items() for finding in findings_for("topics.yaml", f"{topic_id}.{part}", text,
                                                                          language)]
    if found:
        raise KnowledgeError("Fix these findings first:\n" + "\n".join(found))
