"""Which of the bot's messages an agent's /flag means, and the flag itself.

A /flag sent as a reply points at a message in the topic: a customer's quote stands for the bot's
answer to it, a bot answer shown in the topic for itself, the card for the bot's last answer before
the handoff. Without a reply it means the bot's last *answer*: the handoff notice, the hand-back and
the holding notices are the desk's words, not answers a trainer can improve.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.policy.model import Move
from bot.storage.models import Flag, Message
from bot.storage.relayed import Direction, Relayed

ANSWER_MOVES = frozenset({
    Move.GREET, Move.HELP, Move.ANSWER, Move.CLARIFY, Move.CLOSE, Move.ASK_DETAIL, Move.CORRECTED, Move.END,
    Move.SMALL_TALK, Move.DROPPED, Move.UNKNOWN, Move.OWN_DATA,
})
"""The bot's own answers to the customer; every other move is a notice about the handoff, a promise or a command."""
NOTE_LIMIT = 2000


async def last_answer(session: AsyncSession, conversation_id: int) -> Message | None:
    """The bot's last answer in the conversation (while a person has it, the bot does not answer)."""
    return await session.scalar(
        select(Message).where(Message.conversation_id == conversation_id, Message.sender == "bot",
                              Message.move.in_([move.value for move in ANSWER_MOVES]))
        .order_by(Message.id.desc()).limit(1))


async def answer_to(session: AsyncSession, conversation_id: int, customer_telegram_id: int) -> Message | None:
    """The bot's message that followed this customer message: its answer to it."""
    said = await session.scalar(
        select(Message.id).where(Message.conversation_id == conversation_id, Message.sender == "customer",
                                 Message.telegram_message_id == customer_telegram_id)
        .order_by(Message.id).limit(1))
    if said is None:
        return None
    return await session.scalar(
        select(Message).where(Message.conversation_id == conversation_id, Message.sender == "bot", Message.id > said)
        .order_by(Message.id).limit(1))


async def flag_target(session: AsyncSession, conversation_id: int, replied: Relayed | None) -> Message | None:
    """The bot message a /flag means: the one the replied-to topic message stands for, else the last answer."""
    if replied is not None and replied.direction is Direction.BOT and replied.stored_message_id is not None:
        shown = await session.get(Message, replied.stored_message_id)
        if shown is not None:
            return shown
    if replied is not None and replied.direction is Direction.TO_TOPIC and replied.customer_message_id is not None:
        answered = await answer_to(session, conversation_id, replied.customer_message_id)
        if answered is not None:
            return answered
    return await last_answer(session, conversation_id)


async def flag(session: AsyncSession, conversation_id: int, message: Message | None, agent_user_id: int,
               note: str) -> None:
    session.add(Flag(conversation_id=conversation_id, message_id=message.id if message else None,
                     agent_user_id=agent_user_id, note=note[:NOTE_LIMIT]))
