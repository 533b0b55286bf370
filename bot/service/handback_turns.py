"""The customer's first turns after a person handed them back: thanks that name the person are thanks, and the
rating is asked once."""

from __future__ import annotations

from dataclasses import dataclass, replace

from sqlalchemy.ext.asyncio import AsyncSession

from bot.policy.handback import without_names
from bot.policy.model import CustomerTurn, TurnKind
from bot.storage.agents import AgentRepository
from bot.storage.handbacks import HandbackRepository, HandbackView
from nlu.intents import Intent, read_intent


@dataclass(frozen=True)
class AfterHandback:
    view: HandbackView | None
    """The handback this conversation had, if a person handed it back."""
    turn: CustomerTurn
    """The turn as the bot should read it."""
    agent: str = ""
    """The name of the person who handed it back."""

    async def rating_asked(self, session: AsyncSession) -> None:
        if self.view is not None:
            await HandbackRepository(session).rating_asked(self.view.id)


async def after_handback(session: AsyncSession, conversation_id: int, turn: CustomerTurn) -> AfterHandback:
    """"Thank you Marta, that helps!" reads as a thank-you once the agents' names are taken out of it."""
    view = await HandbackRepository(session).of_conversation(conversation_id)
    if view is None:
        return AfterHandback(None, turn)
    agents = await AgentRepository(session).list()
    agent = next((a.name for a in agents if a.telegram_user_id == view.agent_user_id), "")
    if turn.kind is TurnKind.TEXT:
        plain = without_names(turn.text, tuple(a.name for a in agents))
        if plain != turn.text and read_intent(plain) is Intent.THANKS:
            turn = replace(turn, text=plain)
    return AfterHandback(view, turn, agent)
