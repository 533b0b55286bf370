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

from knowledge.content_files import read_yaml
from knowledge.content_upgrade import fill_wording
from knowledge.fields import text_path, text_problems
from knowledge.lint import FIELDS_HINT, check_text, reply_scalars
from knowledge.pack import CONTENT_DIR, KnowledgeError, load_pack

EDITABLE_FILES = ("wording.yaml", "topics.yaml")


@dataclass(frozen=True)
class EditableText:
    language: str
    file: str
    path: str
    """Where the text sits: "acknowledgements.anxiety.mild" in wording, "refund.answer" in topics."""
    text: str
    from_defaults: bool = False
    """The shop's file lacks it (a newer release added it): the package's words, until a save writes the shop's."""


@dataclass(frozen=True)
class LintFinding:
    rule: str
    message: str
    hint: str


def editable_texts(content_dir: Path, language: str, file: str) -> list[EditableText]:
    """Every customer-facing text of one file, in file order; then, for a wording file, the texts it lacks that
    the bot reads from the package's defaults (knowledge/content_upgrade.py)."""
    target = _file(content_dir, language, file)
    own = [EditableText(language, file, path, node.value) for path, node in reply_scalars(_compose(target), file)]
    return own + _from_defaults(target, language, file)


def _from_defaults(target: Path, language: str, file: str) -> list[EditableText]:
    shipped = CONTENT_DIR / language / file
    if file != "wording.yaml" or not shipped.is_file() or shipped.resolve() == target.resolve():
        return []
    try:
        _, filled = fill_wording(read_yaml(target), read_yaml(shipped), _own_names(target.parent.parent))
    except KnowledgeError:
        return []  # a folder that cannot be read lists its own texts only, so a trainer can still open them
    return [EditableText(language, file, path, node.value, from_defaults=True)
            for path, node in reply_scalars(_compose(shipped), file)
            if any(path == key or path.startswith(f"{key}.") for key in filled)]


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
    default = next((t for t in _from_defaults(target, language, file) if t.path == path), None) if node is None else None
    if node is None and default is None:
        raise KnowledgeError(f"No text '{path[:80]}' in {language}/{file}.")
    cleaned = new_text.replace("\r\n", "\n").strip()
    if not cleaned:
        raise KnowledgeError("The text is empty; a reply needs words.")
    problems = text_problems(text_path(file, path), language, cleaned)
    if problems:
        raise KnowledgeError("; ".join(problems))
    if node is None:
        updated = _with_key_added(source, _compose(target), path, cleaned)
    else:
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
    return str(node.value) if node is not None else default.text if default is not None else ""


def _own_names(content_dir: Path) -> dict[str, set[str]]:
    """The details and gestures the shop's folder defines: the package's words are offered only for those."""
    details = read_yaml(content_dir / "details.yaml")
    gestures = read_yaml(content_dir / "gestures.yaml") if (content_dir / "gestures.yaml").is_file() else []
    return {"details": {str(name) for name in details} if isinstance(details, dict) else set(),
            "gestures": {str(item.get("id")) for item in gestures if isinstance(item, dict)}
            if isinstance(gestures, list) else set()}


def _with_key_added(source: str, root: yaml.Node, path: str, text: str) -> str:
    """``source`` with the text at ``path`` written under the deepest mapping of the path the file has, at the
    end of that mapping; every other line stays as it was."""
    keys = path.split(".")
    mapping = root
    while isinstance(mapping, yaml.MappingNode) and len(keys) > 1:
        inner = next((value for key, value in mapping.value if str(key.value) == keys[0]), None)
        if not isinstance(inner, yaml.MappingNode):
            break
        mapping, keys = inner, keys[1:]
    if not isinstance(mapping, yaml.MappingNode) or mapping.flow_style or not mapping.value:
        raise KnowledgeError(f"'{path[:80]}' cannot be added to this file here; add it with an editor.")
    indent = int(mapping.value[0][0].start_mark.column)
    lines = [" " * (indent + 2 * depth) + f"{key}:" for depth, key in enumerate(keys[:-1])]
    lines.append(" " * (indent + 2 * (len(keys) - 1)) + f"{keys[-1]}: {json.dumps(text, ensure_ascii=False)}")
    end = mapping.end_mark.index - mapping.end_mark.column if mapping.end_mark.column <= indent else len(source)
    end = _before_trailing_notes(source, end)
    before = source[:end] if source[:end].endswith("\n") or not source[:end] else source[:end] + "\n"
    return before + "\n".join(lines) + "\n" + source[end:]


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


def _before_trailing_notes(source: str, end: int) -> int:
    """``end`` moved up over the blank and comment lines right before it: they introduce the next part."""
    while end > 0:
        start = source.rfind("\n", 0, end - 1) + 1
        if source[start:end].strip() and not source[start:end].lstrip().startswith("#"):
            return end
        end = start
    return end
