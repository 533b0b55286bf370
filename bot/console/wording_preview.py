"""The Preview step of the wording editor: gathers what the preview needs, decides nothing, saves nothing.

It reads the content folder (the pack, the shop profile, the text in every language), the text's
earlier versions and the bot's recent replies, and hands them to the pure decisions in
bot.policy.wording_preview and bot.policy.wording_replay.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.policy.wording_preview import LanguagePreview, language_samples, preview_language, sample_moment
from bot.policy.wording_replay import PastReply, Replayed, replay, uses_of
from bot.storage.database import Database
from bot.storage.trainers import TrainerRepository
from bot.storage.wording_uses import recent_replies
from knowledge.content_files import language_folders
from knowledge.editing import find_text, findings_for
from knowledge.fields import text_path
from knowledge.pack import KnowledgeError, as_loaded, load_pack
from knowledge.shop_wording import fill_shop_fields, shop_values
from knowledge.text_match import Use, longest_words


@dataclass(frozen=True)
class Preview:
    languages: list[LanguagePreview] = field(default_factory=list)
    replays: list[Replayed] = field(default_factory=list)
    """Past conversations in the edited language that used the text, newest first."""
    problem: str = ""
    """Why there is no preview (the content folder does not load), said for the trainer."""
    note: str = ""
    """What the bot will do to the draft that the trainer may not expect (a topic's line breaks read as spaces)."""


async def build_preview(database: Database, content_dir: Path, language: str, file: str, path: str, draft: str,
                        now: dt.datetime) -> Preview:
    try:
        pack = load_pack(content_dir)
    except KnowledgeError as error:
        return Preview(problem=f"No preview: the content folder does not load as it is. {error}")
    assert pack.profile is not None  # load_pack always reads the profile
    zone = ZoneInfo(pack.profile.timezone)
    moment = sample_moment(now, zone)
    table_path = text_path(file, path)
    loaded = as_loaded(table_path, draft)  # as the bot will read it once saved
    note = ("A topic's texts are one paragraph: the bot reads the line breaks in this draft as spaces, as shown."
            if "\n" in draft.strip() and "\n" not in loaded else "")
    draft = loaded
    columns: list[LanguagePreview] = []
    replays: list[Replayed] = []
    async with database.session() as session:
        for folder in language_folders(content_dir):
            lang = folder.name
            current = _current(content_dir, lang, file, path)
            text = draft if lang == language else current
            findings = tuple(f"{f.rule}: {f.message}" for f in findings_for(file, path, text, lang)) if text else ()
            shop = (shop_values(pack.profile, pack.wording[lang].support_hours) if lang in pack.wording else {})
            samples = language_samples(pack, lang, moment, zone)
            uses = await _uses(session, lang, file, path, current, shop) if current is not None else []
            columns.append(preview_language(table_path, lang, text, findings, lang == language, pack, shop, samples,
                                            uses[0] if uses else None))
            if lang == language:
                replays = replay(draft, uses, shop, samples)
    return Preview(columns, replays, note=note)


async def _uses(session: AsyncSession, language: str, file: str, path: str, current: str,
                shop: dict[str, str]) -> list[tuple[PastReply, Use]]:
    """The latest past replies that used the text as it reads now or read before a console edit."""
    table_path = text_path(file, path)
    earlier = [as_loaded(table_path, v.old_text) for v in await TrainerRepository(session).history(language, file, path)]
    versions = list(dict.fromkeys(fill_shop_fields(v, shop) for v in (current, *earlier)))
    replies = await recent_replies(session, language, [longest_words(v) for v in versions])
    return uses_of(versions, replies)


def _current(content_dir: Path, language: str, file: str, path: str) -> str | None:
    try:
        return as_loaded(text_path(file, path), find_text(content_dir, language, file, path).text)
    except KnowledgeError:
        return None
