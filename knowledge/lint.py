"""``candor knowledge lint``: check every curated answer and wording part against the style rules.

A trainer's edit is checked the way a careful colleague would read it: no stock phrases, no
jargon, no passive evasions, short sentences, no commitment without a time, and every topic's
next step saying what happens now; and every field in a text must be one the bot fills there
(knowledge/fields.py). Each finding names the file, the line and a fix, so a bad
edit fails CI with a message that says what to change. Only customer-facing text is read:
examples, keywords and the date format are data, not replies.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from knowledge.content_files import language_folders
from knowledge.fields import text_path, text_problems
from knowledge.pack import CONTENT_DIR, KnowledgeError
from knowledge.style_rules import (
    COMMITMENTS,
    LONG_SENTENCE_HINT,
    NEXT_STEP_HINT,
    NEXT_STEP_MARKERS,
    PHRASE_RULES,
    PROMISE_HINT,
    TIME_EVIDENCE,
    sentence_is_long,
    sentences,
)

NOT_REPLIES = frozenset({"id", "examples", "keywords", "deadline", "weekdays", "months"})
"""Keys whose values are data, not words a customer reads."""
NOT_FILLED = NOT_REPLIES - {"deadline"}
"""Keys whose values are never filled with fields; the date format is data for style, but it is filled."""
FIELDS_HINT = ("write each field bare, like {agent}, and only the fields this text names; the bot cannot fill "
               "anything else, and braces are only for fields")
TEXT_FILES = ("topics.yaml", "wording.yaml")


@dataclass(frozen=True)
class Finding:
    path: Path
    line: int
    rule: str
    message: str
    hint: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.rule}: {self.message}\n    fix: {self.hint}"


def lint_content(content_dir: Path = CONTENT_DIR) -> list[Finding]:
    """Findings for every language folder of a content directory, in file order."""
    if not content_dir.is_dir():
        raise KnowledgeError(f"No knowledge content at {content_dir}.")
    findings: list[Finding] = []
    for language_dir in language_folders(content_dir):
        for name in TEXT_FILES:
            path = language_dir / name
            if path.is_file():
                findings += lint_file(path, language_dir.name)
    return findings


def lint_file(path: Path, language: str) -> list[Finding]:
    source = path.read_text(encoding="utf-8")
    try:
        root = yaml.compose(source)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 1
        return [Finding(path, line, "yaml", f"not valid YAML: {error}", "fix the indentation or quoting here")]
    lines = source.splitlines()
    findings: list[Finding] = []
    for where, node in reply_scalars(root, path.name):
        for rule, message, hint, needle in check_text(where, node.value, language):
            findings.append(Finding(path, _line_of(node, needle, lines), rule, message, hint))
    for where, node in reply_scalars(root, path.name, skip=NOT_FILLED):
        for problem in text_problems(text_path(path.name, where), language, node.value):
            findings.append(Finding(path, node.start_mark.line + 1, "fields", problem, FIELDS_HINT))
    return findings


def check_text(key: str, value: str, language: str) -> list[tuple[str, str, str, str]]:
    """(rule, message, hint, the words found) for one text; pure, so rules are testable on strings."""
    flat = " ".join(value.split())
    found: list[tuple[str, str, str, str]] = []
    for rule in PHRASE_RULES:
        for pattern in rule.compiled(language):
            match = pattern.search(flat)
            if match:
                found.append((rule.name, f"{key}: \"{match.group(0)}\"", rule.hint, match.group(0)))
    commitment, evidence = COMMITMENTS.get(language), TIME_EVIDENCE.get(language)
    for sentence in sentences(value):
        if sentence_is_long(sentence, language):
            found.append(("long-sentence", f"{key}: \"{_clip(sentence)}\"", LONG_SENTENCE_HINT, sentence[:24]))
        if commitment and evidence and re.search(commitment, sentence, re.IGNORECASE) and not re.search(
            evidence, sentence, re.IGNORECASE
        ):
            found.append(("promise-without-time", f"{key}: \"{_clip(sentence)}\"", PROMISE_HINT, sentence[:24]))
    marker = NEXT_STEP_MARKERS.get(language)
    if key.rsplit(".", 1)[-1] == "next_step" and marker and not flat.startswith(marker):
        found.append(("missing-next-step", f"{key}: \"{_clip(flat)}\"", NEXT_STEP_HINT.format(marker=marker),
                      flat[:24]))
    return found


def reply_scalars(root: yaml.Node, file: str, skip: frozenset[str] = NOT_REPLIES) -> list[tuple[str, yaml.ScalarNode]]:
    """Every customer-facing string under ``root`` with where it sits: "acknowledgements.anxiety.mild"
    in wording, "refund.answer" in topics (a topic's texts are named by its id); keys in ``skip`` are left out."""
    found: list[tuple[str, yaml.ScalarNode]] = []

    def walk(node: yaml.Node, path: str) -> None:
        if isinstance(node, yaml.ScalarNode):
            if node.tag == "tag:yaml.org,2002:str" and node.value.strip() and path:
                found.append((path, node))
        elif isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                if str(key.value) not in skip:
                    walk(value, f"{path}.{key.value}" if path else str(key.value))
        elif isinstance(node, yaml.SequenceNode) and file == "topics.yaml":
            for item in node.value:
                topic_id = next((str(v.value) for k, v in getattr(item, "value", []) if k.value == "id"), "")
                walk(item, topic_id)

    walk(root, "")
    return found


def _line_of(node: yaml.ScalarNode, needle: str, lines: list[str]) -> int:
    """1-based line of ``needle`` inside the scalar; the scalar's first line when it wraps across lines."""
    start: int = node.start_mark.line
    end = min(int(node.end_mark.line), len(lines) - 1)
    probe = needle.split()[0] if needle.split() else needle
    for number in range(start, end + 1):
        if probe and probe.lower() in lines[number].lower():
            return number + 1
    return start + 1


def _clip(text: str, limit: int = 80) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def report(findings: list[Finding], content_dir: Path) -> str:
    if not findings:
        return f"{content_dir}: no findings; every answer and wording part follows the style rules."
    body = "\n".join(str(finding) for finding in findings)
    return f"{body}\n\n{len(findings)} finding(s) in {content_dir}."
