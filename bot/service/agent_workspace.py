"""Where agents work, as the desk sees it: one forum topic per handed-off customer.

Telegram's forum lives behind ``AgentWorkspace`` (bot/channels/agents.py); a chat with no
agents' group (the local terminal, a bot started without one) gets ``NullWorkspace``, which
reaches nobody and says so, instead of a ``None`` every caller must remember to check.
"""

from __future__ import annotations

from enum import Enum
from typing import Protocol

from bot.channels.delivery import TopicGone


class TopicFate(Enum):
    """What became of an erased customer's agents' topic."""

    DELETED = "deleted"
    SCRUBBED = "scrubbed"
    """Could not be deleted: renamed to a neutral name, with a note asking a person to delete it."""
    LEFT = "left"
    """Not deleted and no note posted (or no agents' group to reach): a person must delete it."""


class AgentWorkspace(Protocol):
    """Where agents work: one forum topic per handed-off customer.

    Posting methods raise ``TopicGone`` when the topic was deleted; ``ready`` waits for the
    group's message rate and is called before any lock is taken.
    """

    @property
    def reaches_agents(self) -> bool:
        """Whether a person can see what is posted here: only then is a customer promised a named agent."""
        ...

    async def ready(self, urgent: bool = False, messages: int = 1) -> None: ...

    def stop_waiting(self) -> None:
        """The bot is stopping: posts still waiting for the group's rate end with ``ChannelClosing``."""
        ...

    async def open_topic(self, name: str) -> int | None: ...

    async def post(self, thread_id: int, text: str) -> int:
        """Post in the topic; returns the Telegram message id of the (first part of the) post."""
        ...

    async def post_mentioning(self, thread_id: int, text: str, people: tuple[tuple[int, str], ...]) -> int:
        """Post in the topic with each (user id, name) in ``people`` mentioned where their name first appears,
        so Telegram notifies them; returns the message id."""
        ...

    async def edit(self, thread_id: int, message_id: int, text: str) -> None:
        """Edit one of the bot's posts in place; an unchanged text is no error."""
        ...

    async def pin(self, thread_id: int, message_id: int) -> None:
        """Pin the post in its topic, silently; a refusal (no right to pin) is logged, never raised."""
        ...

    async def rename_topic(self, thread_id: int, name: str) -> None:
        """Give the topic a new title (1–128 characters)."""
        ...

    async def relay(self, thread_id: int, label: str, text: str, chat_id: int | None, message_id: int | None,
                    media: str = "", reply_to: int | None = None, edited: bool = False) -> int | None:
        """Show a customer's message in the topic, unmistakably as theirs; returns the topic message's id.

        ``media`` names what the customer sent when it is not text ("photo", "voice", …): it is copied as it is,
        with their name and ``text`` (the caption) on it when it can carry one. ``reply_to`` is a topic message
        it answers; ``edited`` marks a new version of a message whose first one cannot be edited in place.
        """
        ...

    async def edit_relay(self, thread_id: int, message_id: int, label: str, text: str) -> None:
        """The customer edited their message: its quote in the topic shows the new words, marked as edited."""
        ...

    async def copy_in(self, thread_id: int, chat_id: int, message_id: int) -> int:
        """Copy a customer's message (a photo, a file) from their chat into the topic as it is; returns its id there."""
        ...

    async def remove_topic(self, thread_id: int) -> TopicFate:
        """After an erasure: delete the topic; failing that, strip the customer's name from it and say why."""
        ...


class NullWorkspace:
    """No agents' group: no topic is ever opened, so no card counts as posted and no customer is
    promised a person who would never see them."""

    @property
    def reaches_agents(self) -> bool:
        return False

    async def ready(self, urgent: bool = False, messages: int = 1) -> None:
        return None

    def stop_waiting(self) -> None:
        return None

    async def open_topic(self, name: str) -> int | None:
        return None

    async def post(self, thread_id: int, text: str) -> int:
        """A topic stored by a bot that had a group (same database, started without one now) is out of reach."""
        raise TopicGone(f"no agents' group to reach topic {thread_id}")

    async def post_mentioning(self, thread_id: int, text: str, people: tuple[tuple[int, str], ...]) -> int:
        raise TopicGone(f"no agents' group to reach topic {thread_id}")

    async def edit(self, thread_id: int, message_id: int, text: str) -> None:
        raise TopicGone(f"no agents' group to reach topic {thread_id}")

    async def pin(self, thread_id: int, message_id: int) -> None:
        return None

    async def rename_topic(self, thread_id: int, name: str) -> None:
        raise TopicGone(f"no agents' group to reach topic {thread_id}")

    async def relay(self, thread_id: int, label: str, text: str, chat_id: int | None, message_id: int | None,
                    media: str = "", reply_to: int | None = None, edited: bool = False) -> int | None:
        raise TopicGone(f"no agents' group to reach topic {thread_id}")

    async def edit_relay(self, thread_id: int, message_id: int, label: str, text: str) -> None:
        raise TopicGone(f"no agents' group to reach topic {thread_id}")

    async def copy_in(self, thread_id: int, chat_id: int, message_id: int) -> int:
        raise TopicGone(f"no agents' group to reach topic {thread_id}")

    async def remove_topic(self, thread_id: int) -> TopicFate:
        return TopicFate.LEFT
