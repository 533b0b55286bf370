"""Everything a running bot holds: database, emotion analyser, knowledge, topic index, service.

Built once at start and closed at shutdown; both channels use the same one.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass
from pathlib import Path

from bot.config import Settings
from bot.onboarding.profile_settings import settings_unlike_profile
from bot.policy.escalation import load_rules
from bot.policy.fairness import Fairness, TokenBucket
from bot.policy.reply_ladder import ReplyTiming
from bot.service.agent_workspace import AgentWorkspace
from bot.service.content_reload import ContentReloader
from bot.service.lookups import OrderLookups
from bot.service.support import SupportService
from bot.service.team_board import TeamBoard
from bot.service.topic_vectors import ExampleVectors
from bot.shop.backend import ShopBackend
from bot.shop.factory import open_shop
from bot.storage.chat_locks import ChatLocks
from bot.storage.database import Database, upgrade_schema_async
from bot.storage.models import utc_now
from bot.storage.privacy import Purged, forget_the_old
from bot.storage.teams import TeamRepository
from knowledge import KnowledgePack, load_pack
from knowledge.content_folder import seed_content
from knowledge.content_version import ContentVersion, fingerprint
from knowledge.live_pack import LiveContent
from knowledge.pack import FALLBACK_LANGUAGE
from knowledge.retrieval import TopicIndex
from nlu.runtime import EmotionAnalyzer

logger = logging.getLogger(__name__)


@dataclass
class CandorRuntime:
    database: Database
    analyzer: EmotionAnalyzer
    pack: KnowledgePack
    index: TopicIndex
    service: SupportService
    chat_locks: ChatLocks
    shop: ShopBackend | None = None
    content: ContentReloader | None = None
    """Reads the content folder again when it changes (console edits reach the running bot)."""
    watcher: asyncio.Task[None] | None = None

    @classmethod
    async def start(cls, settings: Settings, workspace: AgentWorkspace | None = None,
                    board: TeamBoard | None = None) -> CandorRuntime:
        """Load content, migrate the database to the newest schema, load the model, index the topics.

        The content comes first: a pack with a text the bot cannot fill stops the start before
        anything else is touched (KnowledgeError, which ``candor`` reports and exits on). ``workspace`` is the
        agents' group and ``board`` the teams' chats (none for the local chat, whose tasks wait in
        ``candor tasks list``).
        """
        content = seed_content(settings.content_dir)
        version = ContentVersion(fingerprint(content))  # before reading: an edit made meanwhile is read again
        pack = load_pack(content)
        report_upgrade(pack, content)
        await upgrade_schema_async(settings.database_url)
        database = Database(settings.database_url)
        await keep_house(database, settings.retention_days)
        analyzer = await EmotionAnalyzer.load(settings.model_dir, settings.model_precision, settings.model_cache_dir)
        vectors = ExampleVectors(analyzer)
        live = LiveContent(pack, await vectors.index(pack))
        reloader = ContentReloader(content, live, vectors, version)
        chat_locks = ChatLocks.for_database(settings.database_url)
        token = settings.shop_token.get_secret_value() if settings.shop_token else None
        shop = open_shop(settings.shop, settings.shop_url, token, utc_now)
        logger.info("order lookups: %s", f"backend={shop.name}" if shop else "off (CANDOR_SHOP=none)")
        report_profile(pack, settings)
        service = SupportService(database, analyzer, live.pack, live.index, settings.zone, chat_locks=chat_locks,
                                 rules=load_rules(content / "escalation.yaml"), fairness=Fairness(TokenBucket()), workspace=workspace,
                                 reader=settings.detail_reader, working=settings.support_shift,
                                 lookups=OrderLookups(shop, utc_now) if shop else None, board=board,
                                 timing=ReplyTiming(settings.agent_reply_minutes, settings.lead_nudge_minutes),
                                 content=reloader)
        await report_teams(database, pack)
        chat_locks.count_statements(database.statements)
        logger.info("%s", database.statements.usage.describe("ready"))
        watcher = asyncio.create_task(reloader.watch(), name="content-watcher")
        return cls(database, analyzer, live.pack, live.index, service, chat_locks, shop, reloader, watcher)

    async def close(self) -> None:
        if self.watcher is not None:
            self.watcher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self.watcher
        if self.shop is not None:
            await self.shop.close()
        await self.analyzer.close()
        await self.chat_locks.dispose()
        logger.info("%s", self.database.statements.usage.describe("stopped"))
        await self.database.dispose()


def report_upgrade(pack: KnowledgePack, content: Path) -> None:
    """Say once at start what the content folder lacked (read from the package's defaults) and what it holds
    that this release no longer reads: after an upgrade the operator learns it here, not from a customer."""
    if pack.upgrade:
        logger.warning("content folder %s, read against this release's pack:\n%s", content, pack.upgrade.report())


def report_profile(pack: KnowledgePack, settings: Settings) -> None:
    """Say at start when the settings no longer match the shop profile the customers read (see profile_settings)."""
    unlike = settings_unlike_profile(pack.profile, settings) if pack.profile else []
    if unlike:
        logger.warning("the shop profile (%s) and the settings %s disagree: customers read the profile's hours, "
                       "promised times follow the settings. Run 'candor init' again to set both.",
                       settings.content_dir / "shop.yaml", ", ".join(unlike))


async def report_teams(database: Database, pack: KnowledgePack) -> None:
    """Say at start which teams the pack sends commitments to that nobody configured: their tasks wait unseen."""
    async with database.session() as session:
        configured = {team.name for team in await TeamRepository(session).all()}
    named = {topic.team for topic in pack.topics_for(FALLBACK_LANGUAGE) if topic.team}
    named |= {rule.team for rule in pack.gestures if rule.team}
    missing = sorted(named - configured)
    if missing:
        logger.warning("the knowledge pack sends commitments to teams that are not configured: %s. Their tasks "
                       "are kept and listed by 'candor tasks list', but nobody sees a card until you add them "
                       "with 'candor teams add --name NAME --chat-id ID ...'", ", ".join(missing))
    else:
        logger.info("teams: %s", ", ".join(sorted(configured)) or "none")


async def keep_house(database: Database, retention_days: int | None) -> Purged:
    """Forget what is kept only for a while (see ``forget_the_old``): at start, and every few hours while running."""
    async with database.session() as session:
        purged = await forget_the_old(session, utc_now(), retention_days)
    logger.info("housekeeping: %d handled-update ids past Telegram's redelivery window removed; retention%s: "
                "%d messages and %d customers left without conversations removed", purged.updates,
                f" {retention_days} days" if retention_days else " not set", purged.messages, purged.customers)
    return purged


async def build_topic_index(pack: KnowledgePack, analyzer: EmotionAnalyzer) -> TopicIndex:
    """Embed every language's examples once; without the model, an index that matches keywords."""
    return await ExampleVectors(analyzer).index(pack)
