"""A local fake of the Telegram Bot API, served over HTTP on 127.0.0.1.

The real python-telegram-bot client talks to it through ``TELEGRAM_API_BASE_URL``. Tests
play the customer (``customer_sends_text`` and friends put updates in the queue that
``getUpdates`` long-polls) and read what the bot sent (``wait_for_messages``).
"""

from __future__ import annotations

import asyncio
import itertools
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl

BOT_USER = {
    "id": 123456,
    "is_bot": True,
    "first_name": "Candor",
    "username": "candor_test_bot",
    "can_join_groups": True,
    "can_read_all_group_messages": False,
    "supports_inline_queries": False,
}
RAW_STRING_FIELDS = frozenset({"text", "caption", "callback_query_id", "action", "parse_mode", "name"})
AGENTS_GROUP_ID = -100777
AGENTS_GROUP: dict[str, Any] = {"id": AGENTS_GROUP_ID, "type": "supergroup", "title": "Support agents", "is_forum": True}
BOT_ADMIN = {"status": "administrator", "can_manage_topics": True, "can_delete_messages": True, "can_pin_messages": True}
"""The bot's rights in the agents' group, as getChatMember gives them (the fields the bot reads)."""


@dataclass
class SentMessage:
    chat_id: int
    text: str
    message_id: int
    params: dict[str, Any] = field(default_factory=dict)
    received_at: float = 0.0
    """``time.monotonic()`` when the sendMessage call arrived: a benchmark's end of a reply's latency."""


@dataclass(frozen=True)
class JournalEntry:
    """One update a person sent (``method`` "update") or one Bot API call a person would see, as it happened."""

    at: float
    method: str
    params: dict[str, Any]
    """The update itself for "update"; the call's parameters otherwise."""
    result: dict[str, Any]


SEEN_BY_PEOPLE = frozenset({"sendmessage", "copymessage", "editmessagetext", "editmessagecaption", "pinchatmessage",
                            "createforumtopic", "editforumtopic", "answercallbackquery", "sendphoto", "senddocument",
                            "sendvoice", "setmessagereaction"})


@dataclass(frozen=True)
class ApiCall:
    """One authorised Bot API call as it arrived: a benchmark counts calls per second from these."""

    method: str
    chat_id: object
    received_at: float
    """``time.monotonic()`` on arrival."""


class FakeBotApi:
    """Thread-safe state of the fake server plus the helpers tests use to drive it."""

    def __init__(self, token: str = "123456:TEST") -> None:
        self.token = token
        self._lock = threading.Condition()
        self._updates: list[dict[str, Any]] = []
        self._update_ids = itertools.count(1)
        self._message_ids = itertools.count(1000)
        self.sent: list[SentMessage] = []
        self._sent_by_chat: dict[int, list[SentMessage]] = {}
        self.calls: list[str] = []
        self.timeline: list[ApiCall] = []
        self.on_send: Callable[[SentMessage], None] | None = None
        """Called on the server's thread with each message once it counts as sent: a benchmark's customers
        wake on it instead of polling."""
        self.chat_actions: list[tuple[int, str]] = []
        self.callback_answers: list[str] = []
        self.callback_texts: dict[str, str] = {}
        """callback_query_id → the short answer shown to the person who tapped."""
        self.edits: list[dict[str, Any]] = []
        self.rejected_tokens: list[str] = []
        self.topics: list[tuple[int, int, str]] = []
        """(chat id, message_thread_id, name) of every forum topic the bot opened."""
        self.deleted_topics: list[int] = []
        """message_thread_id of every forum topic the bot deleted."""
        self.renamed_topics: list[tuple[int, str]] = []
        """(message_thread_id, new name) of every forum topic the bot renamed."""
        self._undeletable_topics: set[int] = set()
        self.copies: list[dict[str, Any]] = []
        """Every copyMessage as called (caption and reply_parameters included; ``message_id`` is the original's), with the
        new copy's id as ``copy_id``."""
        self.never_started: set[int] = set()
        self.too_old_to_edit: set[int] = set()
        """Chats whose messages can no longer be edited (Telegram refuses edits after 48 hours)."""
        """People who never opened a private chat with the bot: sending to them is refused with 403."""
        self.pinned: list[tuple[int, int]] = []
        """(chat id, message id) of every message the bot pinned."""
        self._thread_ids = itertools.count(500)
        self.blocked_by: set[int] = set()
        """Customers who blocked the bot: sending to them is refused with 403."""
        self._flood_left = 0
        self._flood_retry_after = 1
        self.flood_refusals = 0
        """How many sendMessage calls were answered 429 Too Many Requests."""
        self._holding_sends = False
        self._hold_round = 0
        self.held_sends = 0
        """sendMessage calls waiting at the door while sends are held (see ``hold_sends``)."""
        self.chats: dict[int, dict[str, Any]] = {AGENTS_GROUP_ID: dict(AGENTS_GROUP)}
        """What getChat answers, by chat id: the agents' group, a forum; a chat not here is "chat not found"."""
        self.bot_rights: dict[int, dict[str, Any]] = {AGENTS_GROUP_ID: dict(BOT_ADMIN)}
        """What getChatMember answers for the bot itself, by chat id; a chat not here finds it a plain member."""
        self.journal: list[JournalEntry] = []
        """Everything people did and everything the bot did that people see, in order: a shift's transcript."""
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle --------------------------------------------------------------------
    def start(self) -> FakeBotApi:
        api = self

        class Handler(_Handler):
            fake = api

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, name="fake-bot-api", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            with self._lock:
                self._lock.notify_all()
            self._server.shutdown()
            self._server.server_close()

    @property
    def base_url(self) -> str:
        assert self._server is not None
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    # -- the customer's side ------------------------------------------------------------
    def customer_sends_text(self, chat_id: int, text: str, first_name: str = "Alex", reply_to: int | None = None) -> int:
        """``reply_to``: the id of a message in the customer's chat this one replies to (Telegram's reply)."""
        message = self._customer_text(chat_id, text, first_name, reply_to)
        if text.startswith("/"):
            command = text.split()[0] if text.split() else text
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
        return self.push({"message": message})

    def customer_sends_sticker(self, chat_id: int, emoji: str = "👍") -> int:
        message = self._message(chat_id)
        message["sticker"] = {
            "file_id": "sticker-1", "file_unique_id": "s1", "type": "regular", "width": 512, "height": 512,
            "is_animated": False, "is_video": False, "emoji": emoji,
        }
        return self.push({"message": message})

    def customer_sends_photo(self, chat_id: int, caption: str | None = None) -> int:
        message = self._message(chat_id)
        message["photo"] = [{"file_id": "photo-1", "file_unique_id": "p1", "width": 640, "height": 480}]
        if caption is not None:
            message["caption"] = caption
        return self.push({"message": message})

    def customer_sends_voice(self, chat_id: int, caption: str | None = None, first_name: str = "Alex") -> int:
        message = self._message(chat_id, first_name)
        message["voice"] = {"file_id": "voice-1", "file_unique_id": "v1", "duration": 4}
        if caption is not None:
            message["caption"] = caption
        return self.push({"message": message})

    def customer_sends_document(self, chat_id: int, caption: str | None = None, first_name: str = "Alex") -> int:
        message = self._message(chat_id, first_name)
        message["document"] = {"file_id": "doc-1", "file_unique_id": "d1", "file_name": "receipt.pdf"}
        if caption is not None:
            message["caption"] = caption
        return self.push({"message": message})

    def customer_shares_contact(self, chat_id: int, phone: str, own: bool = True) -> int:
        """Telegram's "share my phone number" button (request_contact): the customer's own contact, or (``own``
        False) a contact card of someone else, which carries another user's id."""
        message = self._message(chat_id)
        message["contact"] = {"phone_number": phone, "first_name": "Alex",
                              "user_id": chat_id if own else chat_id + 1}
        return self.push({"message": message})

    def customer_edits(self, chat_id: int, message_id: int, text: str) -> int:
        message = self._message(chat_id)
        message.update({"message_id": message_id, "text": text, "edit_date": int(time.time())})
        return self.push({"edited_message": message})

    def customer_presses_button(self, chat_id: int, data: str) -> int:
        user = {"id": chat_id, "is_bot": False, "first_name": "Alex"}
        bot_message = {
            "message_id": next(self._message_ids), "date": int(time.time()),
            "chat": {"id": chat_id, "type": "private", "first_name": "Alex"}, "from": BOT_USER, "text": "earlier",
        }
        query = {"id": f"cb{chat_id}", "from": user, "chat_instance": "ci", "data": data, "message": bot_message}
        return self.push({"callback_query": query})

    def refuse_sends_with_flood_control(self, count: int, retry_after: int = 1) -> None:
        """Answer the next ``count`` sendMessage calls with 429 and retry_after, as Telegram does under load."""
        with self._lock:
            self._flood_left, self._flood_retry_after = count, retry_after

    # -- the agents' side: a forum supergroup ------------------------------------------------
    def agent_sends_text(self, thread_id: int | None, user_id: int, text: str, first_name: str = "Marta",
                         reply_to: int | None = None) -> int:
        """``reply_to``: the id of a message in the topic this one replies to."""
        message = self._agent_text(thread_id, user_id, text, first_name, reply_to)
        if text.startswith("/"):
            command = text.split()[0]
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
        return self.push({"message": message})

    def agent_sends_photo(self, thread_id: int, user_id: int, caption: str | None = None,
                          first_name: str = "Marta") -> int:
        return self._agent_sends_media(thread_id, user_id, first_name, caption, "photo",
                                       [{"file_id": "agent-photo", "file_unique_id": "ap1", "width": 640, "height": 480}])

    def agent_sends_voice(self, thread_id: int, user_id: int, caption: str | None = None,
                          first_name: str = "Marta") -> int:
        return self._agent_sends_media(thread_id, user_id, first_name, caption, "voice",
                                       {"file_id": "agent-voice", "file_unique_id": "av1", "duration": 7})

    def agent_sends_document(self, thread_id: int, user_id: int, caption: str | None = None,
                             first_name: str = "Marta") -> int:
        return self._agent_sends_media(thread_id, user_id, first_name, caption, "document",
                                       {"file_id": "agent-doc", "file_unique_id": "ad1", "file_name": "label.pdf"})

    def agent_edits_caption(self, thread_id: int, user_id: int, message_id: int, caption: str,
                            first_name: str = "Marta") -> int:
        message = self._group_message(thread_id, user_id, first_name)
        message.update({"message_id": message_id, "caption": caption, "edit_date": int(time.time()),
                        "photo": [{"file_id": "agent-photo", "file_unique_id": "ap1", "width": 640, "height": 480}]})
        return self.push({"edited_message": message})

    def _agent_sends_media(self, thread_id: int, user_id: int, first_name: str, caption: str | None, kind: str,
                           media: object) -> int:
        message = self._group_message(thread_id, user_id, first_name)
        message[kind] = media
        if caption is not None:
            message["caption"] = caption
        self.push({"message": message})
        return int(message["message_id"])

    def agent_sends_text_for_id(self, thread_id: int | None, user_id: int, text: str, first_name: str = "Marta",
                                reply_to: int | None = None) -> int:
        """Like ``agent_sends_text``, but returns the agent's message id (to edit it or reply to it later)."""
        message = self._agent_text(thread_id, user_id, text, first_name, reply_to)
        self.push({"message": message})
        return int(message["message_id"])

    def _agent_text(self, thread_id: int | None, user_id: int, text: str, first_name: str,
                    reply_to: int | None) -> dict[str, Any]:
        message = self._group_message(thread_id, user_id, first_name, reply_to)
        message["text"] = text
        return message

    def customer_sends_text_for_id(self, chat_id: int, text: str, first_name: str = "Alex",
                                   reply_to: int | None = None) -> int:
        """Like ``customer_sends_text`` (no commands), but returns the customer's message id."""
        message = self._customer_text(chat_id, text, first_name, reply_to)
        self.push({"message": message})
        return int(message["message_id"])

    def _customer_text(self, chat_id: int, text: str, first_name: str, reply_to: int | None) -> dict[str, Any]:
        message = self._message(chat_id, first_name)
        message["text"] = text
        if reply_to is not None:
            message["reply_to_message"] = self._replied(message["chat"], reply_to)
        return message

    def refuse_private_chat(self, user_id: int) -> None:
        """This person never started the bot: a private message to them is refused, as Telegram does."""
        with self._lock:
            self.never_started.add(user_id)

    # -- a team's chat: a forum topic of a group (or a group of its own) ----------------------
    def member_taps(self, chat_id: int, message_id: int, user_id: int, data: str, thread_id: int | None = None,
                    first_name: str = "Anna") -> str:
        """A person taps a button on the bot's message (a task card) in a group; returns the callback query id."""
        card = {"message_id": message_id, "date": int(time.time()), "from": BOT_USER, "text": "card",
                "chat": {"id": chat_id, "type": "supergroup", "title": "Team", "is_forum": thread_id is not None}}
        if thread_id is not None:
            card.update({"message_thread_id": thread_id, "is_topic_message": True})
        query_id = f"tap{next(self._message_ids)}"
        user = {"id": user_id, "is_bot": False, "first_name": first_name}
        self.push({"callback_query": {"id": query_id, "from": user, "chat_instance": f"ci{chat_id}", "data": data,
                                      "message": card}})
        return query_id

    def member_sends_text(self, chat_id: int, user_id: int, text: str, thread_id: int | None = None,
                          first_name: str = "Anna") -> int:
        message: dict[str, Any] = {
            "message_id": next(self._message_ids), "date": int(time.time()),
            "chat": {"id": chat_id, "type": "supergroup", "title": "Team", "is_forum": thread_id is not None},
            "from": {"id": user_id, "is_bot": False, "first_name": first_name}, "text": text,
        }
        if thread_id is not None:
            message.update({"message_thread_id": thread_id, "is_topic_message": True})
        return self.push({"message": message})

    async def wait_for_answer(self, query_id: str, timeout: float = 30.0) -> str:
        """The short answer the bot gave to a tap."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                if query_id in self.callback_texts:
                    return self.callback_texts[query_id]
            await asyncio.sleep(0.05)
        raise AssertionError(f"no answer to tap {query_id} within {timeout} s")

    def refuse_to_delete_topic(self, thread_id: int) -> None:
        """Answer deleteForumTopic for this topic with 400, as Telegram does when the bot may not delete messages."""
        with self._lock:
            self._undeletable_topics.add(thread_id)

    def _group_message(self, thread_id: int | None, user_id: int, first_name: str,
                       reply_to: int | None = None) -> dict[str, Any]:
        """As Telegram sends it: a topic message that replies to nothing still carries the topic's first
        (service) message as its reply_to_message."""
        message: dict[str, Any] = {
            "message_id": next(self._message_ids), "date": int(time.time()), "chat": dict(AGENTS_GROUP),
            "from": {"id": user_id, "is_bot": False, "first_name": first_name},
        }
        if thread_id is not None:
            message.update({"message_thread_id": thread_id, "is_topic_message": True})
            message["reply_to_message"] = self._replied(message["chat"], thread_id if reply_to is None else reply_to)
            if reply_to is None:
                message["reply_to_message"]["forum_topic_created"] = {"name": "topic", "icon_color": 7322096}
        elif reply_to is not None:
            message["reply_to_message"] = self._replied(message["chat"], reply_to)
        return message

    def _replied(self, chat: dict[str, Any], message_id: int) -> dict[str, Any]:
        return {"message_id": message_id, "date": int(time.time()), "chat": dict(chat), "from": BOT_USER}

    def agent_edits_text(self, thread_id: int, user_id: int, message_id: int, text: str,
                         first_name: str = "Marta") -> int:
        message = self._group_message(thread_id, user_id, first_name)
        message.update({"message_id": message_id, "text": text, "edit_date": int(time.time())})
        return self.push({"edited_message": message})

    def delete_topic(self, thread_id: int) -> None:
        """An admin deletes a customer's topic in the agents' group: posting there is refused from now on."""
        with self._lock:
            self.deleted_topics.append(thread_id)

    def customer_blocks_bot(self, chat_id: int) -> None:
        with self._lock:
            self.blocked_by.add(chat_id)

    def messages_in_topic(self, thread_id: int) -> list[SentMessage]:
        with self._lock:
            return [m for m in self.sent if m.chat_id == AGENTS_GROUP["id"] and m.params.get("message_thread_id") == thread_id]

    async def wait_in_topic(self, thread_id: int, count: int, timeout: float = 30.0) -> list[SentMessage]:
        return await _wait_for(lambda: self.messages_in_topic(thread_id), count, timeout, f"topic {thread_id}")

    def messages_in_general(self) -> list[SentMessage]:
        """What the bot posted in the agents' group outside every topic: its General topic."""
        with self._lock:
            return [m for m in self.sent if m.chat_id == AGENTS_GROUP["id"] and "message_thread_id" not in m.params]

    def admin_deletes_message(self, chat_id: int, message_id: int) -> None:
        """A person deletes one of the bot's messages: editing it is refused from now on, as in Telegram."""
        with self._lock:
            self.sent = [m for m in self.sent if not (m.chat_id == chat_id and m.message_id == message_id)]
            kept = self._sent_by_chat.get(chat_id, [])
            self._sent_by_chat[chat_id] = [m for m in kept if m.message_id != message_id]

    def push(self, update: dict[str, Any]) -> int:
        with self._lock:
            update_id = next(self._update_ids)
            self._updates.append({"update_id": update_id, **update})
            self.journal.append(JournalEntry(time.monotonic(), "update", update, {}))
            self._lock.notify_all()
        return update_id

    def _message(self, chat_id: int, first_name: str = "Alex") -> dict[str, Any]:
        return {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": {"id": chat_id, "type": "private", "first_name": first_name},
            "from": {"id": chat_id, "is_bot": False, "first_name": first_name, "language_code": "en"},
        }

    # -- what the bot did ----------------------------------------------------------------
    def messages_to(self, chat_id: int) -> list[SentMessage]:
        with self._lock:
            return list(self._sent_by_chat.get(chat_id, ()))

    async def wait_for_messages(self, chat_id: int, count: int, timeout: float = 30.0) -> list[SentMessage]:
        return await _wait_for(lambda: self.messages_to(chat_id), count, timeout, f"chat {chat_id}")

    # -- Bot API methods -------------------------------------------------------------------
    def call(self, token: str, method: str, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        if token != self.token:
            self.rejected_tokens.append(token)
            return 401, {"ok": False, "error_code": 401, "description": "Unauthorized"}
        self.calls.append(method)
        self.timeline.append(ApiCall(method, params.get("chat_id"), time.monotonic()))
        name = method.lower()
        if name == "getme":
            return _ok(BOT_USER)
        if name == "getupdates":
            return _ok(self._get_updates(int(params.get("offset", 0) or 0), float(params.get("timeout", 0) or 0)))
        if name == "getchat":
            chat = self.chats.get(int(params["chat_id"]))
            if chat is None:
                raise _BadRequest("chat not found")
            return _ok({**chat, "accent_color_id": 0, "max_reaction_count": 11})
        if name == "getchatmember":
            rights = self.bot_rights.get(int(params["chat_id"]), {"status": "member"})
            return _ok({"user": BOT_USER, **rights})
        if name in ("deletewebhook", "setmycommands", "close", "logout"):
            return _ok(True)
        if name == "sendchataction":
            with self._lock:
                self.chat_actions.append((int(params["chat_id"]), str(params.get("action"))))
            return _ok(True)
        if name == "answercallbackquery":
            with self._lock:
                self.callback_answers.append(str(params.get("callback_query_id")))
                self.callback_texts[str(params.get("callback_query_id"))] = str(params.get("text") or "")
                self._lock.notify_all()
            return _ok(True)
        if name in ("editmessagetext", "editmessagecaption") and int(params["chat_id"]) in self.too_old_to_edit:
            raise _BadRequest("message can't be edited")
        if name == "editmessagetext":
            return _ok(self._edit_message(params))
        if name == "editmessagecaption":
            return _ok(self._edit_caption(params))
        if name == "sendmessage":
            self._wait_while_sends_are_held()
            with self._lock:
                if self._flood_left > 0:
                    self._flood_left -= 1
                    self.flood_refusals += 1
                    return 429, {"ok": False, "error_code": 429, "description": "Too Many Requests: retry later",
                                 "parameters": {"retry_after": self._flood_retry_after}}
            return _ok(self._send_message(params))
        if name == "createforumtopic":
            topic_name = str(params.get("name", ""))
            if not 1 <= len(topic_name) <= 128:
                raise _BadRequest("Bad Request: TOPIC_NAME_INVALID")
            with self._lock:
                thread_id = next(self._thread_ids)
                self.topics.append((int(params["chat_id"]), thread_id, topic_name))
            return _ok({"message_thread_id": thread_id, "name": topic_name, "icon_color": 7322096})
        if name == "pinchatmessage":
            with self._lock:
                self.pinned.append((int(params["chat_id"]), int(params["message_id"])))
                self._lock.notify_all()
            return _ok(True)
        if name in ("deleteforumtopic", "editforumtopic"):
            return _ok(self._change_topic(name, int(params["message_thread_id"]), params.get("name")))
        if name == "copymessage":
            self._refuse_if_unreachable(params)
            with self._lock:
                message_id = next(self._message_ids)
                self.copies.append({**params, "copy_id": message_id})
                self._lock.notify_all()
            return _ok({"message_id": message_id})
        return 404, {"ok": False, "error_code": 404, "description": "Not Found: method not found"}

    def hold_sends(self) -> None:
        """Make sendMessage calls wait before they count as sent: replies in flight, for a crash test."""
        with self._lock:
            self._holding_sends = True

    def drop_held_sends(self) -> None:
        """Close the waiting calls' connections unanswered, as if they never reached Telegram."""
        with self._lock:
            self._holding_sends = False
            self._hold_round += 1
            self._lock.notify_all()

    def _wait_while_sends_are_held(self) -> None:
        with self._lock:
            if not self._holding_sends:
                return
            round_ = self._hold_round
            self.held_sends += 1
            self._lock.notify_all()
            while self._holding_sends and self._hold_round == round_:
                self._lock.wait()
            self.held_sends -= 1
            if self._hold_round != round_:
                raise _DroppedConnection

    def _get_updates(self, offset: int, timeout: float) -> list[dict[str, Any]]:
        deadline = time.monotonic() + min(timeout, 5.0)
        with self._lock:
            if offset:
                self._updates = [u for u in self._updates if u["update_id"] >= offset]
            while not self._updates and time.monotonic() < deadline:
                self._lock.wait(timeout=max(0.0, deadline - time.monotonic()))
            return list(self._updates[:100])

    def _refuse_if_unreachable(self, params: dict[str, Any]) -> None:
        with self._lock:
            if int(params["chat_id"]) in self.blocked_by:
                raise _Forbidden("Forbidden: bot was blocked by the user")
            if int(params["chat_id"]) in self.never_started:
                raise _Forbidden("Forbidden: bot can't initiate conversation with a user")
            if params.get("message_thread_id") in self.deleted_topics:
                raise _BadRequest("message thread not found")

    def _change_topic(self, method: str, thread_id: int, new_name: object) -> bool:
        with self._lock:
            if thread_id not in {t for _, t, _ in self.topics} or thread_id in self.deleted_topics:
                raise _BadRequest("message thread not found")
            if method == "editforumtopic":
                self.renamed_topics.append((thread_id, str(new_name)))
            elif thread_id in self._undeletable_topics:
                raise _BadRequest("not enough rights to delete a topic")
            else:
                self.deleted_topics.append(thread_id)
            self._lock.notify_all()
        return True

    def _edit_message(self, params: dict[str, Any]) -> dict[str, Any]:
        chat_id, message_id, text = int(params["chat_id"]), int(params["message_id"]), str(params["text"])
        with self._lock:
            found = next((m for m in self.sent if m.chat_id == chat_id and m.message_id == message_id), None)
            if found is None:
                raise _BadRequest("message to edit not found")
            if found.text == text and found.params.get("reply_markup") == params.get("reply_markup"):
                raise _BadRequest("message is not modified")
            found.text = text
            found.params.update({k: v for k, v in params.items() if k != "message_id"})
            if "reply_markup" not in params:
                found.params.pop("reply_markup", None)
            self.edits.append(dict(params))
            self._lock.notify_all()
        return {"message_id": message_id, "date": int(time.time()), "text": text, "from": BOT_USER,
                "chat": {"id": chat_id, "type": "supergroup"}}

    def _edit_caption(self, params: dict[str, Any]) -> dict[str, Any]:
        chat_id, message_id = int(params["chat_id"]), int(params["message_id"])
        with self._lock:
            found = next((c for c in self.copies if int(c["chat_id"]) == chat_id and c["copy_id"] == message_id),
                         None)
            if found is None:
                raise _BadRequest("message to edit not found")
            if found.get("caption") == params.get("caption"):
                raise _BadRequest("message is not modified")
            found["caption"] = params.get("caption")
            self.edits.append(dict(params))
            self._lock.notify_all()
        return {"message_id": message_id, "date": int(time.time()), "from": BOT_USER,
                "chat": {"id": chat_id, "type": "private" if chat_id > 0 else "supergroup"}}

    def copies_to(self, chat_id: int) -> list[dict[str, Any]]:
        with self._lock:
            return [dict(c) for c in self.copies if int(c["chat_id"]) == chat_id]

    def calls_to(self, chat_id: int) -> list[ApiCall]:
        """Every call the bot made about this chat (sends, copies, edits, actions): what could reach the person."""
        with self._lock:
            return [call for call in self.timeline if str(call.chat_id) == str(chat_id)]

    def _send_message(self, params: dict[str, Any]) -> dict[str, Any]:
        self._refuse_if_unreachable(params)
        chat_id, text = int(params["chat_id"]), str(params["text"])
        if not text.strip():
            raise _BadRequest("message text is empty")
        if len(text.encode("utf-16-le")) // 2 > 4096:
            raise _BadRequest("message is too long")
        with self._lock:
            message_id = next(self._message_ids)
            message = SentMessage(chat_id, text, message_id, dict(params), time.monotonic())
            self.sent.append(message)
            self._sent_by_chat.setdefault(chat_id, []).append(message)
            self._lock.notify_all()
        if self.on_send is not None:
            self.on_send(message)
        return {
            "message_id": message_id, "date": int(time.time()), "text": text, "from": BOT_USER,
            "chat": {"id": chat_id, "type": "private" if chat_id > 0 else "supergroup"},
        }


async def _wait_for(
    read: Callable[[], list[SentMessage]], count: int, timeout: float, where: str
) -> list[SentMessage]:
    """Poll until ``read`` returns at least ``count`` messages, or fail saying what did arrive."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = read()
        if len(found) >= count:
            return found
        await asyncio.sleep(0.02)
    found = read()
    raise AssertionError(f"expected {count} messages in {where} within {timeout}s, got {len(found)}: "
                         f"{[m.text[:80] for m in found]}")


class _DroppedConnection(Exception):
    """The call is dropped without an answer (see ``FakeBotApi.drop_held_sends``)."""


class _BadRequest(Exception):
    pass


class _Forbidden(Exception):
    pass


def _ok(result: Any) -> tuple[int, dict[str, Any]]:
    return 200, {"ok": True, "result": result}


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    """Headers and body go out in two writes; with Nagle on, the client's delayed ACK holds the
    body back about 40 ms, a stall real Telegram does not have (and ``candor bench e2e`` would measure)."""
    fake: FakeBotApi

    def do_POST(self) -> None:
        self._handle(self.rfile.read(int(self.headers.get("Content-Length") or 0)))

    def do_GET(self) -> None:
        self._handle(b"")

    def _handle(self, body: bytes) -> None:
        path, _, query = self.path.partition("?")
        parts = path.strip("/").split("/")
        if len(parts) != 2 or not parts[0].startswith("bot"):
            self._reply(404, {"ok": False, "error_code": 404, "description": "Not Found"})
            return
        params = _parse_params(self.headers.get("Content-Type", ""), body, query)
        try:
            status, payload = self.fake.call(parts[0][3:], parts[1], params)
            if status == 200 and parts[1].lower() in SEEN_BY_PEOPLE:
                with self.fake._lock:
                    self.fake.journal.append(JournalEntry(time.monotonic(), parts[1], params, payload))
        except _DroppedConnection:
            self.close_connection = True
            return
        except _Forbidden as error:
            status, payload = 403, {"ok": False, "error_code": 403, "description": str(error)}
        except (_BadRequest, KeyError, ValueError) as error:
            status, payload = 400, {"ok": False, "error_code": 400, "description": f"Bad Request: {error}"}
        self._reply(status, payload)

    def _reply(self, status: int, payload: dict[str, Any]) -> None:
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        try:
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True  # the client gave up on a long poll while shutting down

    def log_message(self, format: str, *args: Any) -> None:
        return


def _parse_params(content_type: str, body: bytes, query: str) -> dict[str, Any]:
    raw: dict[str, Any] = dict(parse_qsl(query))
    if body and content_type.startswith("application/json"):
        raw.update(json.loads(body))
        return raw
    if body:
        raw.update(parse_qsl(body.decode("utf-8"), keep_blank_values=True))
    parsed: dict[str, Any] = {}
    for key, value in raw.items():
        if key in RAW_STRING_FIELDS or not isinstance(value, str):
            parsed[key] = value
            continue
        try:
            parsed[key] = json.loads(value)
        except ValueError:
            parsed[key] = value
    return parsed
