"""Models in the console: each trained model with its card, a comparison with the live one that runs in
the background and is kept, promotion only after a confirm step, and a one-click rollback.

Every promotion and rollback is recorded (``model_changes``), so the previous model is known.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from pathlib import Path

from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response

from bot.console.access import GuardedRoute, trainer_page
from bot.console.comparison_runner import DEFAULT_SAMPLE, ComparisonRunner, ComparisonSetup, live_entry
from bot.console.web import render
from bot.policy.model_comparison import from_json
from bot.storage.comparisons import DONE, ComparisonRepository, ModelComparison
from bot.storage.database import Database
from bot.storage.models import utc_now
from nlu.registry import RegistryError, find_model, list_models, promote
from nlu.training.dataset import default_support_messages_file

logger = logging.getLogger(__name__)


class ModelPages:
    def __init__(self, database: Database, models_dir: Path, data_dir: Path, dev_limit: int | None = None,
                 now: Callable[[], dt.datetime] = utc_now) -> None:
        """``dev_limit`` bounds a comparison's sample (rows per evaluation set and past messages checked)."""
        self._database = database
        self._models_dir = models_dir
        setup = ComparisonSetup(models_dir, data_dir, default_support_messages_file(), dev_limit or DEFAULT_SAMPLE)
        self._runner = ComparisonRunner(database, setup, now)

    async def opened(self) -> None:
        """At the console's start: a comparison a stopped console left "running" is shown as interrupted."""
        await self._runner.settle_interrupted()

    async def closing(self) -> None:
        """At the console's shutdown: the comparison running now is cancelled and recorded as interrupted."""
        await self._runner.stop()

    def routes(self) -> list[GuardedRoute]:
        return [
            trainer_page("/models", self.listing),
            trainer_page("/models/{name}/compare", self.compare, methods=["POST"]),
            trainer_page("/models/comparisons/{comparison_id:int}", self.comparison),
            trainer_page("/models/{name}/promote", self.confirm_promotion),
            trainer_page("/models/{name}/promote", self.promote, methods=["POST"]),
            trainer_page("/models/rollback", self.rollback, methods=["POST"]),
        ]

    async def listing(self, request: Request, trainer: str) -> Response:
        await self._runner.settle_interrupted()
        async with self._database.session() as session:
            repository = ComparisonRepository(session)
            comparisons, changes = await repository.recent(), await repository.changes()
        live = live_entry(self._models_dir).name
        rollback = changes[0] if changes and changes[0].live == live else None
        return render(request, "models.html", {
            "trainer": trainer, "models": list_models(self._models_dir), "comparisons": comparisons,
            "changes": changes, "rollback": rollback, "notice": request.query_params.get("changed", ""),
        })

    async def compare(self, request: Request, trainer: str) -> Response:
        """Starts a comparison in the background (or shows the one already running) and returns at once."""
        try:
            candidate = find_model(self._models_dir, str(request.path_params["name"]))
        except RegistryError as error:
            return PlainTextResponse(str(error), status_code=404)
        comparison_id = await self._runner.start(candidate, trainer)
        return RedirectResponse(f"/models/comparisons/{comparison_id}", status_code=303)

    async def comparison(self, request: Request, trainer: str) -> Response:
        await self._runner.settle_interrupted()
        comparison = await self._comparison(int(request.path_params["comparison_id"]))
        if comparison is None:
            return render(request, "missing.html", {"trainer": trainer}, status=404)
        result = from_json(comparison.result) if comparison.state == DONE and comparison.result else None
        async with self._database.session() as session:
            texts = await ComparisonRepository(session).message_texts(
                [flip.message_id for flip in result.flips] if result else [])
        return render(request, "model_comparison.html", {"trainer": trainer, "comparison": comparison,
                                                         "result": result, "texts": texts})

    async def confirm_promotion(self, request: Request, trainer: str) -> Response:
        """The confirm step: what changes, and the latest comparison of this candidate, before anything does."""
        try:
            candidate = find_model(self._models_dir, str(request.path_params["name"]))
        except RegistryError as error:
            return PlainTextResponse(str(error), status_code=404)
        async with self._database.session() as session:
            done = [c for c in await ComparisonRepository(session).recent(50)
                    if c.candidate == candidate.name and c.state == DONE]
        return render(request, "model_promote.html", {
            "trainer": trainer, "candidate": candidate, "live": live_entry(self._models_dir),
            "comparison": done[0] if done else None, "result": from_json(done[0].result or "") if done else None,
        })

    async def promote(self, request: Request, trainer: str) -> Response:
        """A candidate becomes the live model only by this explicit, confirmed action."""
        return await self._change("promote", str(request.path_params["name"]), trainer)

    async def rollback(self, request: Request, trainer: str) -> Response:
        """Back to the model that was live before the latest recorded change."""
        async with self._database.session() as session:
            changes = await ComparisonRepository(session).changes(1)
        if not changes or changes[0].live != live_entry(self._models_dir).name:
            return PlainTextResponse("Nothing to roll back: the live model was not changed from the console.",
                                     status_code=409)
        return await self._change("rollback", changes[0].previous, trainer)

    async def _change(self, action: str, name: str, trainer: str) -> Response:
        """Recorded in the same transaction: if the switch fails, no change is on record."""
        previous = live_entry(self._models_dir).name
        try:
            async with self._database.session() as session:
                await ComparisonRepository(session).record_change(action, previous, name, trainer)
                entry = promote(self._models_dir, name)
        except RegistryError as error:
            return PlainTextResponse(str(error), status_code=404)
        logger.info("model %s: live is now %s", action, entry.version)
        return RedirectResponse(f"/models?changed={entry.name}", status_code=303)

    async def _comparison(self, comparison_id: int) -> ModelComparison | None:
        async with self._database.session() as session:
            return await ComparisonRepository(session).get(comparison_id)
