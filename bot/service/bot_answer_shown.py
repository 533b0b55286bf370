"""The bot's last answer before a handoff, shown in the new topic as a message of its own.

The card summarises; this is the answer itself, one message the agents can reply to with /flag, so
"the bot got this wrong" points at exactly what the customer read. It is recorded as a ``bot`` twin.
"""

from __future__ import annotations

from bot.service.agent_workspace import AgentWorkspace
from bot.storage.database import Database
from bot.storage.flag_targets import last_answer
from bot.storage.handoffs import OpenHandoff
from bot.storage.relayed import Direction, RelayedMessages, RelayedRecord

SHOWN = 3500
"""Characters of the answer shown: the post, with its heading, stays one Telegram message."""
HEADING = "Candor (bot) answered:"


async def show_last_answer(database: Database, workspace: AgentWorkspace, handoff: OpenHandoff,
                           thread_id: int) -> None:
    """Post the bot's last answer in the topic (nothing when it has not answered yet) and remember which it is."""
    async with database.session() as session:
        answer = await last_answer(session, handoff.conversation_id)
    if answer is None or not answer.text.strip():
        return
    shown = await workspace.post(thread_id, f"{HEADING}\n{answer.text[:SHOWN]}")
    async with database.session() as session:
        await RelayedMessages(session).add(RelayedRecord(handoff.id, handoff.conversation_id, Direction.BOT,
                                                         None, shown, answer.id))
