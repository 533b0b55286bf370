"""``candor knowledge ...``: check the curated content, measure how well topics are found, import a help centre."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from bot.cli.knowledge_drafts import add_draft_commands
from bot.config import Settings
from knowledge.content_folder import seed_content
from knowledge.lint import lint_content, report
from knowledge.pack import read_pack
from knowledge.retrieval_eval import add_eval_retrieval_command
from knowledge.shop_profile import read_profile


def add_knowledge_commands(commands: Any) -> None:
    knowledge = commands.add_parser("knowledge", help="the curated answers and wording").add_subparsers(
        dest="knowledge_command", required=True)
    lint = knowledge.add_parser("lint", help="check every answer and wording part against the style rules")
    lint.add_argument("--content", type=Path, default=None,
                      help="content directory (default: the shop's content folder, CANDOR_CONTENT_DIR)")
    lint.set_defaults(handler=_lint)
    add_eval_retrieval_command(knowledge)
    add_draft_commands(knowledge)


def _lint(args: argparse.Namespace, settings: Settings) -> int:
    """Exit 1 on any finding (style, or a field the bot cannot fill), so CI fails on a bad edit; 2 when
    the pack cannot even be read."""
    content: Path = args.content or seed_content(settings.content_dir)
    pack = read_pack(content)  # a missing part or broken file is a KnowledgeError with its own message
    read_profile(content, pack.languages)  # and so is a shop profile with a value the wording cannot use
    if pack.upgrade:
        print(pack.upgrade.report(), file=sys.stdout)  # filled keys are the package's linted words: no finding
    findings = lint_content(content)
    print(report(findings, content), file=sys.stdout if not findings else sys.stderr)
    return 1 if findings else 0
