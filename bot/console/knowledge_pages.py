"""Curating the wording in the console: browse, check against the style rules, preview, save, revert.

The linter's findings are shown before anything is saved, and a text with findings is not
saved; Preview shows the draft filled in, in every language and in past conversations, and
saves nothing; every save and revert is recorded (who, when, from what to what). Edits go into the
content files themselves, so they are reviewed and versioned like any other change; a running bot
reads the changed folder before its next customer turn (bot/service/content_reload.py).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response

from bot.console.access import GuardedRoute, trainer_page
from bot.console.unmatched_pages import forget_untaught
from bot.console.web import render
from bot.console.wording_preview import build_preview
from bot.storage.database import Database
from bot.storage.trainers import TrainerRepository
from knowledge.content_files import language_folders
from knowledge.content_upgrade import ContentUpgrade
from knowledge.editing import EDITABLE_FILES, editable_texts, find_text, findings_for, replace_text
from knowledge.fields import fields_for, text_path
from knowledge.importing.topic_files import is_topic_version, restore_topic
from knowledge.pack import KnowledgeError, read_pack


class KnowledgePages:
    def __init__(self, database: Database, content_dir: Path, now: Callable[[], dt.datetime]) -> None:
        self._database = database
        self._content_dir = content_dir
        self._now = now

    def routes(self) -> list[GuardedRoute]:
        return [
            trainer_page("/knowledge", self.overview),
            trainer_page("/knowledge/{language}/{file}", self.texts),
            trainer_page("/knowledge/{language}/{file}/edit", self.edit, methods=["GET", "POST"]),
            trainer_page("/knowledge/versions/{version_id:int}/revert", self.revert, methods=["POST"]),
        ]

    async def overview(self, request: Request, trainer: str) -> Response:
        languages = [p.name for p in language_folders(self._content_dir)]
        try:
            upgrade, broken = read_pack(self._content_dir).upgrade, ""
        except KnowledgeError as error:
            upgrade, broken = ContentUpgrade(), str(error)
        return render(request, "knowledge.html", {"trainer": trainer, "languages": languages, "files": EDITABLE_FILES,
                                                  "upgrade": upgrade, "broken": broken})

    async def texts(self, request: Request, trainer: str) -> Response:
        language, file = request.path_params["language"], request.path_params["file"]
        try:
            texts = editable_texts(self._content_dir, language, file)
        except KnowledgeError as error:
            return PlainTextResponse(str(error), status_code=404)
        return render(request, "knowledge_texts.html", {"trainer": trainer, "language": language, "file": file,
                                                        "texts": texts})

    async def edit(self, request: Request, trainer: str) -> Response:
        language, file = request.path_params["language"], request.path_params["file"]
        if request.method == "GET":
            path, draft, action = request.query_params.get("path", ""), None, "view"
        else:
            form = await request.form()
            path, draft, action = str(form.get("path", "")), str(form.get("text", "")), str(form.get("action", "check"))
        try:
            current = find_text(self._content_dir, language, file, path)
        except KnowledgeError as error:
            return PlainTextResponse(str(error), status_code=404)
        text = current.text if draft is None else draft
        findings = findings_for(file, path, text, language)
        not_saved, saved, preview = "", False, None
        if action == "preview":
            preview = await build_preview(self._database, self._content_dir, language, file, path, text, self._now())
        elif action == "save":
            if findings:
                not_saved = "Not saved: fix the findings below first."
            else:
                try:
                    old = replace_text(self._content_dir, language, file, path, text)
                except KnowledgeError as problem:
                    not_saved = f"Not saved: {problem}"
                else:
                    async with self._database.session() as session:
                        await TrainerRepository(session).record_edit(language, file, path, old, text.strip(), trainer)
                    saved = True
        async with self._database.session() as session:
            history = await TrainerRepository(session).history(language, file, path)
        return render(request, "knowledge_edit.html", {
            "trainer": trainer, "language": language, "file": file, "path": path, "text": text,
            "findings": findings, "checked": action in ("check", "save", "preview"), "error": not_saved, "saved": saved,
            "history": history, "fields": fields_for(text_path(file, path)), "preview": preview,
        }, status=400 if not_saved else 200)

    async def revert(self, request: Request, trainer: str) -> Response:
        async with self._database.session() as session:
            repository = TrainerRepository(session)
            version = await repository.version(int(request.path_params["version_id"]))
            if version is None:
                return PlainTextResponse("No such version.", status_code=404)
            whole_topic = is_topic_version(version.file, version.path)
            try:
                replaced = (restore_topic if whole_topic else replace_text)(
                    self._content_dir, version.language, version.file, version.path, version.old_text)
            except KnowledgeError as error:
                return PlainTextResponse(f"Not reverted: {error}", status_code=400)
            await repository.record_edit(version.language, version.file, version.path, replaced, version.old_text,
                                         trainer)
            if whole_topic:
                await forget_untaught(session, self._content_dir, version.path, version.language)
            target = ("/knowledge/drafts" if whole_topic
                      else f"/knowledge/{version.language}/{version.file}/edit?path={version.path}")
        back = str((await request.form()).get("back", ""))
        if back.startswith("/knowledge/") and "//" not in back and "\\" not in back:
            target = back  # the page the Revert button was on, at the same place
        return RedirectResponse(target, status_code=303)
