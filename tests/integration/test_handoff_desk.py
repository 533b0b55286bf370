"""The handoff desk on a real database with a recording workspace and a clock the test moves."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.channels.delivery import CustomerUnreachable
from bot.policy.assignment import AgentProfile
from bot.policy.model import AGENT_COMMANDS, CustomerTurn, Move, Reply, TurnKind
from bot.service.agent_workspace import TopicFate
from bot.service.customer import CustomerRef
from bot.service.desk_queue import DESK_COMMANDS
from bot.service.support import SupportService
from bot.storage.agents import AgentRepository
from bot.storage.conversations import ConversationRepository
from bot.storage.database import Database, upgrade_schema_async
from bot.storage.handoffs import HandoffRepository
from bot.storage.models import Flag
from bot.testing.recording_workspace import RecordingWorkspace
from knowledge import KnowledgePack, load_pack
from knowledge.retrieval import TopicIndex
from nlu.runtime import EmotionAnalyzer
from tests.conftest import database_url

MONDAY_10 = dt.datetime(2026, 11, 23, 10, 0, tzinfo=dt.UTC)
CUSTOMER = CustomerRef("telegram", "700", "Olga")


@dataclass
class Desk:
    service: SupportService
    database: Database
    workspace: RecordingWorkspace
    clock: list[dt.datetime]
    sent: list[tuple[str, Reply]] = field(default_factory=list)

    async def send(self, channel: str, external_id: str, reply: Reply) -> None:
        self.sent.append((external_id, reply))

    async def handle(self, turn: CustomerTurn) -> Reply | None:
        """The customer's turn, and then the agents' posts it started in the background."""
        reply = await self.service.handle(CUSTOMER, turn)
        await self.service.handoffs.wait_for_background()
        return reply


@pytest.fixture
async def desk(tmp_path: Path) -> AsyncIterator[Desk]:
    url = database_url(tmp_path, 'd')
    await upgrade_schema_async(url)
    database, analyzer, pack = Database(url), EmotionAnalyzer(None), load_pack()
    async with database.session() as session:
        await AgentRepository(session).add(AgentProfile(31, "Marta", "Customer care specialist", ("en", "pl"), True,
                                                        "UTC", "13:00-17:00", "mon-fri", (), 2))
        await AgentRepository(session).add(AgentProfile(32, "Ivan", "Payments specialist", ("ru",), True,
                                                        "UTC", "13:00-17:00", "mon-fri", (), 2))
    clock = [MONDAY_10]
    workspace = RecordingWorkspace()
    service = SupportService(database, analyzer, pack, TopicIndex.build(pack, None), now=lambda: clock[0],
                             workspace=workspace)
    yield Desk(service, database, workspace, clock)
    await service.handoffs.wait_for_background()
    await analyzer.close()
    await database.dispose()


async def test_a_queued_handoff_goes_to_the_agent_when_their_shift_starts(desk: Desk) -> None:
    reply = await desk.handle(CustomerTurn(TurnKind.TEXT, text="I want to talk to a real person"))
    assert reply is not None and reply.move is Move.HAND_OFF
    assert "Marta" in reply.text and "13:15" in reply.text, "honest: the real time her shift lets her look"
    assert desk.workspace.topics == ["Olga · waiting · #1"]
    [(thread, card)] = desk.workspace.posts
    assert ("Status: waiting for an agent, nobody on shift has it; the customer was told a person looks by 13:15 UTC "
            "on Mon 23 Nov") in card
    assert desk.workspace.pinned == [1], "the card is pinned"

    desk.clock[0] = MONDAY_10.replace(hour=12, minute=59)
    assert await desk.service.handoffs.assign_queued(desk.send) == 0
    desk.clock[0] = MONDAY_10.replace(hour=13, minute=5)
    assert await desk.service.handoffs.assign_queued(desk.send) == 1
    [(external_id, told)] = desk.sent
    assert external_id == "700" and "Marta" in told.text and "13:20" in told.text, "a later time than told is said"
    assert desk.workspace.posts[-1] == (thread, "Assigned to Marta; the customer was told.")
    await desk.service.handoffs.wait_for_background()
    [*_, (card_id, refreshed)] = desk.workspace.edits
    assert card_id == 1 and "Status: with Marta, Customer care specialist\nFirst reply due by 13:20 UTC" in refreshed
    assert desk.workspace.titles[-1] == (thread, "Olga · with Marta · #1"), "the topic's title follows the owner"
    async with desk.database.session() as session:
        handoff = await HandoffRepository(session).open_for(1)
    assert handoff is not None and (handoff.status, handoff.agent_user_id) == ("active", 31)


def with_handoff_texts(pack: KnowledgePack, language: str, **texts: str) -> KnowledgePack:
    """The pack with handoff texts replaced in memory, past every check the loader makes."""
    wording = pack.wording[language]
    changed = dataclasses.replace(wording, handoff=dataclasses.replace(wording.handoff, **texts))
    return dataclasses.replace(pack, wording={**pack.wording, language: changed})


async def test_a_crisis_handoff_with_texts_the_bot_cannot_fill_is_still_answered_and_stored(desk: Desk) -> None:
    shipped = load_pack()
    broken = with_handoff_texts(shipped, "en", assigned="{customer_name}",
                                queued="{customer_name}, {agent:>5000} looks at it {deadline.__class__.__mro__}.")
    service = SupportService(desk.database, EmotionAnalyzer(None), broken, TopicIndex.build(broken, None),
                             now=lambda: desk.clock[0], workspace=desk.workspace)

    turn = CustomerTurn(TurnKind.TEXT, text="I can't take this anymore, I want to kill myself")
    reply = await service.handle(CUSTOMER, turn)
    await service.handoffs.wait_for_background()

    assert reply is not None and reply.move is Move.HAND_OFF
    assert shipped.wording_for("en").handoff.crisis in reply.text
    assert "Marta will look at it first thing, by 13:15 UTC on Mon 23 Nov" in reply.text, reply.text
    assert "customer_name" not in reply.text and "class" not in reply.text and len(reply.text) < 1000
    async with desk.database.session() as session:
        stored = await ConversationRepository(session).messages_of("telegram", "700")
    assert [(m.sender, m.move, m.text) for m in stored][-1] == ("bot", "hand_off", reply.text)


async def test_while_handed_off_the_bot_keeps_quiet_and_relays(desk: Desk) -> None:
    desk.clock[0] = MONDAY_10.replace(hour=14)
    await desk.handle(CustomerTurn(TurnKind.TEXT, text="Let me speak to a human"))
    quiet = await desk.handle(CustomerTurn(TurnKind.TEXT, text="My order is #5512"))
    assert quiet is None
    assert desk.workspace.posts[-1] == (101, "Olga: My order is #5512")


async def test_a_first_reply_about_to_be_late_is_announced_honestly_once_with_a_new_time(desk: Desk) -> None:
    desk.clock[0] = MONDAY_10.replace(hour=14)
    reply = await desk.handle(CustomerTurn(TurnKind.TEXT, text="Can I talk to a human please"))
    assert reply is not None and "by 14:15 UTC" in reply.text

    desk.clock[0] = MONDAY_10.replace(hour=14, minute=5)
    assert await desk.service.handoffs.nudge_late_replies(desk.send) == 0
    desk.clock[0] = MONDAY_10.replace(hour=14, minute=14)
    assert await desk.service.handoffs.nudge_late_replies(desk.send) == 1
    [(_, told)] = desk.sent
    assert "Marta" in told.text and "by 14:15 UTC" in told.text and "by 14:30 UTC" in told.text
    assert desk.workspace.posts[-1][1].startswith("Reminder for Marta")
    [(_, nudge, mentioned)] = [m for m in desk.workspace.mentions if not m[1].startswith("Handoff #")]
    assert nudge.startswith("Marta, Olga has been waiting for your answer since 14:00") and mentioned == (31,)
    assert await desk.service.handoffs.nudge_late_replies(desk.send) == 0, "one announcement per promised time"

    await desk.service.handoffs.from_agent(31, 101, "Hi Olga, Marta here.", desk.send)
    desk.clock[0] = MONDAY_10.replace(hour=15)
    assert await desk.service.handoffs.nudge_late_replies(desk.send) == 0, "the agent replied: nothing late"


async def handed_off_at_two(desk: Desk) -> int:
    """Olga, in English, handed to Marta (the only agent on shift who speaks English); returns the topic."""
    desk.clock[0] = MONDAY_10.replace(hour=14)
    await desk.handle(CustomerTurn(TurnKind.TEXT, text="Let me speak to a human"))
    async with desk.database.session() as session:
        handoff = await HandoffRepository(session).open_for(1)
    assert handoff is not None and handoff.agent_user_id == 31 and handoff.thread_id is not None
    return handoff.thread_id


async def test_an_agent_who_works_in_russian_is_answered_in_russian_and_the_customer_in_english(desk: Desk) -> None:
    thread = await handed_off_at_two(desk)

    assert await desk.service.handoffs.commands.run(32, thread, "take", "", desk.send) == "", "posted with a mention"

    note = load_pack().wording_for("ru").agents.taken.format(agent="Ivan")
    assert desk.workspace.posts[-1] == (thread, note) and desk.workspace.mentions[-1] == (thread, note, (32,))
    assert "Ivan" in note and "клиенту" in note
    [(external_id, told)] = desk.sent
    assert external_id == "700" and told.text.startswith("Ivan, Payments specialist on our team, is taking over")


async def test_someone_who_is_not_an_agent_is_told_in_english_once_a_day(desk: Desk) -> None:
    thread = await handed_off_at_two(desk)

    first = await desk.service.handoffs.commands.run(5555, thread, "resolve", "", desk.send)
    again = await desk.service.handoffs.commands.run(5555, thread, "resolve", "", desk.send)

    assert first == "Only registered agents can use /resolve here; nothing was changed."
    assert again == "", "thirty commands from a stranger must not flood the group"
    async with desk.database.session() as session:
        assert (await HandoffRepository(session).open_for(1)) is not None, "nothing was resolved"
    assert desk.sent == []


async def test_a_command_name_the_desk_does_not_know_changes_nothing_and_says_which_exist(desk: Desk) -> None:
    thread = await handed_off_at_two(desk)

    note = await desk.service.handoffs.commands.run(31, thread, "flagg", "the refund answer was wrong", desk.send)

    assert note.startswith("/flagg is not an agents' command; nothing was changed.") and "/flag NOTE" in note
    async with desk.database.session() as session:
        assert await session.scalar(select(func.count()).select_from(Flag)) == 0, "an unknown name flags nothing"


async def test_a_resolve_the_customer_cannot_hear_says_so_to_the_agent(desk: Desk) -> None:
    thread = await handed_off_at_two(desk)

    async def blocked(channel: str, external_id: str, reply: Reply) -> None:
        raise CustomerUnreachable("Forbidden: bot was blocked by the user")

    note = await desk.service.handoffs.commands.run(31, thread, "resolve", "", blocked)

    assert note == "Resolved by Marta, but the customer could not be told: see above."
    assert desk.workspace.posts[-1][1].startswith("Olga has blocked the bot")


async def test_every_command_the_agents_group_accepts_has_its_handler(desk: Desk) -> None:
    assert set(desk.service.handoffs.commands.handlers) | DESK_COMMANDS == AGENT_COMMANDS


class NoTopicsWorkspace(RecordingWorkspace):
    """An agents' group where the bot may not open topics (it is not an admin with can_manage_topics)."""

    async def open_topic(self, name: str) -> int | None:
        return None


async def test_a_sweep_that_cannot_open_a_topic_does_not_count_the_card_as_posted(desk: Desk) -> None:
    pack = load_pack()
    service = SupportService(desk.database, EmotionAnalyzer(None), pack, TopicIndex.build(pack, None),
                             now=lambda: desk.clock[0], workspace=NoTopicsWorkspace())
    desk.clock[0] = MONDAY_10.replace(hour=14)
    await service.handle(CUSTOMER, CustomerTurn(TurnKind.TEXT, text="Let me speak to a human"))
    await service.handoffs.wait_for_background()
    desk.clock[0] = MONDAY_10.replace(hour=14, minute=5)

    assert await service.handoffs.cards.post_missing_cards() == 0


async def test_without_an_agents_group_nobody_is_promised_and_nothing_is_posted(tmp_path: Path) -> None:
    url = database_url(tmp_path, 'n')
    await upgrade_schema_async(url)
    database, analyzer, pack = Database(url), EmotionAnalyzer(None), load_pack()
    async with database.session() as session:
        await AgentRepository(session).add(AgentProfile(31, "Marta", "Customer care specialist", ("en",), True,
                                                        "UTC", "00:00-24:00", "mon-sun", (), 2))
    service = SupportService(database, analyzer, pack, TopicIndex.build(pack, None), now=lambda: MONDAY_10)
    try:
        reply = await service.handle(CUSTOMER, CustomerTurn(TurnKind.TEXT, text="I want to talk to a real person"))
        await service.handoffs.wait_for_background()

        assert reply is not None and reply.text == pack.wording_for("en").handoff.unavailable, "no agent named"
        assert await service.handoffs.cards.post_missing_cards() == 0
        assert await service.handoffs.remove_topics((101,)) == {101: TopicFate.LEFT}
    finally:
        await analyzer.close()
        await database.dispose()
