"""The console's Topics pages: create a topic, rename it per language, edit its examples and form, retire it.

Each change is checked (linter, then the whole pack loaded again) before anything is written, and
recorded per language (and for the shared facts) as a content version with a Revert button. After
an action the page comes back at the part that was changed.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response

from bot.console.access import GuardedRoute, trainer_page
from bot.console.unmatched_pages import forget_untaught
from bot.console.web import render
from bot.storage.database import Database
from bot.storage.models import ContentVersion
from bot.storage.trainers import TrainerRepository
from knowledge.content_files import KnowledgeError, language_folders
from knowledge.forms import read_details
from knowledge.importing.drafts import live_entries
from knowledge.importing.topic_files import SHARED, TopicChange, live_entry
from knowledge.pack import Topic
from knowledge.topic_editing import create_topic, rename_topic, set_examples, set_form, set_retired, topic_ids

PAGE = "/knowledge/topics"


@dataclass(frozen=True)
class TopicView:
    id: str
    facts: dict[str, Any]
    words: dict[str, dict[str, Any]]
    """Each language's entry, as its topics.yaml holds it."""

    @property
    def retired(self) -> bool:
        return bool(self.facts.get("retired"))


class TopicPages:
    def __init__(self, database: Database, content_dir: Path) -> None:
        self._database = database
        self._content_dir = content_dir

    def routes(self) -> list[GuardedRoute]:
        return [
            trainer_page(PAGE, self.listing, methods=["GET", "POST"]),
            trainer_page(PAGE + "/{topic_id}", self.topic),
            trainer_page(PAGE + "/{topic_id}/{action}", self.change, methods=["POST"]),
        ]

    async def listing(self, request: Request, trainer: str) -> Response:
        if request.method == "GET":
            return self._listing(request, trainer)
        form = {key: str(value) for key, value in (await request.form()).items()}
        language = form.get("language", "en")
        words = Topic(id=form.get("id", "").strip(), problem=form.get("problem", ""), owner=form.get("owner", ""),
                      examples=tuple(line.strip() for line in form.get("examples", "").splitlines() if line.strip()),
                      keywords=tuple(k.strip().lower() for k in form.get("keywords", "").split(",") if k.strip()),
                      answer=form.get("answer", ""), reassurance=form.get("reassurance", ""),
                      first_step=form.get("first_step", ""), next_step=form.get("next_step", ""))
        try:
            changes = create_topic(self._content_dir, language, words)
        except KnowledgeError as refusal:
            return self._listing(request, trainer, error=f"Not created: {refusal}", form=form, status=400)
        await self._record(changes, words.id, trainer)
        return RedirectResponse(f"{PAGE}/{words.id}?done=created", status_code=303)

    async def topic(self, request: Request, trainer: str, error: str = "", status: int = 200) -> Response:
        topic_id = request.path_params["topic_id"]
        view = self._view(topic_id)
        if view is None:
            return PlainTextResponse("No such topic.", status_code=404)
        async with self._database.session() as session:
            repository = TrainerRepository(session)
            history: list[ContentVersion] = sorted(
                [v for language in (*view.words, SHARED) for v in await repository.history(language, "topics.yaml",
                                                                                             topic_id)],
                key=lambda version: version.id, reverse=True)
        return render(request, "topic.html", {
            "trainer": trainer, "view": view, "history": history, "error": error,
            "done": request.query_params.get("done", ""), "details": list(read_details(self._content_dir / "details.yaml")),
        }, status=status)

    async def change(self, request: Request, trainer: str) -> Response:
        topic_id, action = request.path_params["topic_id"], request.path_params["action"]
        form = await request.form()
        language = str(form.get("language", ""))
        try:
            if action == "title":
                changes, anchor = rename_topic(self._content_dir, topic_id, language, str(form.get("title", ""))), language
            elif action == "examples":
                changes = set_examples(self._content_dir, topic_id, language, str(form.get("examples", "")))
                anchor = language
            elif action == "form":
                changes, anchor = set_form(self._content_dir, topic_id, [str(v) for v in form.getlist("needs")]), "form"
            elif action in ("retire", "bring-back"):
                changes, anchor = set_retired(self._content_dir, topic_id, action == "retire"), "state"
            else:
                return PlainTextResponse("No such change.", status_code=404)
        except KnowledgeError as refusal:
            return await self.topic(request, trainer, error=f"Not changed: {refusal}", status=400)
        await self._record(changes, topic_id, trainer)
        return RedirectResponse(f"{PAGE}/{topic_id}?done={action}#{anchor}", status_code=303)

    def _listing(self, request: Request, trainer: str, error: str = "", form: dict[str, str] | None = None,
                 status: int = 200) -> Response:
        views = [view for view in map(self._view, topic_ids(self._content_dir)) if view is not None]
        return render(request, "topics.html", {
            "trainer": trainer, "views": views, "error": error, "form": form or {},
            "languages": [folder.name for folder in language_folders(self._content_dir)],
        }, status=status)

    def _view(self, topic_id: str) -> TopicView | None:
        facts = live_entry(self._content_dir / "topics.yaml", topic_id)
        return None if facts is None else TopicView(topic_id, facts, live_entries(self._content_dir, topic_id))

    async def _record(self, changes: list[TopicChange], topic_id: str, trainer: str) -> None:
        async with self._database.session() as session:
            repository = TrainerRepository(session)
            for change in changes:
                await repository.record_edit(change.language, "topics.yaml", topic_id, change.before, change.after,
                                             trainer)
                await forget_untaught(session, self._content_dir, topic_id, change.language)
