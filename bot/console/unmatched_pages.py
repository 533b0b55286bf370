"""The console's Unmatched page: customer messages the bot could not place, taught to a topic in one click.

Each message that got a clarifying question or "I don't know" is listed with the two topics that
came closest and their scores, filtered by language and dates. Adding one as an example question
writes the topic through the pack's checks (nothing is written if the pack would not load), records
a content version that the wording pages' Revert takes back, and marks the message handled. The
page comes back at the same message, with the filters as they were.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response

from bot.console.access import GuardedRoute, trainer_page
from bot.console.web import render
from bot.policy.unmatched import TopicScore, closest_topics
from bot.storage.database import Database
from bot.storage.models import ContentVersion
from bot.storage.trainers import TrainerRepository
from bot.storage.unmatched import UnmatchedFilter, UnmatchedMessage, UnmatchedMessages
from knowledge.content_files import KnowledgeError, language_folders
from knowledge.importing.topic_files import SHARED
from knowledge.pack import Topic, load_pack
from knowledge.retrieval import TopicIndex
from knowledge.topic_examples import add_example, same_example, taught_examples

logger = logging.getLogger(__name__)
PAGE = "/knowledge/unmatched"


@dataclass(frozen=True)
class UnmatchedRow:
    message: UnmatchedMessage
    closest: tuple[TopicScore, ...]
    topics: tuple[Topic, ...]
    """The topics live in the message's language: where it can be added."""


def read_filter(values: dict[str, str]) -> UnmatchedFilter:
    """The page's filters from its query (or a form's hidden copy of it); a date that does not parse is ignored."""
    return UnmatchedFilter(values.get("language", "").strip()[:8], _date(values.get("since", "")),
                           _date(values.get("until", "")))


def filter_query(which: UnmatchedFilter) -> str:
    """The filters as a query string, to come back to the same listing after an action."""
    pairs = {"language": which.language, "since": which.since.isoformat() if which.since else "",
             "until": which.until.isoformat() if which.until else ""}
    return urlencode({key: value for key, value in pairs.items() if value})


class UnmatchedPages:
    def __init__(self, database: Database, content_dir: Path) -> None:
        self._database = database
        self._content_dir = content_dir

    def routes(self) -> list[GuardedRoute]:
        return [
            trainer_page(PAGE, self.listing),
            trainer_page(PAGE + "/{message_id:int}/example", self.add, methods=["POST"]),
        ]

    async def listing(self, request: Request, trainer: str) -> Response:
        which = read_filter(dict(request.query_params))
        added = request.query_params.get("added", "")
        return await self._page(request, trainer, which, added=int(added) if added.isdigit() else None)

    async def add(self, request: Request, trainer: str) -> Response:
        form = {key: str(value) for key, value in (await request.form()).items()}
        which = read_filter(form)
        message_id, topic_id = int(request.path_params["message_id"]), form.get("topic", "")
        async with self._database.session() as session:
            message = await UnmatchedMessages(session).message(message_id)
        if message is None:
            return PlainTextResponse("That message is not one the bot could not place.", status_code=404)
        try:
            change = add_example(self._content_dir, topic_id, message.language, message.text)
        except KnowledgeError as refusal:
            return await self._page(request, trainer, which, error=f"Not added: {refusal}", status=400)
        async with self._database.session() as session:
            if change is not None:
                await TrainerRepository(session).record_edit(change.language, "topics.yaml", topic_id, change.before,
                                                             change.after, trainer)
            await UnmatchedMessages(session).mark_handled(message_id, topic_id, trainer)
        logger.info("unmatched message=%d added to topic=%s", message_id, topic_id)
        query = "&".join(part for part in (filter_query(which), f"added={message_id}") if part)
        return RedirectResponse(f"{PAGE}?{query}#message-{message_id}", status_code=303)

    async def _page(self, request: Request, trainer: str, which: UnmatchedFilter, added: int | None = None,
                    error: str = "", status: int = 200) -> Response:
        pack = load_pack(self._content_dir)
        index = TopicIndex.build(pack, None)
        async with self._database.session() as session:
            messages = await UnmatchedMessages(session).listing(which)
            undo = await _latest_version(session, messages, added)
        rows = [UnmatchedRow(m, closest_topics(m.reply_why, m.text, m.language, index), pack.topics_for(m.language))
                for m in messages]
        return render(request, "unmatched.html", {
            "trainer": trainer, "rows": rows, "which": which, "error": error, "added": added, "undo": undo,
            "languages": [folder.name for folder in language_folders(self._content_dir)],
        }, status=status)


async def forget_untaught(session: AsyncSession, content_dir: Path, topic_id: str, language: str) -> None:
    """After a topic changed in ``language``: its messages it no longer has as examples wait again."""
    if language == SHARED:
        return  # the shared facts hold no examples
    examples = taught_examples(content_dir, topic_id, language)
    await UnmatchedMessages(session).forget_untaught(topic_id, language, lambda text: same_example(text) in examples)


async def _latest_version(session: AsyncSession, messages: list[UnmatchedMessage],
                          added: int | None) -> ContentVersion | None:
    """The version that taught the just-added message to its topic: the page offers to undo it."""
    taught = next((m for m in messages if m.message_id == added and m.handled_topic), None)
    if taught is None or taught.handled_topic is None:
        return None
    history = await TrainerRepository(session).history(taught.language, "topics.yaml", taught.handled_topic)
    return history[0] if history else None


def _date(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        return None
