"""Publishing a draft topic, recorded as content versions like a console edit, so it can be reverted.

The console's Drafts page and ``candor knowledge drafts publish`` both publish through here: the
files are written first (whole topic or nothing), then one version per language is recorded with
the entry before ("" for a new topic) and after. Reverting such a version from the console puts
the entry back, which for a first publication takes the topic out of that language again.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from bot.storage.database import Database
from bot.storage.trainers import TrainerRepository
from knowledge.importing.publishing import publish_draft
from knowledge.importing.topic_files import TopicChange


async def publish_recorded(database: Database, content_dir: Path, draft_id: str, trainer: str,
                           now: dt.datetime) -> list[TopicChange]:
    """The draft live in the pack, and a version per changed language; [] when it was live already."""
    changes = publish_draft(content_dir, draft_id, now)
    async with database.session() as session:
        repository = TrainerRepository(session)
        for change in changes:
            await repository.record_edit(change.language, "topics.yaml", draft_id, change.before, change.after, trainer)
    return changes

