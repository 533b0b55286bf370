"""Scripted conversations with expectations: how trainers check that whole conversations go right.

A script is a customer's turns, each with what the bot must (or must not) do in reply. Scripts
run through the real service (the same decisions, storage and wording as a live bot) against a
throwaway database, at a fixed time so promised times are the same on every run.

    - name: late parcel, then thanks
      language: en                # the language every reply must be in (optional)
      at: 2026-11-30T10:00:00Z    # the shop's clock for the whole conversation (optional)
      turns:
        - customer: "Where is my order #48213? It's a week late"
          expect: {move: answer, contains: ["48213"], handoff: false}
        - customer: "thanks, that's all"
          expect: {move: close}

``expect`` may hold: ``move`` (one move or a list of allowed ones), ``handoff`` (true/false),
``slots`` (details the case must hold after the turn, ``{order_ref: "48213"}``; ``null`` for one
it must not hold), ``topic`` (the case's topic after the turn, or ``null``),
``quiet`` (true: no reply at all), ``contains`` and ``not_contains`` (texts, case-insensitive),
``language``. A script marked ``known_gap: "why"`` is reported apart and does not fail the run:
it records a conversation the bot does not handle yet.

A script with ``shop: demo`` runs with order lookups in the built-in demo shop (bot/shop/demo_data.py,
its orders built from the script's clock), so "where is my order #50001?" is answered from its facts;
a turn ``shares_phone: "+447700900123"`` is the customer tapping Telegram's "share my phone number".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from bot.policy.assignment import parse_shift
from bot.policy.escalation import EscalationRules, load_rules
from bot.policy.model import Case, CustomerTurn, Move, Reply, TurnKind
from bot.service.customer import CustomerRef
from bot.service.lookups import OrderLookups
from bot.service.support import SupportService
from bot.shop.demo import DemoShop
from bot.storage.conversations import ConversationRepository
from bot.storage.database import Database, upgrade_schema_async
from knowledge import KnowledgePack
from knowledge.retrieval import TopicIndex
from nlu.errors import CandorError
from nlu.language import SUPPORTED_LANGUAGES
from nlu.runtime import EmotionAnalyzer

DEFAULT_AT = dt.datetime(2026, 11, 30, 10, 0, tzinfo=dt.UTC)
"""A Monday morning: inside every default working hour, so a script's promised times are ordinary ones."""
CHANNEL = "script"
DEFAULT_SCRIPTS_DIR = Path("tests/conversations")
"""Where ``candor test conversations`` and the console look for scripts unless told otherwise."""
_EXPECT_KEYS = frozenset({"move", "handoff", "quiet", "contains", "not_contains", "language", "slots", "topic"})
_ANY_TOPIC = "(any)"


class ScriptError(CandorError):
    """A conversation script cannot be read; the message names the file, the script and the field."""


@dataclass(frozen=True)
class Expectation:
    moves: frozenset[Move] = frozenset()
    handoff: bool | None = None
    quiet: bool | None = None
    contains: tuple[str, ...] = ()
    not_contains: tuple[str, ...] = ()
    language: str | None = None
    slots: tuple[tuple[str, str | None], ...] = ()
    topic: str | None = _ANY_TOPIC


@dataclass(frozen=True)
class ScriptTurn:
    customer: str
    expect: Expectation
    photo: bool = False
    """The customer sends a photo instead of text (``photo: true``)."""
    shared_phone: str = ""
    """The customer shares their own phone number with Telegram's button (``shares_phone: "+44…"``)."""

    @property
    def as_turn(self) -> CustomerTurn:
        if self.photo:
            return CustomerTurn(TurnKind.NON_TEXT, content_type="photo")
        if self.shared_phone:
            return CustomerTurn(TurnKind.SHARED_CONTACT, text=self.shared_phone)
        return CustomerTurn(TurnKind.TEXT, text=self.customer)


@dataclass(frozen=True)
class Script:
    name: str
    source: str
    turns: tuple[ScriptTurn, ...]
    at: dt.datetime = DEFAULT_AT
    known_gap: str = ""
    shop: str | None = None
    """"demo": the conversation runs with order lookups in the built-in demo shop."""


@dataclass(frozen=True)
class TurnResult:
    customer: str
    reply: Reply | None
    language: str
    problems: tuple[str, ...]
    case: Case | None = None


@dataclass(frozen=True)
class ScriptResult:
    script: Script
    turns: tuple[TurnResult, ...] = field(default_factory=tuple)

    @property
    def passed(self) -> bool:
        return all(not turn.problems for turn in self.turns)

    def transcript(self) -> str:
        """Every turn with the bot's words, and under a failing turn what was expected."""
        lines = [self.script.source]
        for turn in self.turns:
            lines.append(f"  customer: {turn.customer}")
            said = f"[{turn.reply.move.value}, {turn.language}] {turn.reply.text}" if turn.reply else "(no reply)"
            lines.append(f"  bot:      {said}")
            if turn.case is not None:
                lines.append(f"  case:     {turn.case.describe()}")
            lines.extend(f"    ✗ {problem}" for problem in turn.problems)
        return "\n".join(lines)


def load_scripts(paths: Iterable[Path]) -> list[Script]:
    scripts: list[Script] = []
    for path in paths:
        try:
            document = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
            raise ScriptError(f"{path}: cannot be read as YAML ({error})") from None
        if not isinstance(document, list):
            raise ScriptError(f"{path}: expected a list of conversations, each with a name and turns")
        scripts.extend(_script(entry, f"{path}#{number}") for number, entry in enumerate(document, start=1))
    names = [script.name for script in scripts]
    if duplicated := sorted({name for name in names if names.count(name) > 1}):
        where = "; ".join(script.source for script in scripts if script.name in duplicated)
        raise ScriptError(f"conversation names must be unique; used twice: {', '.join(duplicated)} ({where})")
    return scripts


def _script(entry: Any, where: str) -> Script:
    if not isinstance(entry, dict) or not isinstance(entry.get("name"), str) or not entry["name"].strip():
        raise ScriptError(f"{where}: each conversation needs a name")
    where = f"{where} ({entry['name']})"
    turns = entry.get("turns")
    if not isinstance(turns, list) or not turns:
        raise ScriptError(f"{where}: 'turns' must list the customer's messages")
    language = entry.get("language")
    if language is not None and language not in SUPPORTED_LANGUAGES:
        raise ScriptError(f"{where}: language must be one of {', '.join(SUPPORTED_LANGUAGES)}")
    at = entry.get("at", DEFAULT_AT)
    if isinstance(at, str):
        try:
            at = dt.datetime.fromisoformat(at)
        except ValueError:
            raise ScriptError(f"{where}: 'at' must be a time such as 2026-11-30T10:00:00Z") from None
    if not isinstance(at, dt.datetime) or at.tzinfo is None:
        raise ScriptError(f"{where}: 'at' must be a time with its offset, such as 2026-11-30T10:00:00Z")
    shop = entry.get("shop")
    if shop not in (None, "demo"):
        raise ScriptError(f"{where}: 'shop' can only be demo (the built-in demo shop) or left out")
    return Script(entry["name"].strip(), where, tuple(_turn(turn, f"{where} turn {n}", language)
                                                      for n, turn in enumerate(turns, start=1)),
                  at, str(entry.get("known_gap") or ""), shop)


def _turn(entry: Any, where: str, language: str | None) -> ScriptTurn:
    if isinstance(entry, dict) and entry.get("photo") is True and "customer" not in entry:
        entry = {**entry, "customer": "[photo]"}
    phone = entry.get("shares_phone") if isinstance(entry, dict) else None
    if phone is not None and (not isinstance(phone, str) or not phone.startswith("+")
                              or not phone[1:].isdigit() or not 8 <= len(phone) <= 16):
        raise ScriptError(f"{where}: 'shares_phone' must be a phone number in E.164 form, like \"+447700900123\"")
    if isinstance(entry, dict) and phone and "customer" not in entry:
        entry = {**entry, "customer": f"[shares phone {phone}]"}
    if not isinstance(entry, dict) or not isinstance(entry.get("customer"), str):
        raise ScriptError(f"{where}: each turn needs 'customer: <what the customer writes>' (or 'photo: true', "
                          "or 'shares_phone: \"+44…\"')")
    expect = entry.get("expect") or {}
    if not isinstance(expect, dict) or (unknown := set(expect) - _EXPECT_KEYS):
        raise ScriptError(f"{where}: 'expect' takes {', '.join(sorted(_EXPECT_KEYS))}"
                          + (f"; unknown: {', '.join(sorted(map(str, unknown)))}" if isinstance(expect, dict) else ""))
    moves = expect.get("move", [])
    moves = [moves] if isinstance(moves, str) else moves
    try:
        allowed = frozenset(Move(move) for move in moves)
    except ValueError:
        raise ScriptError(f"{where}: move must be one of {', '.join(m.value for m in Move)}") from None
    slots = expect.get("slots", {})
    if not isinstance(slots, dict) or not all(isinstance(v, str | int) or v is None for v in slots.values()):
        raise ScriptError(f"{where}: 'slots' must map each detail to the value the case holds (or null)")
    topic = expect.get("topic", _ANY_TOPIC)
    if topic is not None and not isinstance(topic, str):
        raise ScriptError(f"{where}: 'topic' must be a topic id or null")
    return ScriptTurn(entry["customer"], Expectation(
        allowed, _flag(expect, "handoff", where), _flag(expect, "quiet", where),
        _texts(expect, "contains", where), _texts(expect, "not_contains", where),
        expect.get("language", language),
        tuple((str(name), None if value is None else str(value)) for name, value in slots.items()), topic,
    ), photo=entry.get("photo") is True, shared_phone=phone or "")


def _flag(expect: dict[str, Any], key: str, where: str) -> bool | None:
    value = expect.get(key)
    if value is not None and not isinstance(value, bool):
        raise ScriptError(f"{where}: '{key}' must be true or false")
    return value


def _texts(expect: dict[str, Any], key: str, where: str) -> tuple[str, ...]:
    value = expect.get(key, [])
    value = [value] if isinstance(value, str) else value
    if not isinstance(value, list) or not all(isinstance(text, str) and text for text in value):
        raise ScriptError(f"{where}: '{key}' must be a text or a list of texts")
    return tuple(value)


def problems_with(reply: Reply | None, language: str, expect: Expectation, case: Case | None = None) -> tuple[str, ...]:
    """What the reply did that the script did not expect; empty when it did all of it."""
    found: list[str] = []
    held = case or Case()
    for name, value in expect.slots:
        if held.value(name) != value:
            found.append(f"expected the case to hold {name}={value}" if value is not None
                         else f"expected the case not to hold {name}")
    if expect.topic != _ANY_TOPIC and held.topic_id != expect.topic:
        found.append(f"expected the case's topic to be {expect.topic or 'none'}, not {held.topic_id or 'none'}")
    if expect.quiet is True and reply is not None:
        found.append("expected no reply")
    if expect.quiet is False and reply is None:
        found.append("expected a reply")
    if expect.moves and (reply is None or reply.move not in expect.moves):
        found.append(f"expected move {' or '.join(sorted(m.value for m in expect.moves))}")
    if expect.handoff is not None and (reply is not None and reply.move is Move.HAND_OFF) != expect.handoff:
        found.append("expected a handoff to a person" if expect.handoff else "expected no handoff")
    text = reply.text.casefold() if reply is not None else ""
    found.extend(f"expected the reply to contain {wanted!r}" for wanted in expect.contains
                 if wanted.casefold() not in text)
    found.extend(f"expected the reply not to contain {unwanted!r}" for unwanted in expect.not_contains
                 if unwanted.casefold() in text)
    if expect.language is not None and reply is not None and language != expect.language:
        found.append(f"expected the reply in {expect.language}, got {language}")
    return tuple(found)


async def run_script(service: SupportService, database: Database, script: Script, customer_id: str,
                     clock: list[dt.datetime]) -> ScriptResult:
    """Play the customer's turns one after another, a minute apart, and check each reply."""
    customer = CustomerRef(CHANNEL, customer_id, "Script")
    results: list[TurnResult] = []
    for number, turn in enumerate(script.turns):
        clock[0] = script.at + dt.timedelta(minutes=number)
        reply = await service.handle(customer, turn.as_turn)
        async with database.session() as session:
            repository = ConversationRepository(session)
            language = await repository.customer_language(CHANNEL, customer_id) or "-"
            case = await repository.latest_case(CHANNEL, customer_id)
        results.append(TurnResult(turn.customer, reply, language, problems_with(reply, language, turn.expect, case),
                                  case))
    return ScriptResult(script, tuple(results))


async def run_scripts(scripts: list[Script], analyzer: EmotionAnalyzer, pack: KnowledgePack, index: TopicIndex,
                      folder: Path, rules: EscalationRules | None = None) -> list[ScriptResult]:
    """Each script as a new customer of one bot, on a fresh SQLite database in ``folder``."""
    url = f"sqlite+aiosqlite:///{folder / 'conversations.sqlite3'}"
    await upgrade_schema_async(url)
    database = Database(url)
    clock = [DEFAULT_AT]

    def now() -> dt.datetime:
        return clock[0]

    def service_for(lookups: OrderLookups | None) -> SupportService:
        return SupportService(database, analyzer, pack, index, now=now, rules=rules or load_rules(),
                              working=parse_shift("UTC", "09:00-18:00", "mon-fri"), lookups=lookups)
    plain = service_for(None)
    # The demo shop's orders follow the script's clock, so its late parcel is late on every run.
    with_shop = service_for(OrderLookups(DemoShop(now), now, cache_seconds=0))
    try:
        return [await run_script(with_shop if script.shop else plain, database, script, str(number), clock)
                for number, script in enumerate(scripts, start=1)]
    finally:
        await plain.handoffs.close()
        await with_shop.handoffs.close()
        await database.dispose()
