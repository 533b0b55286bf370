"""Publishing a draft: its topic goes live whole, in every language it has, or not at all.

A draft with findings is refused with them, as the console refuses a text with findings. A topic a
trainer edited after it was published is never replaced: those edits are kept.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

from knowledge.content_files import KnowledgeError, read_yaml
from knowledge.importing.drafting import draft_findings, topic_entry
from knowledge.importing.drafts import (
    DraftState,
    Published,
    drafts_folder,
    live_entries,
    read_draft,
    state_of,
    texts_hash,
    write_draft,
)
from knowledge.importing.topic_files import TopicChange, write_topic


class DraftRefused(KnowledgeError):
    """The draft cannot go live as it is; the message lists what to fix."""


def publish_draft(content_dir: Path, draft_id: str, now: dt.datetime) -> list[TopicChange]:
    """The draft's topic written into the pack; [] when it is live already as it is."""
    draft = read_draft(content_dir, draft_id)
    state = state_of(content_dir, draft)
    if state is DraftState.PUBLISHED:
        return []
    if state is DraftState.EDITED_LIVE:
        raise DraftRefused(f"Kept your published edits: topic {draft.id} was edited after it was published, so "
                           "this draft does not replace it. Edit the live topic in the console instead.")
    findings = draft_findings(draft.id, draft.texts)
    if findings:
        listed = "\n".join(f"  {f.language} {f.part}: {f.rule}: {f.message}\n    fix: {f.hint}" for f in findings)
        raise DraftRefused(f"Draft {draft.id} is not published: fix these findings in "
                           f"{drafts_folder(content_dir) / (draft.id + '.yaml')} first:\n{listed}")
    if state is DraftState.DRAFT and (live_entries(content_dir, draft.id) or _shared_ids(content_dir) & {draft.id}):
        raise DraftRefused(f"The pack already has a topic {draft.id}; this draft would replace it.")
    live = set(live_entries(content_dir, draft.id))
    entries = {language: (topic_entry(draft.texts[language]) if language in draft.texts else None)
               for language in live | set(draft.texts)}
    changes = write_topic(content_dir, draft.id, entries)
    write_draft(content_dir, replace(draft, findings=(),
                                     published=Published(texts_hash(draft.texts), now.isoformat(timespec="seconds"))))
    return changes


def _shared_ids(content_dir: Path) -> set[str]:
    """Every topic id of the shared topics.yaml, whichever languages have it."""
    return {str(item.get("id")) for item in read_yaml(content_dir / "topics.yaml") or () if isinstance(item, dict)}
