"""``candor knowledge import`` and ``candor knowledge drafts list|publish``: a help centre in as drafts, then live.

Importing writes drafts only; nothing a customer reads changes until a draft is published, from
here or from the console's Drafts page, through the same recorded, revertible path.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path
from typing import Any

from bot.config import Settings
from bot.service.draft_publishing import publish_recorded
from bot.storage.database import Database, upgrade_schema
from bot.storage.models import utc_now
from knowledge.content_folder import seed_content
from knowledge.importing.drafting import draft_findings
from knowledge.importing.drafts import Draft, DraftState, all_drafts, drafts_folder, state_of
from knowledge.importing.importing import Imported, import_articles
from knowledge.importing.publishing import DraftRefused
from knowledge.importing.sources import FORMATS, read_source
from nlu.errors import UsageError

CLI_TRAINER = "command line"
"""Who a publication from the command line is recorded as, unless --trainer names someone."""
PUBLISHABLE = (DraftState.DRAFT, DraftState.CHANGED)


def add_draft_commands(knowledge: Any) -> None:
    content_help = "content directory (default: the shop's content folder, CANDOR_CONTENT_DIR)"
    imports = knowledge.add_parser("import", help="import a help centre as draft topics (nothing goes live)")
    imports.add_argument("path", type=Path, help="a Markdown folder, a CSV, an HTML page or sitemap.xml, or a Zendesk export")
    imports.add_argument("--format", choices=FORMATS, help="the source's format (default: guessed from PATH)")
    imports.add_argument("--language", default="", help="the language of articles that do not say theirs")
    imports.add_argument("--content", type=Path, default=None, help=content_help)
    imports.set_defaults(handler=_import)
    drafts = knowledge.add_parser("drafts", help="draft topics waiting to be published").add_subparsers(
        dest="drafts_command", required=True)
    listing = drafts.add_parser("list", help="list drafts: id, title, languages, source, findings, state")
    listing.add_argument("--content", type=Path, default=None, help=content_help)
    listing.set_defaults(handler=_list)
    publish = drafts.add_parser("publish", help="make drafts live topics (recorded, revertible in the console)")
    which = publish.add_mutually_exclusive_group(required=True)
    which.add_argument("id", nargs="?", help="the draft's id, from candor knowledge drafts list")
    which.add_argument("--all", action="store_true", help="every draft not live yet")
    publish.add_argument("--content", type=Path, default=None, help=content_help)
    publish.add_argument("--trainer", default=CLI_TRAINER, help="who the change is recorded as")
    publish.set_defaults(handler=_publish)


def _import(args: argparse.Namespace, settings: Settings) -> int:
    content = _content_folder(args, settings)
    articles = read_source(args.path, args.format, args.language)
    results = import_articles(content, articles, str(args.path))
    print(f"Imported {len(articles)} article(s) from {args.path} as {len(results)} draft(s) in "
          f"{drafts_folder(content)}:")
    for result in results:
        _print_imported(result)
    print("No live topic changed. Review the drafts with 'candor knowledge drafts list', edit a draft's file if needed, and "
          "publish with 'candor knowledge drafts publish ID' or from the console's Drafts page.")
    return 0


def _print_imported(result: Imported) -> None:
    draft = result.draft
    print(f"  {result.change:<9} {draft.id}  {draft.title} ({', '.join(draft.languages)}), "
          f"{len(draft.findings)} finding(s), {result.state}")
    if result.diff:
        print("\n".join(f"      {line}" for line in result.diff.splitlines()))
    if result.state is DraftState.EDITED_LIVE:
        print("      kept your published edits: the live topic stays as a trainer edited it")
    elif result.state is DraftState.CHANGED:
        print("      the live topic keeps the published words; publish again to use these")
    if draft.skipped:
        print(f"      left out {', '.join(draft.skipped)}: the pack has no such language")
    for finding in draft.findings:
        print(f"      {finding.language} {finding.part}: {finding.rule}: {finding.message}\n        fix: {finding.hint}")


def _list(args: argparse.Namespace, settings: Settings) -> int:
    content = _content_folder(args, settings)
    drafts = all_drafts(content)
    if not drafts:
        print(f"No drafts in {drafts_folder(content)}. Import some with: candor knowledge import PATH")
        return 0
    rows = [(d.id, d.title, ",".join(d.languages), d.source, str(len(draft_findings(d.id, d.texts))),
             str(state_of(content, d))) for d in drafts]
    header = ("ID", "TITLE", "LANGUAGE", "SOURCE", "FINDINGS", "STATE")
    widths = [min(max(len(row[i]) for row in (*rows, header)), 48) for i in range(len(header))]
    for row in (header, *rows):
        print("  ".join(cell[:48].ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())
    return 0


def _publish(args: argparse.Namespace, settings: Settings) -> int:
    content = _content_folder(args, settings)
    if args.all:
        chosen = [d for d in all_drafts(content) if state_of(content, d) in PUBLISHABLE]
        if not chosen:
            print("No drafts waiting to be published.")
            return 0
    else:
        chosen = [next((d for d in all_drafts(content) if d.id == args.id), None) or _no_draft(args.id)]
    upgrade_schema(settings.database_url)
    refused = asyncio.run(_publish_each(settings.database_url, content, chosen, args.trainer))
    return 1 if refused else 0


def _no_draft(draft_id: str) -> Draft:
    raise UsageError(f"No draft '{draft_id[:80]}'; see candor knowledge drafts list.")


async def _publish_each(url: str, content_dir: Path, drafts: list[Draft], trainer: str) -> int:
    """Publish each in turn; a refused one is reported and the rest go on. The number refused."""
    database = Database(url)
    refused = 0
    try:
        for draft in drafts:
            try:
                changes = await publish_recorded(database, content_dir, draft.id, trainer, utc_now())
            except DraftRefused as refusal:
                print(str(refusal), file=sys.stderr)
                refused += 1
                continue
            if changes:
                print(f"Published {draft.id} ({', '.join(c.language for c in changes)}): a running bot answers from it "
                      "from its next customer message on. Revert it on the console's Drafts page.")
            else:
                print(f"{draft.id} is live already as it is; nothing changed.")
    finally:
        await database.dispose()
    return refused


def _content_folder(args: argparse.Namespace, settings: Settings) -> Path:
    """``--content`` when given, else the shop's own folder (seeded from the shipped pack on first use)."""
    given: Path | None = args.content
    return given if given is not None else seed_content(settings.content_dir)
