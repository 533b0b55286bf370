"""``candor test conversations [FILES]``: play scripted conversations through the real bot and report."""

from __future__ import annotations

import argparse
import asyncio
import tempfile
from pathlib import Path
from typing import Any

from bot.config import Settings
from bot.service.scripted import Script, ScriptResult, load_scripts, run_scripts
from nlu.errors import UsageError

DEFAULT_FOLDER = Path("tests/conversations")


def add_test_commands(commands: Any) -> None:
    test = commands.add_parser("test", help="check the bot against scripted conversations").add_subparsers(
        dest="test_command", required=True)
    conversations = test.add_parser(
        "conversations", help="run scripted conversations (YAML) through the real engine; transcripts of failures")
    conversations.add_argument("files", nargs="*", type=Path,
                               help=f"YAML files or folders of them (default: {DEFAULT_FOLDER})")
    conversations.add_argument("--keyword-scores", action="store_true",
                               help="read feelings with keyword rules instead of the model (faster, less faithful)")
    conversations.set_defaults(handler=_conversations)


def _conversations(args: argparse.Namespace, settings: Settings) -> int:
    files = script_files(args.files or [DEFAULT_FOLDER])
    scripts = load_scripts(files)
    results = asyncio.run(_run(scripts, settings, args.keyword_scores))
    failed = [r for r in results if not r.passed and not r.script.known_gap]
    gaps = [r for r in results if r.script.known_gap]
    for result in failed:
        print(result.transcript(), end="\n\n")
    for result in gaps:
        state = "still failing" if not result.passed else "now PASSES (remove known_gap)"
        print(f"known gap, {state}: {result.script.name} — {result.script.known_gap}")
    passed = sum(1 for r in results if r.passed and not r.script.known_gap)
    print(f"{len(results)} conversations from {len(files)} file(s): {passed} passed, {len(failed)} failed, "
          f"{len(gaps)} known gaps")
    return 1 if failed else 0


def script_files(paths: list[Path]) -> list[Path]:
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted(path.glob("*.yaml")))
        elif path.is_file():
            files.append(path)
        else:
            raise UsageError(f"{path} is neither a YAML file nor a folder of them")
    if not files:
        raise UsageError(f"no conversation scripts (*.yaml) in {', '.join(map(str, paths))}")
    return files


async def _run(scripts: list[Script], settings: Settings, keyword_scores: bool) -> list[ScriptResult]:
    from bot.runtime import build_topic_index
    from knowledge import load_pack
    from nlu.runtime import EmotionAnalyzer

    pack = load_pack()
    analyzer = (EmotionAnalyzer(None) if keyword_scores
                else await EmotionAnalyzer.load(settings.model_dir, settings.model_precision))
    try:
        index = await build_topic_index(pack, analyzer)
        with tempfile.TemporaryDirectory(prefix="candor-conversations-") as folder:
            return await run_scripts(scripts, analyzer, pack, index, Path(folder))
    finally:
        await analyzer.close()
