"""Everything a running bot holds: database, emotion analyser, knowledge and the service.

Built once at start and closed at shutdown; both channels use the same one.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.config import Settings
from bot.service import SupportService
from bot.storage.database import Database, upgrade_schema_async
from knowledge import KnowledgePack, load_pack
from nlu.runtime import EmotionAnalyzer


@dataclass
class CandorRuntime:
    database: Database
    analyzer: EmotionAnalyzer
    pack: KnowledgePack
    service: SupportService

    @classmethod
    async def start(cls, settings: Settings) -> CandorRuntime:
        """Migrate the database to the newest schema, load content and the model."""
        await upgrade_schema_async(settings.database_url)
        database = Database(settings.database_url)
        pack = load_pack()
        analyzer = await EmotionAnalyzer.load(settings.model_dir, settings.model_precision)
        return cls(database, analyzer, pack, SupportService(database, analyzer, pack))

    async def close(self) -> None:
        await self.analyzer.close()
        await self.database.dispose()
