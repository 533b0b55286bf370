"""Models in the console: each trained model with its card, a comparison with the live one on
the same dev data and on trainers' corrections, and promotion to live only by an explicit action.
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response

from bot.console.access import GuardedRoute, trainer_page
from bot.console.web import render
from bot.storage.database import Database
from bot.storage.trainers import TrainerRepository
from nlu.registry import RegistryError, find_model, list_models, live_model_dir, promote
from nlu.training.compare import compare
from nlu.training.dataset import corrections_as_texts

logger = logging.getLogger(__name__)


class ModelPages:
    def __init__(self, database: Database, models_dir: Path, data_dir: Path, dev_limit: int | None = None) -> None:
        self._database = database
        self._models_dir = models_dir
        self._data_dir = data_dir
        self._dev_limit = dev_limit

    def routes(self) -> list[GuardedRoute]:
        return [
            trainer_page("/models", self.listing),
            trainer_page("/models/{name}/compare", self.compare, methods=["POST"]),
            trainer_page("/models/{name}/promote", self.promote, methods=["POST"]),
        ]

    async def listing(self, request: Request, trainer: str) -> Response:
        return render(request, "models.html", {"trainer": trainer, "models": list_models(self._models_dir),
                                               "notice": request.query_params.get("promoted", ""), "result": None})

    async def compare(self, request: Request, trainer: str) -> Response:
        try:
            candidate = find_model(self._models_dir, str(request.path_params["name"]))
        except RegistryError as error:
            return PlainTextResponse(str(error), status_code=404)
        async with self._database.session() as session:
            examples = await TrainerRepository(session).corrected_examples()
        corrections = corrections_as_texts([(e.text, e.labels) for e in examples])
        live = live_model_dir(self._models_dir)
        mine, theirs = await asyncio.to_thread(compare, candidate.path, live, self._data_dir, corrections,
                                               self._dev_limit)
        result = {"candidate": candidate.name, "mine": mine, "live": theirs, "corrections": len(corrections.texts)}
        return render(request, "models.html", {"trainer": trainer, "models": list_models(self._models_dir),
                                               "notice": "", "result": result})

    async def promote(self, request: Request, trainer: str) -> Response:
        """A candidate becomes the live model only by this explicit action."""
        try:
            entry = promote(self._models_dir, str(request.path_params["name"]))
        except RegistryError as error:
            return PlainTextResponse(str(error), status_code=404)
        logger.info("model promoted to live: %s", entry.version)
        return RedirectResponse(f"/models?promoted={entry.name}", status_code=303)

