"""Mentioning agents by name in the agents' group: a text_mention entity needs no @username, and notifies them."""

from __future__ import annotations

from telegram import MessageEntity, User

from bot.channels.delivery import utf16_length


def mention_entities(text: str, people: tuple[tuple[int, str], ...]) -> list[MessageEntity]:
    """One text_mention per person, on the first place their name appears in ``text`` (Telegram counts in UTF-16)."""
    entities = []
    for user_id, name in people:
        found = text.find(name) if name else -1
        if found < 0:
            continue
        entities.append(MessageEntity(MessageEntity.TEXT_MENTION, utf16_length(text[:found]), utf16_length(name),
                                      user=User(user_id, name, is_bot=False)))
    return sorted(entities, key=lambda entity: entity.offset)
