"""A helpdesk acts on its team's tasks: ``POST /helpdesk/tasks/{task_id}/events`` (docs/helpdesk-api.yaml).

The bearer token names the team: only its SHA-256 is stored, and a request is matched by the
hash of what it sends. The task must be that team's and the member one of its members, exactly
as for a tap on the task's card in Telegram; the task desk (``TaskActions``) decides and tells
the customer. Every refusal has its own status: 401 no or unknown token, 404 not this team's
task, 403 not a member, 409 the task is closed or a question already waits, 413 a body over
16 KB, 422 a body that says something impossible (the answer names the field).
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from bot.policy.tasks import NOTE_LIMIT, Refusal, TaskAction, clean_words
from bot.service.helpdesk import NEEDS_WORDS, TaskActions
from bot.service.helpdesk_keys import token_hash
from bot.service.helpdesk_payload import task_json
from bot.storage.database import Database
from bot.storage.tasks import TaskRepository
from bot.storage.teams import TeamRepository

logger = logging.getLogger(__name__)

MAX_BODY_BYTES = 16 * 1024
EVENTS_PATH = "/helpdesk/tasks/{task_id:int}/events"
MAX_TASK_ID = 2**31 - 1
"""Task ids are 32-bit integers: a larger number in the path is no task (and never reaches the database)."""
ACTIONS = {"take": TaskAction.TAKE, "need_info": TaskAction.NEED_INFO, "done": TaskAction.DONE,
           "decline": TaskAction.DECLINE}
"""The body's action names; more_time is MORE_1H, MORE_4H or NEXT_DAY by its ``hours`` or ``next_day``."""
WORDS_FIELD = {TaskAction.NEED_INFO: "question", TaskAction.DONE: "note", TaskAction.DECLINE: "reason"}
REFUSED = {Refusal.UNKNOWN_TASK.value: (404, "no such task of this team"),
           Refusal.NOT_MEMBER.value: (403, "member_user_id is not a member of this team"),
           Refusal.CLOSED.value: (409, "the task is closed (done or declined)"),
           Refusal.WAITING.value: (409, "a question to the customer is already waiting for an answer")}


class BadCommand(ValueError):
    """A request body that cannot be a task event; ``field`` names what is wrong with it."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class HelpdeskCommand:
    action: TaskAction
    member_user_id: int
    words: str


def parse_command(data: object) -> HelpdeskCommand:
    """The action a body asks for, as a card's button would; raises ``BadCommand`` naming the field."""
    if not isinstance(data, dict):
        raise BadCommand("body", "the body must be a JSON object")
    member = data.get("member_user_id")
    if not isinstance(member, int) or isinstance(member, bool):
        raise BadCommand("member_user_id", "member_user_id must be the member's Telegram user id (a whole number)")
    action = _action(data)
    field = WORDS_FIELD.get(action)
    if field is None:
        return HelpdeskCommand(action, member, "")
    words = data.get(field)
    if not isinstance(words, str) or not words.strip():
        raise BadCommand(field, f"{data['action']} needs a {field}: one line the customer will read")
    if len(" ".join(words.split())) > NOTE_LIMIT:
        raise BadCommand(field, f"the {field} must be at most {NOTE_LIMIT} characters")
    return HelpdeskCommand(action, member, clean_words(words))


def _action(data: dict[object, object]) -> TaskAction:
    action = data.get("action")
    if not isinstance(action, str) or (action not in ACTIONS and action != "more_time"):
        raise BadCommand("action", "action must be one of take, more_time, need_info, done, decline")
    if action != "more_time":
        return ACTIONS[action]
    hours, next_day = data.get("hours"), data.get("next_day", False)
    if not isinstance(next_day, bool):
        raise BadCommand("next_day", "next_day must be true or false")
    if next_day and hours is None:
        return TaskAction.NEXT_DAY
    if not next_day and type(hours) is int and hours in (1, 4):
        return TaskAction.MORE_1H if hours == 1 else TaskAction.MORE_4H
    raise BadCommand("hours", "more_time takes either hours (1 or 4) or next_day: true")


def helpdesk_routes(database: Database, actions: TaskActions) -> list[Route]:
    """The inbound endpoint, to mount on the webhook worker's app."""

    async def task_event(request: Request) -> Response:
        token = _bearer(request.headers.get("authorization", ""))
        if token is None:
            return _unauthorized(invalid=False)
        async with database.session() as session:
            team = await TeamRepository(session).by_inbound_token(token_hash(token))
        if team is None:
            logger.info("helpdesk request refused: unknown token")
            return _unauthorized(invalid=True)
        body = await _body(request)
        if body is None:
            return _problem(413, "too_large", "body", f"the body must be at most {MAX_BODY_BYTES} bytes")
        try:
            command = parse_command(json.loads(body.decode("utf-8")))
        except BadCommand as bad:
            return _problem(422, "invalid", bad.field, str(bad))
        except (ValueError, RecursionError):
            return _problem(422, "invalid", "body", "the body must be JSON in UTF-8")
        task_id = int(request.path_params["task_id"])
        refused = (Refusal.UNKNOWN_TASK.value if task_id > MAX_TASK_ID else await actions.act_for_helpdesk(
            team, command.member_user_id, task_id, command.action, command.words))
        if refused == NEEDS_WORDS:
            field = WORDS_FIELD.get(command.action, "body")
            return _problem(422, NEEDS_WORDS, field, f"this action needs a {field}")
        if refused is not None:
            status, message = REFUSED.get(refused, (409, "the task cannot take this action now"))
            return _problem(status, refused, None, message)
        async with database.session() as session:
            tasks = TaskRepository(session)
            task, events = await tasks.get(task_id), await tasks.events(task_id)
        if task is None:
            return _problem(404, Refusal.UNKNOWN_TASK.value, None, REFUSED[Refusal.UNKNOWN_TASK.value][1])
        logger.info("helpdesk of team %s: task %d %s", team.name, task_id, command.action.value)
        return JSONResponse({"task": task_json(team, task, events)})

    return [Route(EVENTS_PATH, task_event, methods=["POST"])]


def _bearer(header: str) -> str | None:
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


async def _body(request: Request) -> bytes | None:
    """The body, or None once it is over the limit (by its Content-Length, or as it arrives)."""
    declared = request.headers.get("content-length", "0")
    if not declared.isdigit() or int(declared) > MAX_BODY_BYTES:
        return None
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_BODY_BYTES:
            return None
    return bytes(body)


def _unauthorized(invalid: bool) -> Response:
    """401 with the challenge RFC 6750 asks for; ``invalid`` when a token came but names no team."""
    challenge = 'Bearer realm="candor", error="invalid_token"' if invalid else 'Bearer realm="candor"'
    return JSONResponse({"error": "unauthorized", "message": "send the team's inbound token as Authorization: Bearer"},
                        status_code=401, headers={"WWW-Authenticate": challenge})


def _problem(status: int, error: str, field: str | None, message: str) -> Response:
    body: dict[str, str] = {"error": error, "message": message}
    if field is not None:
        body["field"] = field
    return JSONResponse(body, status_code=status)
