"""The console's home page, the review queue: filter, search, see why each conversation ranks, mark it reviewed.

Filters live in the URL query (``bot/policy/queue_filters.py``), so a filtered queue is a link a
trainer can bookmark and the dashboard's bars can open. Saving a mark or a note returns to the same
filtered queue, at the same conversation.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from urllib.parse import parse_qsl, urlencode

from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response

from bot.console.access import GuardedRoute, open_page, trainer_page
from bot.console.sessions import trainer_of
from bot.console.web import render
from bot.policy.queue_filters import CLARIFIED, REVIEWED_CHOICES, parse_filters
from bot.policy.review_score import handoff_label
from bot.storage.database import Database
from bot.storage.review_queue import mark_reviewed, queue_choices, review_queue
from bot.storage.updates import FailedUpdates

NOTES_LIMIT = 4000


def reason_label(reason: str) -> str:
    """A handoff reason (or ``clarify``) as the filter menu names it."""
    if reason == CLARIFIED:
        return "the bot asked a clarifying question"
    return f"handed off: {handoff_label(reason)}"


class QueuePages:
    def __init__(self, database: Database, now: Callable[[], dt.datetime]) -> None:
        self._database = database
        self._now = now

    def routes(self) -> list[GuardedRoute]:
        return [
            open_page("/", self.index),
            trainer_page("/conversations/{conversation_id:int}/review", self.review, methods=["POST"]),
        ]

    async def index(self, request: Request) -> Response:
        """Signed out, the home page is the sign-in page; signed in, the review queue."""
        trainer = trainer_of(request)
        if trainer is None:
            return render(request, "login.html", {"error": ""})
        parsed = parse_filters(request.query_params)
        async with self._database.session() as session:
            queue = await review_queue(session, parsed.filters)
            choices = await queue_choices(session)
            failed = await FailedUpdates(session).given_up()
        return render(request, "queue.html", {
            "trainer": trainer, "queue": queue, "failed": failed, "filters": parsed.filters,
            "problems": parsed.problems, "choices": choices, "reason_label": reason_label,
            "reviewed_choices": REVIEWED_CHOICES, "saved": request.query_params.get("saved", ""),
        })

    async def review(self, request: Request, trainer: str) -> Response:
        """Keep the mark and the note, then back where they were set: the same filtered queue at this
        conversation, or the conversation's own page."""
        conversation_id = int(request.path_params["conversation_id"])
        form = await request.form()
        notes = str(form.get("notes", "")).strip()
        if len(notes) > NOTES_LIMIT:
            return PlainTextResponse(f"Not saved: notes are at most {NOTES_LIMIT} characters.", status_code=400)
        async with self._database.session() as session:
            found = await mark_reviewed(session, conversation_id, form.get("reviewed") == "yes", notes, trainer,
                                        self._now())
        if not found:
            return PlainTextResponse("Not saved: no such conversation.", status_code=404)
        if form.get("return") == "conversation":
            return RedirectResponse(f"/conversations/{conversation_id}?reviewed=saved#review", status_code=303)
        back = parse_filters(dict(parse_qsl(str(form.get("back", ""))))).filters
        query = back.query() + ("&" if back.active else "") + urlencode({"saved": conversation_id})
        return RedirectResponse(f"/?{query}#conversation-{conversation_id}", status_code=303)
