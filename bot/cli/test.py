"""``candor test conversations [FILES]``: play scripted conversations through the real bot and report."""

from __future__ import annotations

import argparse
import asyncio
import json
import tempfile
from pathlib import Path
from typing import Any

from bot.config import Settings
from bot.service.script_figures import ScriptFigures, figures_of
from bot.service.scripted import DEFAULT_SCRIPTS_DIR, Script, ScriptResult, load_scripts, run_scripts
from nlu.errors import UsageError


def add_test_commands(commands: Any) -> None:
    test = commands.add_parser("test", help="check the bot against scripted conversations").add_subparsers(
        dest="test_command", required=True)
    conversations = test.add_parser(
        "conversations", help="run scripted conversations (YAML) through the real engine; transcripts of failures")
    conversations.add_argument("files", nargs="*", type=Path,
                               help=f"YAML files or folders of them (default: {DEFAULT_SCRIPTS_DIR})")
    conversations.add_argument("--keyword-scores", action="store_true",
                               help="read feelings with keyword rules instead of the model (faster, less faithful)")
    conversations.add_argument("--content", type=Path, default=None,
                               help="knowledge pack folder to test (default: the shipped pack)")
    conversations.add_argument("--figures", action="store_true",
                               help="also print figures: order references used, endings recognised, handoffs, "
                                    "replies ignoring the previous turn, reply length per language")
    conversations.add_argument("--json", type=Path, default=None, metavar="FILE",
                               help="also write every result (with transcripts and figures) to FILE as JSON")
    conversations.set_defaults(handler=_conversations)


def _conversations(args: argparse.Namespace, settings: Settings) -> int:
    files = script_files(args.files or [DEFAULT_SCRIPTS_DIR])
    scripts = load_scripts(files)
    results = asyncio.run(_run(scripts, settings, args.keyword_scores, args.content))
    figures = figures_of(results)
    if args.json is not None:
        args.json.write_text(json.dumps(results_as_json(results, figures, len(files)), ensure_ascii=False, indent=1),
                             encoding="utf-8")
    failed = [r for r in results if not r.passed and not r.script.known_gap]
    gaps = [r for r in results if r.script.known_gap]
    for result in failed:
        print(result.transcript(), end="\n\n")
    for result in gaps:
        state = "still failing" if not result.passed else "now PASSES (remove known_gap)"
        print(f"known gap, {state}: {result.script.name} — {result.script.known_gap}")
    passed = sum(1 for r in results if r.passed and not r.script.known_gap)
    if args.figures:
        print("\n".join(figures.lines()))
    print(f"{len(results)} conversations from {len(files)} file(s): {passed} passed, {len(failed)} failed, "
          f"{len(gaps)} known gaps")
    return 1 if failed else 0


def results_as_json(results: list[ScriptResult], figures: ScriptFigures, files: int) -> dict[str, object]:
    """What the console shows of a run: each conversation with its transcript, and the figures."""
    return {
        "files": files,
        "conversations": [{"name": r.script.name, "source": r.script.source, "passed": r.passed,
                           "known_gap": r.script.known_gap, "transcript": r.transcript()} for r in results],
        "figures": figures.lines(),
    }


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


async def _run(scripts: list[Script], settings: Settings, keyword_scores: bool,
               content: Path | None) -> list[ScriptResult]:
    from bot.policy.escalation import load_rules
    from bot.runtime import build_topic_index
    from knowledge import load_pack
    from knowledge.content_folder import seed_content
    from nlu.runtime import EmotionAnalyzer

    folder = content or seed_content(settings.content_dir)
    pack = load_pack(folder)
    analyzer = (EmotionAnalyzer(None) if keyword_scores
                else await EmotionAnalyzer.load(settings.model_dir, settings.model_precision,
                                                 settings.model_cache_dir))
    try:
        index = await build_topic_index(pack, analyzer)
        with tempfile.TemporaryDirectory(prefix="candor-conversations-") as scratch:
            return await run_scripts(scripts, analyzer, pack, index, Path(scratch), load_rules(folder / "escalation.yaml"))
    finally:
        await analyzer.close()
