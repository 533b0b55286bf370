"""The agents' forum, recorded in memory: a test double for ``AgentWorkspace`` that refuses what Telegram would."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.channels.delivery import TopicGone
from bot.service.agent_workspace import TopicFate


@dataclass
class RecordingWorkspace:
    topics: list[str] = field(default_factory=list)
    posts: list[tuple[int, str]] = field(default_factory=list)
    relayed: list[str] = field(default_factory=list)
    edits: list[tuple[int, str]] = field(default_factory=list)
    pinned: list[int] = field(default_factory=list)
    titles: list[tuple[int, str]] = field(default_factory=list)
    mentions: list[tuple[int, str, tuple[int, ...]]] = field(default_factory=list)
    """(thread, text, user ids mentioned) of every post that mentions someone (also in ``posts``)."""
    copies: list[tuple[int, int, int]] = field(default_factory=list)
    """(thread, customer's chat, customer's message) of every message copied into a topic."""
    deleted: set[int] = field(default_factory=set)
    """Threads an agent deleted: posting there fails as it does in Telegram."""

    @property
    def reaches_agents(self) -> bool:
        return True

    async def ready(self, urgent: bool = False, messages: int = 1) -> None:
        pass

    def stop_waiting(self) -> None:
        pass

    async def open_topic(self, name: str) -> int | None:
        assert 1 <= len(name) <= 128 and name.strip(), f"Telegram refuses the topic name {name!r}"
        self.topics.append(name)
        return 100 + len(self.topics)

    async def post(self, thread_id: int, text: str) -> int:
        assert text.strip(), "an empty post to the agents"
        self._check(thread_id)
        self.posts.append((thread_id, text))
        return len(self.posts)

    async def post_mentioning(self, thread_id: int, text: str, people: tuple[tuple[int, str], ...]) -> int:
        assert all(name in text for _, name in people), f"every mention must be in the post: {people!r}"
        posted = await self.post(thread_id, text)
        self.mentions.append((thread_id, text, tuple(user_id for user_id, name in people if name in text)))
        return posted

    async def edit(self, thread_id: int, message_id: int, text: str) -> None:
        self._check(thread_id)
        self.edits.append((message_id, text))

    async def pin(self, thread_id: int, message_id: int) -> None:
        self.pinned.append(message_id)

    async def rename_topic(self, thread_id: int, name: str) -> None:
        assert 1 <= len(name) <= 128 and name.strip(), f"Telegram refuses the topic name {name!r}"
        self._check(thread_id)
        self.titles.append((thread_id, name))

    async def relay(self, thread_id: int, label: str, text: str, chat_id: int | None, message_id: int | None,
                    media: str = "", reply_to: int | None = None, edited: bool = False) -> int | None:
        self._check(thread_id)
        self.relayed.append(label)
        self.posts.append((thread_id, f"{label}: {text}"))
        return len(self.posts)

    async def edit_relay(self, thread_id: int, message_id: int, label: str, text: str) -> None:
        self._check(thread_id)
        self.edits.append((message_id, f"{label}: {text}"))

    async def copy_in(self, thread_id: int, chat_id: int, message_id: int) -> int:
        self._check(thread_id)
        self.copies.append((thread_id, chat_id, message_id))
        return 10_000 + len(self.copies)

    async def remove_topic(self, thread_id: int) -> TopicFate:
        assert thread_id - 100 in range(1, len(self.topics) + 1), f"no topic {thread_id} was opened"
        self.deleted.add(thread_id)
        return TopicFate.DELETED

    def _check(self, thread_id: int) -> None:
        if thread_id in self.deleted:
            raise TopicGone("Bad Request: message thread not found")
