"""Where teams see their tasks, as the task desk sees it: a card with buttons in the team's chat or topic.

Telegram lives behind ``TeamBoard`` (bot/channels/teams.py); a bot without Telegram (the local
chat) gets ``NullBoard``, which reaches nobody and says so: its tasks wait in ``candor tasks list``.
"""

from __future__ import annotations

from typing import Protocol

from bot.policy.task_card import Button


class TeamBoard(Protocol):
    @property
    def reaches_teams(self) -> bool: ...

    async def post_card(self, chat_id: int, thread_id: int | None, text: str, buttons: list[list[Button]]) -> int:
        """Post a task's card; returns its message id (raises the channel's delivery errors)."""
        ...

    async def edit_card(self, chat_id: int, message_id: int, text: str, buttons: list[list[Button]]) -> None: ...

    async def post(self, chat_id: int, thread_id: int | None, text: str,
                   mention: tuple[int, str] | None = None) -> None:
        """A note for the team; ``mention`` (user id, name) makes that name notify the person (the lead)."""
        ...

    async def quote(self, chat_id: int, thread_id: int | None, header: str, text: str) -> None:
        """Someone else's words (the customer's answer), shown as a quote under ``header``."""
        ...

    def stop_waiting(self) -> None: ...


class NullBoard:
    @property
    def reaches_teams(self) -> bool:
        return False

    async def post_card(self, chat_id: int, thread_id: int | None, text: str, buttons: list[list[Button]]) -> int:
        raise RuntimeError("no Telegram: task cards cannot be posted (they wait in candor tasks list)")

    async def edit_card(self, chat_id: int, message_id: int, text: str, buttons: list[list[Button]]) -> None:
        return None

    async def post(self, chat_id: int, thread_id: int | None, text: str,
                   mention: tuple[int, str] | None = None) -> None:
        return None

    async def quote(self, chat_id: int, thread_id: int | None, header: str, text: str) -> None:
        return None

    def stop_waiting(self) -> None:
        return None
