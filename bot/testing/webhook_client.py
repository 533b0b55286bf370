"""Playing Telegram against a webhook worker on 127.0.0.1: a free port, and updates shaped as Telegram posts them."""

from __future__ import annotations

import socket
import time


def free_port() -> int:
    """A port on 127.0.0.1 nothing listens on right now, for a worker or server to take."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def text_update(update_id: int, chat_id: int, text: str) -> dict[str, object]:
    """A private-chat text message, shaped as Telegram posts it to a webhook."""
    user = {"id": chat_id, "is_bot": False, "first_name": "Alex"}
    return {"update_id": update_id, "message": {
        "message_id": update_id, "date": int(time.time()), "text": text, "from": user,
        "chat": {"id": chat_id, "type": "private", "first_name": "Alex"},
    }}
