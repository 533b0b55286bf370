"""``candor knowledge ...``: check the curated content, measure how well topics are found, import a help centre."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from bot.cli.knowledge_drafts import add_draft_commands
from knowledge.lint import lint_content, report
from knowledge.pack import CONTENT_DIR, read_pack
from knowledge.retrieval_eval import add_eval_retrieval_command


def add_knowledge_commands(commands: Any) -> None:
    knowledge = commands.add_parser("knowledge", help="the curated answers and wording").add_subparsers(
        dest="knowledge_command", required=True)
    lint = knowledge.add_parser("lint", help="check every answer and wording part against the style rules")
    lint.add_argument("--content", type=Path, default=CONTENT_DIR, help="content directory (default: the shipped pack)")
    lint.set_defaults(handler=_lint)
    add_eval_retrieval_command(knowledge)
    add_draft_commands(knowledge)


def _lint(args: argparse.Namespace, settings: Any) -> int:
    """Exit 1 on any finding (style, or a field the bot cannot fill), so CI fails on a bad edit; 2 when
    the pack cannot even be read."""
    read_pack(args.content)  # a missing part or broken file is a KnowledgeError with its own message
    findings = lint_content(args.content)
    print(report(findings, args.content), file=sys.stdout if not findings else sys.stderr)
    return 1 if findings else 0
