"""What a handoff's card shows, read from the conversation: words, feelings, promises, the case's details and
proofs, the shop's facts, the teams' tasks, photos and files sent before the handoff, the agents' notes."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.policy.card_context import (
    CARD_MEDIA,
    CARD_NOTES,
    CARD_TASK_EVENTS,
    CARD_WORDS,
    MEDIA_KINDS,
    CardContext,
    CardMedia,
    CardNote,
    CardPromise,
    CardTask,
)
from bot.policy.card_facts import SHOP_NOTE, shop_notes
from bot.policy.model import Case
from bot.storage.case_notes import CaseNoteRepository
from bot.storage.conversations import WORDS_KINDS, case_from_text, case_of, felt
from bot.storage.models import Conversation, Gesture, Message, Promise, Task, Team, TeamMember, as_utc
from bot.storage.tasks import TaskRepository

TRAJECTORY_TURNS = 5
RECENT_MESSAGES = 40


class CardReads:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def context(self, conversation_id: int) -> CardContext:
        """What the conversation holds for the card: the latest words and feelings, the open promises, the case's
        details and proofs, the shop's facts, the teams' tasks, the photos and files sent before the handoff and
        the agents' private notes."""
        messages = list((await self._session.scalars(
            select(Message).where(Message.conversation_id == conversation_id).order_by(Message.id.desc()).limit(RECENT_MESSAGES)
        )).all())[::-1]
        feelings = tuple(felt(m) for m in messages if m.sender == "customer" and m.anger is not None)[-TRAJECTORY_TURNS:]
        words = tuple(m.text for m in messages
                      if m.sender == "customer" and m.kind in WORDS_KINDS and m.text.strip())[-CARD_WORDS:]
        bot = [m for m in messages if m.sender == "bot"]
        handed = await self._handed_at(conversation_id)
        told = [(m, shop_notes(m.why)) for m in bot]
        promises = tuple(CardPromise(p.promised, as_utc(p.due_at), p.language, as_utc(p.original_due_at), "", p.topic_id)
                         for p in (await self._session.scalars(
                             select(Promise).where(Promise.conversation_id == conversation_id, Promise.status == "open")
                             .order_by(Promise.id))).all())
        gestures = tuple((await self._session.scalars(
            select(Gesture.kind).where(Gesture.conversation_id == conversation_id)
        )).all())
        tasks = await self._card_tasks(conversation_id)
        notes = tuple(CardNote(note.author, note.text, note.created_at)
                      for note in (await CaseNoteRepository(self._session).of_conversation(conversation_id))[-CARD_NOTES:])
        conversation = await self._session.get(Conversation, conversation_id)
        case = case_of(conversation) if conversation is not None else Case()
        # A new problem starts a new case, which keeps the details but not the proofs: the orders proved earlier
        # (kept beside each reply, and on the teams' tasks) are still the customer's.
        kept_cases = [kept for m in bot if (kept := case_from_text(m.case_after)) is not None]
        earlier = [kept.verified for kept in kept_cases]
        verified = tuple(dict.fromkeys([*(ref for refs in earlier for ref in refs), *case.verified,
                                        *(t.order_ref for t in tasks if t.verified and t.order_ref)]))
        return CardContext(
            feelings, words, tuple(m.text for m in bot), promises, gestures, case.topic_id, case.slots, case.awaiting,
            verified, case.failed_proofs, tasks,
            shop_notes=tuple(note for _, found in told for note in found)
            + tuple(task.facts for task in tasks if task.facts and SHOP_NOTE.match(task.facts)),
            shop_texts=tuple(m.text for m, found in told if found),
            media=await self._media_before(conversation_id, handed), notes=notes,
            replied_last=await self.replied_last(conversation_id, handed),
            earlier_topics=tuple(kept.topic_id for kept in kept_cases if kept.topic_id))

    async def replied_last(self, conversation_id: int, handed: int | None = None) -> str:
        """The name (as stored, clipped to the message's ``move``) of the agent who wrote to the customer last since
        the bot's latest handoff message; "" while none has."""
        handed = handed if handed is not None else await self._handed_at(conversation_id)
        query = select(Message.move).where(Message.conversation_id == conversation_id, Message.sender == "agent")
        if handed is not None:
            query = query.where(Message.id > handed)
        move = await self._session.scalar(query.order_by(Message.id.desc()).limit(1))
        return move.removeprefix("agent:") if move else ""

    async def _handed_at(self, conversation_id: int) -> int | None:
        """The bot's latest handoff message: what came before it is not in the topic."""
        return await self._session.scalar(select(func.max(Message.id)).where(
            Message.conversation_id == conversation_id, Message.sender == "bot", Message.move == "hand_off"))

    async def _media_before(self, conversation_id: int, handed: int | None) -> tuple[CardMedia, ...]:
        """The customer's photos and files sent before the bot's latest handoff message (all of them when there is
        none stored), newest few: they are not in the topic, which only sees what comes after."""
        query = select(Message).where(Message.conversation_id == conversation_id, Message.sender == "customer",
                                      Message.kind.in_(sorted(MEDIA_KINDS)))
        if handed is not None:
            query = query.where(Message.id < handed)
        rows = (await self._session.scalars(query.order_by(Message.id.desc()).limit(CARD_MEDIA))).all()
        return tuple(CardMedia(m.kind, m.text, as_utc(m.created_at), m.telegram_message_id) for m in reversed(rows))

    async def _card_tasks(self, conversation_id: int) -> tuple[CardTask, ...]:
        """The conversation's tasks, oldest first, each with who holds it and its last events."""
        tasks = TaskRepository(self._session)
        events = await tasks.events_of_conversation(conversation_id)
        holders = {task_id: name for task_id, name in await self._session.execute(
            select(Task.id, TeamMember.name).join(Team, Team.name == Task.team_name)
            .join(TeamMember, (TeamMember.team_id == Team.id) & (TeamMember.telegram_user_id == Task.taken_by))
            .where(Task.conversation_id == conversation_id))}
        return tuple(
            CardTask(task.id, task.team_name, task.kind, task.state, holders.get(task.id, ""), task.due_at,
                     task.closed_at, tuple(event.line() for event in events.get(task.id, [])[-CARD_TASK_EVENTS:]),
                     task.order_ref, task.facts, task.verified)
            for task in sorted(await tasks.of_conversation(conversation_id), key=lambda task: task.id)
        )
