"""A running bot picks up changes to its content folder without a restart.

Before each customer turn (and every few seconds in the background, for agents' and teams' texts) the
folder's fingerprint is compared with the one loaded (knowledge/content_version.py). When it changed, the
pack is read again on a worker thread and its topic index rebuilt, then both replace the old ones at once
(knowledge/live_pack.py). An edit that leaves the folder unreadable is refused whole: the bot keeps
answering from the content it loaded last, and the log says what is wrong, once per broken state.
Several workers sharing one folder (a volume) each notice the change on their own.
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

from bot.service.topic_vectors import ExampleVectors
from knowledge.content_version import ContentVersion, fingerprint, needs_reload
from knowledge.live_pack import LiveContent
from knowledge.pack import KnowledgeError, load_pack

logger = logging.getLogger(__name__)
WATCH_SECONDS = 5.0
"""How often the background watcher looks, for texts said outside a customer's turn."""


class ContentReloader:
    def __init__(self, folder: Path, content: LiveContent, vectors: ExampleVectors, version: ContentVersion) -> None:
        self._folder = folder
        self._content = content
        self._vectors = vectors
        self._version = version
        self._lock = asyncio.Lock()

    async def refresh(self) -> bool:
        """Load the folder again if it changed; True when new content is now in use.

        A caller that finds a reload under way waits for it, so the turn after an edit is answered from it.
        """
        if not needs_reload(self._version, fingerprint(self._folder)):
            return False
        async with self._lock:
            now = await asyncio.to_thread(fingerprint, self._folder)
            if not needs_reload(self._version, now):
                return False
            try:
                pack = await asyncio.to_thread(load_pack, self._folder)
            except (KnowledgeError, OSError, ValueError) as error:
                self._version = ContentVersion(self._version.loaded, refused=now)
                logger.error("content folder %s changed, but it cannot be loaded; the bot keeps answering from the "
                             "content it loaded before. Fix the file and save it again: %s", self._folder, error)
                return False
            index = await self._vectors.index(pack)
            self._content.swap(pack, index)
            self._version = ContentVersion(now)
            logger.info("content reloaded from %s: %d languages, %d topics", self._folder, len(pack.languages),
                        sum(len(topics) for topics in pack.topics.values()))
            return True

    async def watch(self, every: float = WATCH_SECONDS) -> None:
        """Refresh every ``every`` seconds until cancelled (at shutdown)."""
        while True:
            await asyncio.sleep(every)
            await self.refresh()
