"""Editing one curated text in place: read it, check it with the linter, write it back.

Only the edited scalar changes in the file; comments, order and every other line stay as the
trainer left them. The new text is written as a double-quoted YAML string, which holds any
text (quotes, colons, blank lines) safely.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import yaml

from knowledge.fields import text_path, text_problems
from knowledge.lint import FIELDS_HINT, check_text, reply_scalars
from knowledge.pack import KnowledgeError, load_pack

EDITABLE_FILES = ("wording.yaml", "topics.yaml")


@dataclass(frozen=True)
class EditableText:
    language: str
    file: str
    path: str
    """Where the text sits: "acknowledgements.anxiety.mild" in wording, "refund.answer" in topics."""
    text: str


@dataclass(frozen=True)
class LintFinding:
    rule: str
    message: str
    hint: str


def editable_texts(content_dir: Path, language: str, file: str) -> list[EditableText]:
    """Every customer-facing text of one file, in file order."""
    root = _compose(_file(content_dir, language, file))
    return [EditableText(language, file, path, node.value) for path, node in reply_scalars(root, file)]


def find_text(content_dir: Path, language: str, file: str, path: str) -> EditableText:
    for text in editable_texts(content_dir, language, file):
        if text.path == path:
            return text
    raise KnowledgeError(f"No text '{path[:80]}' in {language}/{file}.")


def findings_for(file: str, path: str, text: str, language: str) -> list[LintFinding]:
    """The style findings and the fields the bot could not fill, for the text at ``path`` of ``file``."""
    problems = text_problems(text_path(file, path), language, text)
    return [LintFinding("fields", problem, FIELDS_HINT) for problem in problems] + [LintFinding(rule, message, hint) for rule, message, hint, _ in check_text(path, text, language)]


def replace_text(content_dir: Path, language: str, file: str, path: str, new_text: str) -> str:
    """Write ``new_text`` in place of the text at ``path``; returns the old text.

    A text with fields the bot could not fill is refused before anything is written. The whole
    pack is loaded again afterwards; if the edit broke it anyway (a promise's topic without its
    {deadline}, say), the file is put back and the loader's message is raised.
    """
    target = _file(content_dir, language, file)
    source = target.read_text(encoding="utf-8")
    node = dict(reply_scalars(_compose(target), file)).get(path)
    if node is None:
        raise KnowledgeError(f"No text '{path[:80]}' in {language}/{file}.")
    cleaned = new_text.replace("\r\n", "\n").strip()
    if not cleaned:
        raise KnowledgeError("The text is empty; a reply needs words.")
    problems = text_problems(text_path(file, path), language, cleaned)
    if problems:
        raise KnowledgeError("; ".join(problems))
    start, end = node.start_mark.index, node.end_mark.index
    replaced = source[start:end]
    line_breaks = replaced[len(replaced.rstrip()):]  # a block scalar's span ends after its last line break
    updated = source[:start] + json.dumps(cleaned, ensure_ascii=False) + line_breaks + source[end:]
    target.write_text(updated, encoding="utf-8")
    try:
        load_pack(content_dir)
    except KnowledgeError:
        target.write_text(source, encoding="utf-8")
        raise
    return str(node.value)


def _file(content_dir: Path, language: str, file: str) -> Path:
    if file not in EDITABLE_FILES or not language.isalpha() or len(language) > 8:
        raise KnowledgeError("Only <language>/wording.yaml and <language>/topics.yaml can be edited here.")
    path = content_dir / language / file
    if not path.is_file():
        raise KnowledgeError(f"There is no {language}/{file} in the knowledge pack.")
    return path


def _compose(path: Path) -> yaml.Node:
    try:
        node = yaml.compose(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise KnowledgeError(f"{path} is not valid YAML: {error}") from error
    if node is None:
        raise KnowledgeError(f"{path} is empty.")
    return node
