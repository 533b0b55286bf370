"""Writing one whole topic into the pack's files: its words per language and its shared facts.

Only the topic's own list item changes; every other topic, comment and line stays as it was.
The pack is loaded again afterwards and, if it no longer loads, every file is put back and the
loader's message raised: a topic goes live whole or not at all.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from knowledge.content_files import KnowledgeError, language_folders, read_yaml
from knowledge.pack import load_pack

SHARED_FACTS = {"resolution_hours": 0, "extension_hours": 0, "promise": False}
"""An imported topic answers from its article and commits to no time, so it needs no team."""


@dataclass(frozen=True)
class TopicChange:
    """One language's entry of a topic, as YAML, before and after ("" when there was or is none)."""

    language: str
    before: str
    after: str


def entry_text(entry: dict[str, Any] | None) -> str:
    return yaml.safe_dump([entry], allow_unicode=True, sort_keys=False, width=100) if entry else ""


def entry_of(text: str) -> dict[str, Any] | None:
    """The entry ``entry_text`` wrote, None for ""."""
    if not text.strip():
        return None
    loaded = yaml.safe_load(text)
    if not isinstance(loaded, list) or len(loaded) != 1 or not isinstance(loaded[0], dict):
        raise KnowledgeError("That version is not one topic's entry; it cannot be restored.")
    return dict(loaded[0])


def write_topic(content_dir: Path, topic_id: str, entries: dict[str, dict[str, Any] | None]) -> list[TopicChange]:
    """Set (or, for None, remove) the topic's entry in each language given, and list in topics.yaml the
    languages that have it; the topic leaves topics.yaml when no language has it."""
    originals: dict[Path, str] = {}
    changes = []
    try:
        for language, entry in sorted(entries.items()):
            path = content_dir / language / "topics.yaml"
            if not path.is_file():
                raise KnowledgeError(f"The pack has no {language}/topics.yaml; it cannot take a topic in {language}.")
            originals[path] = path.read_text(encoding="utf-8")
            before = _set_item(path, topic_id, entry)
            if before != entry_text(entry):
                changes.append(TopicChange(language, before, entry_text(entry)))
        shared = content_dir / "topics.yaml"
        originals[shared] = shared.read_text(encoding="utf-8")
        folders = language_folders(content_dir)
        languages = [folder.name for folder in folders if _item(folder / "topics.yaml", topic_id) is not None]
        facts = shared_facts(shared, topic_id, languages, len(folders))
        if facts != entry_of(entry_text(live_entry(shared, topic_id))):
            _set_item(shared, topic_id, facts)
        load_pack(content_dir)
    except (KnowledgeError, yaml.YAMLError):
        for path, text in originals.items():
            path.write_text(text, encoding="utf-8")
        raise
    return changes


def shared_facts(shared: Path, topic_id: str, languages: list[str], every: int) -> dict[str, Any] | None:
    """The topic's item in the shared topics.yaml for the languages that have it: its facts as they were (a
    curated topic keeps its times, team and form), ``languages`` only while not every language has it."""
    if not languages:
        return None
    kept = live_entry(shared, topic_id)
    if kept is None:
        return {"id": topic_id, "languages": languages, **SHARED_FACTS}
    facts = {key: value for key, value in kept.items() if key != "languages"}
    return facts if len(languages) == every else {**facts, "languages": languages}


def live_entry(path: Path, topic_id: str) -> dict[str, Any] | None:
    """The topic's item in a topics.yaml as a mapping, None when the file has none."""
    for item in read_yaml(path) or ():
        if isinstance(item, dict) and str(item.get("id")) == topic_id:
            return dict(item)
    return None


def _item(path: Path, topic_id: str) -> yaml.MappingNode | None:
    if not path.is_file():
        return None
    root = yaml.compose(path.read_text(encoding="utf-8"))
    if not isinstance(root, yaml.SequenceNode):
        return None
    for item in root.value:
        if isinstance(item, yaml.MappingNode) and any(k.value == "id" and v.value == topic_id for k, v in item.value):
            return item
    return None


def _set_item(path: Path, topic_id: str, entry: dict[str, Any] | None) -> str:
    """Replace, remove or append the list item with this id; returns the old item as ``entry_text`` writes it."""
    source = path.read_text(encoding="utf-8")
    node = _item(path, topic_id)
    new = entry_text(entry)
    if node is None:
        if new:
            path.write_text(source.rstrip("\n") + "\n\n" + new, encoding="utf-8")
        return ""
    start = source.rfind("\n", 0, node.start_mark.index) + 1
    end = node.end_mark.index
    if node.end_mark.column != 0:
        newline = source.find("\n", end)
        end = len(source) if newline < 0 else newline + 1
    old = entry_of(source[start:end])
    head = source[:start]
    if not new and head.endswith("\n\n"):
        head = head[:-1]  # the blank line an append put before it
    path.write_text(head + new + source[end:], encoding="utf-8")
    return entry_text(old)



def is_topic_version(file: str, path: str) -> bool:
    """A recorded version of a whole topic (a publication), not of one of its texts: its path is the bare id."""
    return file == "topics.yaml" and bool(path) and "." not in path


SHARED = "shared"
"""The language of a recorded version of a topic's shared facts (topics.yaml beside the language folders)."""


def write_facts(content_dir: Path, topic_id: str, facts: dict[str, Any]) -> TopicChange | None:
    """Set the topic's item in the shared topics.yaml (its form, times, team, retired); None when unchanged.
    Refused with the loader's message, and nothing kept, when the pack no longer loads."""
    shared = content_dir / "topics.yaml"
    original = shared.read_text(encoding="utf-8")
    if live_entry(shared, topic_id) is None:
        raise KnowledgeError(f"The pack has no topic '{topic_id[:64]}'.")
    facts = {"id": topic_id, **{key: value for key, value in facts.items() if key != "id"}}
    if entry_text(facts) == entry_text(live_entry(shared, topic_id)):
        return None
    try:
        before = _set_item(shared, topic_id, facts)
        load_pack(content_dir)
    except (KnowledgeError, yaml.YAMLError):
        shared.write_text(original, encoding="utf-8")
        raise
    return TopicChange(SHARED, before, entry_text(facts))


def restore_topic(content_dir: Path, language: str, file: str, topic_id: str, text: str) -> str:
    """Put the topic's entry in ``language`` back to ``text`` (removed for ""); returns the entry it replaced.
    Called as ``editing.replace_text`` is, for a version ``is_topic_version`` says is a whole topic's; a version
    of the shared facts (language SHARED) puts those back."""
    if not is_topic_version(file, topic_id):
        raise KnowledgeError(f"{language}/{file} {topic_id[:80]} is not a whole topic.")
    if language == SHARED:
        facts = entry_of(text)
        if facts is None:
            raise KnowledgeError(f"Topic {topic_id[:64]} had no shared facts then; nothing to put back.")
        change = write_facts(content_dir, topic_id, facts)
        return change.before if change else text
    changes = write_topic(content_dir, topic_id, {language: entry_of(text)})
    return changes[0].before if changes else text
