"""A team's helpdesk: task events queued with the task, posted signed, retried with backoff until taken.

``enqueue_delivery`` adds the event to the caller's transaction, so a task and the news of it
commit together (or neither does). ``HelpdeskDeliveries.deliver_due`` posts what is due to the
team's current webhook URL, signed per Standard Webhooks, with ``Idempotency-Key`` = the task's
id and the same ``webhook-id`` on every retry of one event, so a helpdesk that sees one twice
can tell. No database session stays open while a request is out, and a delivery is claimed in
a committed transaction first, so two workers never post the same one at the same time.

The other way, a helpdesk acts on a task through ``TaskActions`` (bot/channels/helpdesk_inbound.py).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import logging
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from bot.policy.tasks import TaskAction
from bot.policy.teams import TeamProfile
from bot.service.helpdesk_payload import webhook_event
from bot.service.webhook_signing import WebhookSignatureError, signed_headers, signing_key
from bot.storage.database import Database
from bot.storage.deliveries import ClaimedDelivery, DeliveryRepository
from bot.storage.tasks import TaskEventView, TaskRepository, TaskView
from bot.storage.teams import TeamRepository

logger = logging.getLogger(__name__)

RETRY_DELAYS = (dt.timedelta(seconds=10), dt.timedelta(minutes=1), dt.timedelta(minutes=5),
                dt.timedelta(minutes=30), dt.timedelta(hours=2), dt.timedelta(hours=6), dt.timedelta(hours=12))
"""After the first attempt fails, seven more over about 21 hours; then the delivery is given up."""
CLAIM_MARGIN = dt.timedelta(seconds=30)
"""A claim lasts the request's timeout and this much more: past it, another worker may try the delivery."""
BATCH = 50
NEEDS_WORDS = "needs_words"
"""A refusal of ``TaskActions``: Done needs a note, Decline a reason, Need info a question."""


class TaskActions(Protocol):
    """What a helpdesk may do to a task, as a team member would with the card's buttons (the task desk)."""

    async def act_for_helpdesk(self, team: TeamProfile, member_user_id: int, task_id: int, action: TaskAction,
                               words: str) -> str | None:
        """Apply the action; None when done, else why not: "unknown_task" (not this team's), "not_member",
        "closed", "waiting" (a question already waits for the customer) or "needs_words"."""


async def enqueue_delivery(session: AsyncSession, team: TeamProfile, task: TaskView,
                           events: Sequence[TaskEventView], event_type: str, now: dt.datetime) -> bool:
    """Queue ``task.created`` or ``task.updated`` for the team's helpdesk; False when the team has none."""
    if team.webhook_url is None:
        return False
    body = json.dumps(webhook_event(event_type, team, task, events, now), ensure_ascii=False, separators=(",", ":"))
    await DeliveryRepository(session).add(task.id, team.name, f"msg_{uuid.uuid4().hex}", event_type, body, now)
    return True


async def announce(session: AsyncSession, task_id: int, event_type: str, now: dt.datetime) -> bool:
    """Queue the task as it stands now (with all its events) for its team's helpdesk, if the team has one."""
    task = await TaskRepository(session).get(task_id)
    team = await TeamRepository(session).get(task.team_name) if task is not None else None
    if task is None or team is None or team.webhook_url is None:
        return False
    return await enqueue_delivery(session, team, task, await TaskRepository(session).events(task_id), event_type, now)


def retry_at(failures: int, now: dt.datetime) -> dt.datetime | None:
    """When to try again after the ``failures``-th failed attempt; None once the schedule is spent."""
    return now + RETRY_DELAYS[failures - 1] if 1 <= failures <= len(RETRY_DELAYS) else None


@dataclass(frozen=True)
class Attempt:
    delivery: ClaimedDelivery
    url: str
    secret: str


class HelpdeskDeliveries:
    """Posts due deliveries. Pass ``transport`` to send through something other than the network."""

    def __init__(self, database: Database, now: Callable[[], dt.datetime], timeout: float = 10.0,
                 transport: httpx.AsyncBaseTransport | None = None) -> None:
        self._database = database
        self._now = now
        self._timeout = timeout
        self._client = httpx.AsyncClient(transport=transport, timeout=timeout, follow_redirects=False)

    async def deliver_due(self) -> int:
        """Try every delivery due now, oldest first, once each; returns how many the helpdesks took."""
        taken = 0
        tried: set[int] = set()
        while (attempt := await self._claim_next(tried)) is not None:
            taken += await self._post(attempt)
        return taken

    async def close(self) -> None:
        await self._client.aclose()

    async def _claim_next(self, tried: set[int]) -> Attempt | None:
        """Claim the oldest due delivery that can be posted (adding it to ``tried``).

        Those whose team cannot take one any more are given up on the way; those another worker
        claimed first are passed over.
        """
        now = self._now()
        until = now + dt.timedelta(seconds=self._timeout) + CLAIM_MARGIN
        async with self._database.session() as session:
            deliveries, teams = DeliveryRepository(session), TeamRepository(session)
            while due := await deliveries.due(now, BATCH, frozenset(tried)):
                for delivery_id in due:
                    tried.add(delivery_id)
                    claimed = await deliveries.claim(delivery_id, now, until)
                    if claimed is None:
                        continue
                    attempt = _attempt(claimed, await teams.get(claimed.team_name),
                                       await teams.signing_secret(claimed.team_name))
                    if isinstance(attempt, Attempt):
                        return attempt
                    await deliveries.give_up(claimed.id, attempt, now)
                    _log_give_up(claimed, attempt)
        return None

    async def _post(self, attempt: Attempt) -> int:
        """One signed POST, with no session open; records how it went. 1 when the helpdesk took it."""
        delivery, body = attempt.delivery, attempt.delivery.payload.encode()
        headers = {"content-type": "application/json", "Idempotency-Key": str(delivery.task_id),
                   **signed_headers(attempt.secret, delivery.message_id, self._now(), body)}
        error = await self._send(attempt.url, body, headers)
        now = self._now()
        next_at = None if error == "HTTP 410" else retry_at(delivery.attempts + 1, now)
        async with self._database.session() as session:
            deliveries = DeliveryRepository(session)
            if error is None:
                await deliveries.delivered(delivery.id, now)
                return 1
            await deliveries.failed(delivery.id, error, next_at, now)
        if next_at is None:
            _log_give_up(delivery, f"{error}; {delivery.attempts + 1} attempts")
        else:
            logger.info("the helpdesk of team %s did not take task %d's event (%s); trying again at %s UTC",
                        delivery.team_name, delivery.task_id, error, f"{next_at:%H:%M:%S}")
        return 0

    async def _send(self, url: str, body: bytes, headers: dict[str, str]) -> str | None:
        """None when the helpdesk answered 2xx, else the kind of failure (never the URL, never the body)."""
        try:
            async with asyncio.timeout(self._timeout):
                response = await self._client.post(url, content=body, headers=headers)
        except (TimeoutError, httpx.TimeoutException):
            return "timeout"
        except httpx.ConnectError:
            return "connect error"
        except (httpx.HTTPError, httpx.InvalidURL) as error:
            return type(error).__name__
        return None if 200 <= response.status_code < 300 else f"HTTP {response.status_code}"


def _attempt(delivery: ClaimedDelivery, team: TeamProfile | None, secret: str | None) -> Attempt | str:
    """Where and how to post the delivery, or why nothing can be posted to this team any more."""
    if team is None:
        return "team removed"
    if team.webhook_url is None:
        return "helpdesk turned off"
    if secret is None:
        return "no signing secret"
    try:
        signing_key(secret)
    except WebhookSignatureError:
        return "bad signing secret"
    return Attempt(delivery, team.webhook_url, secret)


def _log_give_up(delivery: ClaimedDelivery, reason: str) -> None:
    logger.error("helpdesk delivery given up: team %s, task %d, %s (%s)", delivery.team_name, delivery.task_id,
                 delivery.event, reason)
