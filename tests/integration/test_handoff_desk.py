"""The handoff desk on a real database with a recording workspace and a clock the test moves."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from bot.testing.recording_workspace import RecordingWorkspace
from bot.policy.decide import CustomerTurn, Move, Reply, TurnKind
from bot.service.customer import CustomerRef
from bot.service.support import SupportService
from bot.policy.assignment import AgentProfile
from bot.storage.agents import AgentRepository
from bot.storage.conversations import ConversationRepository
from bot.storage.database import Database, upgrade_schema_async
from bot.storage.handoffs import HandoffRepository
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
    clock = [MONDAY_10]
    service = SupportService(database, analyzer, pack, TopicIndex.build(pack, None), now=lambda: clock[0])
    workspace = RecordingWorkspace()
    service.handoffs.attach_workspace(workspace)
    yield Desk(service, database, workspace, clock)
    await service.handoffs.wait_for_background()
    await analyzer.close()
    await database.dispose()


async def test_a_queued_handoff_goes_to_the_agent_when_their_shift_starts(desk: Desk) -> None:
    reply = await desk.handle(CustomerTurn(TurnKind.TEXT, text="I want to talk to a real person"))
    assert reply is not None and reply.move is Move.HAND_OFF
    assert "Marta" in reply.text and "13:15" in reply.text, "honest: the real time her shift lets her look"
    assert desk.workspace.topics == ["Olga · asked_for_person · #1"]
    [(thread, card)] = desk.workspace.posts
    assert "Agent: nobody on shift; the customer was told a person looks by 13:15 UTC on Mon 23 Nov" in card

    desk.clock[0] = MONDAY_10.replace(hour=12, minute=59)
    assert await desk.service.handoffs.assign_queued(desk.send) == 0
    desk.clock[0] = MONDAY_10.replace(hour=13, minute=0)
    assert await desk.service.handoffs.assign_queued(desk.send) == 1
    [(external_id, told)] = desk.sent
    assert external_id == "700" and "Marta" in told.text and "13:15" in told.text
    assert desk.workspace.posts[-1] == (thread, "Assigned to Marta; the customer was told.")
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
                             now=lambda: desk.clock[0])
    service.handoffs.attach_workspace(desk.workspace)

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
    assert await desk.service.handoffs.remind_late_first_replies(desk.send) == 0
    desk.clock[0] = MONDAY_10.replace(hour=14, minute=14)
    assert await desk.service.handoffs.remind_late_first_replies(desk.send) == 1
    [(_, told)] = desk.sent
    assert "Marta" in told.text and "by 14:15 UTC" in told.text and "by 14:30 UTC" in told.text
    assert desk.workspace.posts[-1][1].startswith("Reminder for Marta")
    assert await desk.service.handoffs.remind_late_first_replies(desk.send) == 0, "one announcement per promised time"

    await desk.service.handoffs.from_agent(31, 101, "Hi Olga, Marta here.", desk.send)
    desk.clock[0] = MONDAY_10.replace(hour=15)
    assert await desk.service.handoffs.remind_late_first_replies(desk.send) == 0, "the agent replied: nothing late"
