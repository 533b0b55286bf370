"""Models in the console: each trained model with its card, a comparison with the live one on
the same dev data and on trainers' corrections, and promotion to live only by an explicit action.
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

from bot.console.web import csrf_ok, render, trainer_of
from bot.storage.database import Database
from bot.storage.trainers import TrainerRepository
from nlu.training.compare import compare, corrections_as_texts
from nlu.registry import RegistryError, find_model, list_models, live_model_dir, promote

logger = logging.getLogger(__name__)


class ModelPages:
    def __init__(self, database: Database, models_dir: Path, data_dir: Path, dev_limit: int | None = None) -> None:
        self._database = database
        self._models_dir = models_dir
        self._data_dir = data_dir
        self._dev_limit = dev_limit

    def routes(self) -> list[Route]:
        return [
            Route("/models", self.listing, methods=["GET"]),
            Route("/models/{name}/compare", self.compare, methods=["POST"]),
            Route("/models/{name}/promote", self.promote, methods=["POST"]),
        ]

    async def listing(self, request: Request) -> Response:
        trainer = trainer_of(request)
        if trainer is None:
            return RedirectResponse("/", status_code=303)
        return render(request, "models.html", {"trainer": trainer, "models": list_models(self._models_dir),
                                               "notice": request.query_params.get("promoted", ""), "result": None})

    async def compare(self, request: Request) -> Response:
        trainer, refused = await self._authorised(request)
        if refused is not None:
            return refused
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

    async def promote(self, request: Request) -> Response:
        trainer, refused = await self._authorised(request)
        if refused is not None:
            return refused
        try:
            entry = promote(self._models_dir, str(request.path_params["name"]))
        except RegistryError as error:
            return PlainTextResponse(str(error), status_code=404)
        logger.info("model promoted to live: %s", entry.version)
        return RedirectResponse(f"/models?promoted={entry.name}", status_code=303)

    async def _authorised(self, request: Request) -> tuple[str, Response | None]:
        trainer = trainer_of(request)
        form = await request.form()
        if trainer is None or not csrf_ok(request, str(form.get("csrf", ""))):
            return "", PlainTextResponse("Sign in again: the form expired or was not sent from the console.",
                                         status_code=403)
        return trainer, None
