"""The console's Drafts page: topics imported from the shop's help centre, waiting to go live.

A trainer sees each draft's languages, its source, what the linter finds and whether it is live,
and publishes it with one button; a draft with findings is refused with them. A publication is
recorded like a wording edit, and its Revert button (the wording pages' revert) takes it back.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from bot.console.access import GuardedRoute, trainer_page
from bot.console.web import render
from bot.service.draft_publishing import publish_recorded
from bot.storage.database import Database
from bot.storage.models import ContentVersion
from bot.storage.trainers import TrainerRepository
from knowledge.importing.drafting import DraftFinding, draft_findings
from knowledge.importing.drafts import Draft, DraftState, all_drafts, state_of
from knowledge.pack import KnowledgeError

PUBLISHABLE = frozenset({DraftState.DRAFT, DraftState.CHANGED})


@dataclass(frozen=True)
class DraftRow:
    draft: Draft
    state: DraftState
    findings: list[DraftFinding]
    history: list[ContentVersion]

    @property
    def publishable(self) -> bool:
        return self.state in PUBLISHABLE


class DraftPages:
    def __init__(self, database: Database, content_dir: Path, now: Callable[[], dt.datetime]) -> None:
        self._database = database
        self._content_dir = content_dir
        self._now = now

    def routes(self) -> list[GuardedRoute]:
        return [
            trainer_page("/knowledge/drafts", self.listing),
            trainer_page("/knowledge/drafts/{draft_id}/publish", self.publish, methods=["POST"]),
        ]

    async def listing(self, request: Request, trainer: str) -> Response:
        return await self._page(request, trainer, notice=request.query_params.get("published", ""))

    async def publish(self, request: Request, trainer: str) -> Response:
        draft_id = request.path_params["draft_id"]
        try:
            await publish_recorded(self._database, self._content_dir, draft_id, trainer, self._now())
        except KnowledgeError as refusal:
            return await self._page(request, trainer, error=str(refusal), status=400)
        return RedirectResponse(f"/knowledge/drafts?published={draft_id}", status_code=303)

    async def _page(self, request: Request, trainer: str, notice: str = "", error: str = "",
                    status: int = 200) -> Response:
        drafts = all_drafts(self._content_dir)
        async with self._database.session() as session:
            repository = TrainerRepository(session)
            rows = [DraftRow(draft, state_of(self._content_dir, draft), draft_findings(draft.id, draft.texts),
                             [version for language in draft.languages
                              for version in await repository.history(language, "topics.yaml", draft.id)])
                    for draft in drafts]
        return render(request, "drafts.html", {"trainer": trainer, "rows": rows, "notice": notice, "error": error},
                      status=status)
