"""Everything a running bot holds: database, emotion analyser, knowledge, topic index, service.

Built once at start and closed at shutdown; both channels use the same one.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from bot.config import Settings
from bot.onboarding.profile_settings import settings_unlike_profile
from bot.policy.escalation import load_rules
from bot.policy.fairness import Fairness, TokenBucket
from bot.policy.reply_ladder import ReplyTiming
from bot.service.agent_workspace import AgentWorkspace
from bot.service.lookups import OrderLookups
from bot.service.support import SupportService
from bot.service.team_board import TeamBoard
from bot.shop.backend import ShopBackend
from bot.shop.factory import open_shop
from bot.storage.chat_locks import ChatLocks
from bot.storage.database import Database, upgrade_schema_async
from bot.storage.models import utc_now
from bot.storage.privacy import Purged, forget_the_old
from bot.storage.teams import TeamRepository
from knowledge import KnowledgePack, load_pack
from knowledge.content_folder import seed_content
from knowledge.pack import FALLBACK_LANGUAGE
from knowledge.retrieval import TopicIndex, example_texts
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
        pack = load_pack(content)
        await upgrade_schema_async(settings.database_url)
        database = Database(settings.database_url)
        await keep_house(database, settings.retention_days)
        analyzer = await EmotionAnalyzer.load(settings.model_dir, settings.model_precision, settings.model_cache_dir)
        index = await build_topic_index(pack, analyzer)
        chat_locks = ChatLocks.for_database(settings.database_url)
        token = settings.shop_token.get_secret_value() if settings.shop_token else None
        shop = open_shop(settings.shop, settings.shop_url, token, utc_now)
        logger.info("order lookups: %s", f"backend={shop.name}" if shop else "off (CANDOR_SHOP=none)")
        report_profile(pack, settings)
        service = SupportService(database, analyzer, pack, index, settings.zone, chat_locks=chat_locks,
                                 rules=load_rules(content / "escalation.yaml"), fairness=Fairness(TokenBucket()), workspace=workspace,
                                 reader=settings.detail_reader, working=settings.support_shift,
                                 lookups=OrderLookups(shop, utc_now) if shop else None, board=board,
                                 timing=ReplyTiming(settings.agent_reply_minutes, settings.lead_nudge_minutes))
        await report_teams(database, pack)
        return cls(database, analyzer, pack, index, service, chat_locks, shop)

    async def close(self) -> None:
        if self.shop is not None:
            await self.shop.close()
        await self.analyzer.close()
        await self.chat_locks.dispose()
        await self.database.dispose()


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
    vectors = {language: await analyzer.embed(list(texts)) for language, texts in example_texts(pack).items()}
    usable = {language: v for language, v in vectors.items() if v is not None}
    index = TopicIndex.build(pack, usable if len(usable) == len(vectors) else None)
    logger.info("topic index built semantic=%s languages=%s", index.semantic, ",".join(usable) or "-")
    return index
