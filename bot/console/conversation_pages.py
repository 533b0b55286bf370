"""The console's conversation page: the transcript with its emotion timeline, label corrections and the review mark.

A trainer corrects many messages in a row, so saving one must not lose their place: with the page's
script (``assets/conversation.js``) a correction is sent without a reload and the row says when it
is stored; without it, the form posts and the page comes back at the same message. The review mark
and notes are the review queue's (``queue_pages.py``), shown and set here as well.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable

from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, RedirectResponse, Response

from bot.console.access import GuardedRoute, trainer_page
from bot.console.charts import timeline_svg
from bot.console.web import SECURITY_HEADERS, render
from bot.storage.database import Database
from bot.storage.review_queue import review_mark
from bot.storage.tasks import TaskRepository
from bot.storage.trainers import TrainerError, TrainerRepository
from nlu.types import SUPPORT_CLASSES

logger = logging.getLogger(__name__)


def saved_notice(message_id: int) -> str:
    """What the row says once a correction is stored (the same words with and without the script)."""
    return f"Correction saved for message #{message_id}; it goes into the next candor nlu train."


def wants_json(request: Request) -> bool:
    """The page's script asks for JSON; a plain form post gets a redirect."""
    return "application/json" in request.headers.get("accept", "")


class ConversationPages:
    def __init__(self, database: Database, now: Callable[[], dt.datetime]) -> None:
        self._database = database
        self._now = now

    def routes(self) -> list[GuardedRoute]:
        return [
            trainer_page("/conversations/{conversation_id:int}", self.conversation),
            trainer_page("/messages/{message_id:int}/labels", self.correct, methods=["POST"]),
        ]

    async def conversation(self, request: Request, trainer: str) -> Response:
        conversation_id = int(request.path_params["conversation_id"])
        async with self._database.session() as session:
            messages = await TrainerRepository(session).transcript(conversation_id)
            tasks = sorted(await TaskRepository(session).of_conversation(conversation_id), key=lambda task: task.id)
            events = await TaskRepository(session).events_of_conversation(conversation_id)
            mark = await review_mark(session, conversation_id)
        if not messages:
            return render(request, "missing.html", {"trainer": trainer}, status=404)
        scored = [m.scores for m in messages if m.scores is not None]
        saved = request.query_params.get("saved", "")
        return render(request, "conversation.html", {
            "trainer": trainer, "conversation_id": conversation_id, "messages": messages,
            "classes": SUPPORT_CLASSES, "chart": timeline_svg(scored),
            "saved": saved_notice(int(saved)) if saved.isdigit() else "", "saved_id": saved,
            "tasks": tasks, "events": events, "mark": mark,
            "review_saved": request.query_params.get("reviewed") == "saved",
        })

    async def correct(self, request: Request, trainer: str) -> Response:
        """Store the labels; the script gets them back as JSON, a form post returns to the same message."""
        form = await request.form()
        message_id = int(request.path_params["message_id"])
        labels = tuple(str(value) for value in form.getlist("labels"))
        conversation_id = str(form.get("conversation", ""))
        try:
            async with self._database.session() as session:
                await TrainerRepository(session).correct(message_id, trainer, labels)
        except TrainerError as error:
            return PlainTextResponse(f"Not saved: {error}.", status_code=400)
        logger.info("labels corrected message=%d", message_id)
        if wants_json(request):
            stored = [name for name in SUPPORT_CLASSES if name in labels]
            return JSONResponse({"message": message_id, "labels": stored, "notice": saved_notice(message_id)},
                                headers=SECURITY_HEADERS)
        target = (f"/conversations/{int(conversation_id)}?saved={message_id}#message-{message_id}"
                  if conversation_id.isdigit() else "/")
        return RedirectResponse(target, status_code=303)
