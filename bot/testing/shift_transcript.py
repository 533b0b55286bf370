"""A shift as people lived it, from the fake Bot API's journal: what customers and agents sent and what the
bot showed each of them, in order, with times from the start of the shift.

Used by the end-to-end shift test to write the transcript the issue's note includes; reading it is the
quickest way to see whether the desk behaves as an agent and a customer would expect.
"""

from __future__ import annotations

from typing import Any

from bot.testing.fake_bot_api import JournalEntry

INDENT = "            "


def render_shift(journal: list[JournalEntry], customers: dict[int, str]) -> str:
    """``customers`` names the customers' private chats (chat id → a label such as "Alex (en)")."""
    if not journal:
        return ""
    start = journal[0].at
    lines = []
    places: dict[tuple[object, object], str] = {}
    """(chat id, message id) → where the bot posted it: edits and pins name only the message."""
    for entry in journal:
        said = _describe(entry, customers, places)
        if said:
            stamp = f"{entry.at - start:7.1f}s"
            head, *rest = said.splitlines() or [""]
            lines.append(f"{stamp}  {head}")
            lines.extend(f"{INDENT}{line}" for line in rest)
    return "\n".join(lines) + "\n"


def _describe(entry: JournalEntry, customers: dict[int, str], places: dict[tuple[object, object], str]) -> str:
    params = entry.params
    if entry.method == "update":
        return _update(params, customers)
    method = entry.method.lower()
    chat = _int(params.get("chat_id"))
    where = _place(chat, params.get("message_thread_id"), customers)
    sent = entry.result.get("result")
    if method in ("sendmessage", "copymessage") and isinstance(sent, dict):
        places[(chat, sent.get("message_id"))] = where
    where = places.get((chat, _int(params.get("message_id"))), where) if method not in ("sendmessage",
                                                                                        "copymessage") else where
    if method == "sendmessage":
        reply = _reply_note(params)
        return f"bot → {where}{reply}: {params.get('text', '')}{_buttons(params)}"
    if method == "copymessage":
        caption = params.get("caption")
        return f"bot → {where}: [copy of a photo/file/voice]" + (f" caption: {caption}" if caption else "")
    if method in ("editmessagetext", "editmessagecaption"):
        text = params.get("text", params.get("caption", ""))
        return f"bot edits its message {params.get('message_id')} in {where}: {text}{_buttons(params)}"
    if method == "pinchatmessage":
        return f"bot pins message {params.get('message_id')} in {where}"
    if method == "createforumtopic":
        return f"bot opens topic #{entry.result.get('result', {}).get('message_thread_id')} \"{params.get('name')}\""
    if method == "editforumtopic":
        return f"bot renames topic #{params.get('message_thread_id')} to \"{params.get('name')}\""
    if method == "answercallbackquery" and params.get("text"):
        return f"bot answers a tap: {params.get('text')}"
    if method == "setmessagereaction":
        return f"bot reacts to message {params.get('message_id')} in {where}: {params.get('reaction')}"
    return ""


def _update(update: dict[str, Any], customers: dict[int, str]) -> str:
    edited = "edited_message" in update
    message = update.get("message") or update.get("edited_message")
    if message is None:
        query = update.get("callback_query")
        if query is None:
            return ""
        return f"{query['from']['first_name']} taps a button: {query.get('data')}"
    chat = int(message["chat"]["id"])
    content = message.get("text") or message.get("caption") or ""
    kind = next((k for k in ("photo", "voice", "document", "video", "sticker") if k in message), "")
    shown = (f"[{kind}] " if kind else "") + content
    verb = "edits a message to" if edited else "writes"
    reply = message.get("reply_to_message")
    replying = f" (replying to {reply.get('message_id')})" if isinstance(reply, dict) else ""
    if message["chat"]["type"] == "private":
        return f"{customers.get(chat, f'customer {chat}')} {verb}{replying}: {shown}"
    thread = message.get("message_thread_id")
    place = f"topic #{thread}" if thread is not None and message.get("is_topic_message") else "General"
    return f"{message['from']['first_name']} in {place} {verb}{replying}: {shown}"


def _place(chat: int | None, thread: object, customers: dict[int, str]) -> str:
    if chat is not None and chat > 0:
        return customers.get(chat, f"customer {chat}")
    return f"topic #{thread}" if thread is not None else "General"


def _reply_note(params: dict[str, Any]) -> str:
    reply = params.get("reply_parameters") or params.get("reply_to_message_id")
    if isinstance(reply, str) and reply.startswith("{"):
        return f" (replying to {reply})"
    return f" (replying to {reply})" if reply else ""


def _buttons(params: dict[str, Any]) -> str:
    return " [with buttons]" if params.get("reply_markup") else ""


def _int(value: object) -> int | None:
    try:
        return int(str(value))
    except ValueError:
        return None
