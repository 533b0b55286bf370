"""Scripted conversations: read with clear errors, played through the real service, failures shown in full."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.service.scripted import ScriptError, load_scripts, run_scripts
from knowledge import load_pack
from knowledge.retrieval import TopicIndex
from nlu.runtime import EmotionAnalyzer

pytestmark = pytest.mark.no_database  # the scripts run on a throwaway SQLite database of their own

SCRIPTS = """
- name: a refund question asks for the order, the number is used, and asking for a person hands off
  language: en
  turns:
    - customer: "Where is my refund? I sent the shoes back two weeks ago."
      expect: {move: ask_detail, contains: ["refund"], not_contains: ["{"], handoff: false, topic: refund}
    - customer: "#48213"
      expect: {move: answer, slots: {order_ref: "48213"}, contains: ["#48213"]}
    - customer: "I want to talk to a real person please"
      expect: {move: hand_off, handoff: true}
- name: a reply that misses what the script wants
  turns:
    - customer: "Where is my refund?"
      expect: {move: close, contains: ["48213"]}
"""


async def play(tmp_path: Path, text: str) -> list[str]:
    path = tmp_path / "scripts.yaml"
    path.write_text(text)
    pack, analyzer = load_pack(), EmotionAnalyzer(None)
    try:
        results = await run_scripts(load_scripts([path]), analyzer, pack, TopicIndex.build(pack, None), tmp_path)
    finally:
        await analyzer.close()
    return [("PASS " if result.passed else "FAIL ") + result.transcript() for result in results]


async def test_a_script_that_holds_passes_and_one_that_does_not_shows_its_transcript_and_why(tmp_path: Path) -> None:
    holds, misses = await play(tmp_path, SCRIPTS)
    assert holds.startswith("PASS ") and "bot:      [hand_off, en]" in holds
    assert misses.startswith("FAIL ")
    assert "customer: Where is my refund?" in misses and "bot:      [ask_detail, en]" in misses
    assert "case:     refund; no details; waiting for: order_ref" in misses, "the case beside the turn"
    assert "✗ expected move close" in misses and "✗ expected the reply to contain '48213'" in misses


@pytest.mark.parametrize(("text", "message"), [
    ("- name: x\n  turns: []\n", "'turns' must list the customer's messages"),
    ("- name: x\n  turns:\n    - customer: hi\n      expect: {mood: calm}\n", "unknown: mood"),
    ("- name: x\n  turns:\n    - customer: hi\n      expect: {move: dance}\n", "move must be one of"),
    ("- name: x\n  language: de\n  turns:\n    - customer: hi\n", "language must be one of en, ru, pl, zh"),
    ("- turns:\n    - customer: hi\n", "each conversation needs a name"),
    ("- name: x\n  turns:\n    - customer: hi\n- name: x\n  turns:\n    - customer: hi\n", "used twice: x"),
    ("name: [unclosed\n", "cannot be read as YAML"),
])
def test_a_broken_script_is_refused_with_the_file_and_what_to_fix(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text(text)
    with pytest.raises(ScriptError, match="broken.yaml") as refused:
        load_scripts([path])
    assert message in str(refused.value)


def test_a_slots_expectation_must_map_details_to_values(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text("- name: x\n  turns:\n    - customer: hi\n      expect: {slots: [order_ref]}\n")
    with pytest.raises(ScriptError, match="'slots' must map each detail"):
        load_scripts([path])
