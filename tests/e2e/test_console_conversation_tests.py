"""Trainers run the conversation scripts from the console and read what failed, turn by turn."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest

from tests.e2e.console_server import CSRF, serve_console, sign_in

pytestmark = pytest.mark.slow
SCRIPTS = """
- name: a late parcel with its number is answered with that number
  language: en
  turns:
    - customer: "My order #48213 hasn't arrived"
      expect: {move: answer, slots: {order_ref: "48213"}, contains: ["#48213"]}
- name: a script that expects the wrong thing shows its transcript
  language: en
  turns:
    - customer: "Where is my order?"
      expect: {move: answer, contains: ["this text is never said"]}
"""


async def test_a_trainer_runs_the_conversation_tests_and_sees_each_failures_transcript(tmp_path: Path) -> None:
    scripts = tmp_path / "conversations"
    scripts.mkdir()
    (scripts / "orders.yaml").write_text(SCRIPTS, encoding="utf-8")
    async with serve_console(tmp_path, scripts_dir=scripts) as console, \
            httpx.AsyncClient(base_url=console.url, timeout=1800) as client:
        assert (await client.get("/conversation-tests")).status_code == 303, "trainers only"
        await sign_in(client)
        page = await client.get("/conversation-tests")
        assert "2 conversations" in page.text and "orders.yaml" in page.text
        token = CSRF.search(page.text)
        assert token is not None
        forged = await client.post("/conversation-tests/run", data={"csrf": "forged", "keyword_scores": "on"})
        assert forged.status_code == 403
        ran = await client.post("/conversation-tests/run", data={"csrf": token.group(1), "keyword_scores": "on"})
        assert ran.status_code == 303
        results = (await client.get("/conversation-tests")).text
        assert re.search(r"2 conversations from 1 file\(s\): 1 passed, 1 failed", results), results
        failed = results[results.index("a script that expects the wrong thing"):]
        assert "<strong>failed</strong>" in failed and "expected move answer" in failed
        assert "case:     order_status; no details; waiting for: order_ref" in failed, "the case beside the turn"
        assert "order references given: 1; kept in the case: 1" in results, "the figures"
