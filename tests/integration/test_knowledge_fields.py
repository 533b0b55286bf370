"""Curated texts the bot cannot fill are refused when the pack loads, in every language, with a
message a trainer can act on; the bot does not start on such a pack."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from knowledge.fields import TEXT_FIELDS, fields_for
from knowledge.pack import CONTENT_DIR, KnowledgeError, load_pack
from tests.conftest import CANDOR, TEST_TOKEN, subprocess_env

BROKEN_TEXTS = [
    pytest.param("handoff.assigned", "{customer_name}, {agent} will reply {deadline}.",
                 "handoff.assigned (ru): {customer_name} is not a field this text can use; "
                 "it can use {agent}, {role}, {deadline}", id="unknown-field"),
    pytest.param("closing.thanks_rating", "Thank you for the { rating.",
                 "closing.thanks_rating (ru): has a '{' or '}' without its pair; braces are only for fields, "
                 "and it can use {score}", id="lone-brace"),
    pytest.param("closing.thanks_rating", "Thank you for the {score.__class__.__mro__}.",
                 "closing.thanks_rating (ru): {score.__class__.__mro__} reaches inside a field", id="attribute"),
    pytest.param("handoff.assigned", "{agent[0]} will reply {deadline}.",
                 "handoff.assigned (ru): {agent[0]} reaches inside a field", id="indexing"),
    pytest.param("closing.thanks_rating", "Thank you for the {score:>5000}.",
                 "closing.thanks_rating (ru): {score:>5000} formats the field", id="format-spec"),
    pytest.param("closing.thanks_rating", "Thank you for the {score!r}.",
                 "closing.thanks_rating (ru): {score!r} converts the field", id="conversion"),
    pytest.param("handoff.assigned", "{agent}, {role}, will reply soon.",
                 "handoff.assigned (ru): lacks {deadline}; this text must contain {agent}, {deadline}",
                 id="missing-required-field"),
    pytest.param("handoff.crisis", "Please call 112 now, {name}.",
                 "handoff.crisis (ru): {name} is not a field this text can use; this text takes no fields",
                 id="field-in-a-text-sent-as-written"),
    pytest.param("agents.taken", "{agent} took it; {customer} was told.",
                 "agents.taken (ru): {customer} is not a field this text can use; it can use {agent}",
                 id="agents-note-unknown-field"),
    pytest.param("agents.stranger", "Only registered agents can use this here.",
                 "agents.stranger (ru): lacks {command}; this text must contain {command}",
                 id="agents-note-missing-required-field"),
]


def plant(content: Path, language: str, file: str, path: str, text: str) -> None:
    """Put ``text`` at ``path`` of a copied content file, as a careless edit by hand would leave it."""
    target = content / language / file
    document: Any = yaml.safe_load(target.read_text(encoding="utf-8"))
    keys = path.split(".")
    if file == "topics.yaml":
        topic_id = keys.pop(0)
        document_part = next(t for t in document if t["id"] == topic_id)
    parent = document_part if file == "topics.yaml" else document
    for key in keys[:-1]:
        parent = parent[key]
    parent[keys[-1]] = text
    target.write_text(yaml.safe_dump(document, allow_unicode=True, sort_keys=False), encoding="utf-8")


@pytest.fixture
def content(tmp_path: Path) -> Path:
    copy = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, copy)
    return copy


def test_the_shipped_pack_loads_and_every_text_fills_with_the_fields_it_names() -> None:
    pack = load_pack(CONTENT_DIR)
    for language, path, text in pack.texts():
        fields = fields_for(path)
        filled = text.format(**{name: f"<{name}>" for name in fields.allowed})
        assert "{" not in filled and "}" not in filled, (language, path, filled)
        for name in fields.required:
            assert f"<{name}>" in filled, (language, path, name)


def test_every_entry_of_the_table_names_a_text_of_the_shipped_pack() -> None:
    paths = {path for _, path, _ in load_pack(CONTENT_DIR).texts()}
    for pattern in TEXT_FIELDS:
        assert any(fields_for(path) is TEXT_FIELDS[pattern] for path in paths), pattern


@pytest.mark.parametrize(("path", "text", "message"), BROKEN_TEXTS)
def test_a_text_the_bot_cannot_fill_stops_the_pack_from_loading_and_says_why(
    content: Path, path: str, text: str, message: str
) -> None:
    plant(content, "ru", "wording.yaml", path, text)
    with pytest.raises(KnowledgeError) as refused:
        load_pack(content)
    assert f"ru/wording.yaml: {message}" in str(refused.value)


@pytest.mark.parametrize("language", ["en", "ru", "pl", "zh"])
def test_every_language_is_checked(content: Path, language: str) -> None:
    plant(content, language, "wording.yaml", "handoff.queued", "{customer_name}: {agent} looks {deadline}.")
    with pytest.raises(KnowledgeError, match=rf"handoff.queued \({language}\): \{{customer_name\}} is not a field"):
        load_pack(content)


def test_a_topics_next_step_may_use_only_its_deadline_bare(content: Path) -> None:
    plant(content, "pl", "topics.yaml", "refund.next_step", "Teraz: nic. Dalej: sprawdzamy. Kiedy: {deadline:^9999}.")
    with pytest.raises(KnowledgeError, match=r"pl/topics.yaml: refund.next_step \(pl\): \{deadline:\^9999\} formats"):
        load_pack(content)


def test_every_broken_text_is_named_in_one_message(content: Path) -> None:
    plant(content, "en", "wording.yaml", "handoff.assigned", "{agent} replies.")
    plant(content, "zh", "wording.yaml", "unknown_command", "{command.upper}")
    with pytest.raises(KnowledgeError) as refused:
        load_pack(content)
    assert "en/wording.yaml: handoff.assigned (en): lacks {deadline}" in str(refused.value)
    assert "zh/wording.yaml: unknown_command (zh): {command.upper} reaches inside a field" in str(refused.value)


@pytest.mark.slow
@pytest.mark.parametrize("command", [["chat"], ["run"]])
def test_the_bot_does_not_start_on_a_pack_it_cannot_fill(content: Path, tmp_path: Path, command: list[str]) -> None:
    """``candor chat``/``run`` read the shop's content folder (CANDOR_CONTENT_DIR): here, one with a broken text."""
    plant(content, "ru", "wording.yaml", "handoff.assigned", "{customer_name}: {agent} {deadline}")
    env = subprocess_env(tmp_path, CANDOR_CONTENT_DIR=str(content), TELEGRAM_BOT_TOKEN=TEST_TOKEN,
                         TELEGRAM_API_BASE_URL="http://127.0.0.1:9")
    result = subprocess.run([str(CANDOR), *command], capture_output=True, text=True, timeout=120, env=env,
                            stdin=subprocess.DEVNULL, check=False)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "handoff.assigned (ru): {customer_name} is not a field this text can use" in result.stderr
    assert "Traceback" not in result.stderr
