"""Loading the curated content files into plain data, checking them as they load.

Layout of a content directory: ``topics.yaml``, ``details.yaml`` and ``gestures.yaml`` hold what
every language shares (ids, times, the details a topic needs, rules); ``<language>/topics.yaml``
and ``<language>/wording.yaml`` hold the words. A missing topic or wording part is an error
naming the file and the field, so a trainer's edit cannot silently drop a reply.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator, Mapping
from dataclasses import dataclass, field, fields, is_dataclass, replace
from pathlib import Path
from typing import Any

from knowledge.content_files import KnowledgeError, language_folders, read_yaml
from knowledge.content_upgrade import ContentUpgrade, fill_topic_fields, fill_wording
from knowledge.fields import TOPICS, names_in, text_problems, where_text_sits
from knowledge.forms import LOOKUPS, ORDER_STATUSES, DetailRule, DetailWording, read_detail_wording, read_details
from knowledge.shop_profile import ShopProfile, read_profile
from knowledge.shop_wording import SupportHoursWording, fill_shop_fields, shop_values

__all__ = [
    "CONTENT_DIR",
    "EMOTION_KEYS",
    "FALLBACK_LANGUAGE",
    "TOPIC_TEXT_FIELDS",
    "AgentsWording",
    "Closing",
    "ConversationWording",
    "DraftWording",
    "GestureRule",
    "HandoffWording",
    "KnowledgeError",
    "KnowledgePack",
    "PrivacyWording",
    "Topic",
    "Wording",
    "load_pack",
    "read_pack",
    "read_yaml",
]

CONTENT_DIR = Path(__file__).resolve().parent / "content"
FALLBACK_LANGUAGE = "en"
EMOTION_KEYS = ("anxiety", "anger", "sadness", "confusion", "positive", "neutral")


@dataclass(frozen=True)
class Topic:
    id: str
    problem: str
    owner: str
    examples: tuple[str, ...]
    keywords: tuple[str, ...]
    answer: str
    reassurance: str
    first_step: str
    next_step: str
    promised: str = ""
    resolution_hours: float = 0.0
    extension_hours: float = 0.0
    promises: bool = False
    needs: tuple[str, ...] = ()
    """The details the bot collects before it commits to anything, asked in this order."""
    lookup: str = ""
    """What the shop's data says about this problem ("payments", "shipments", "refunds", "order"): with a shop
    connected, the bot looks the order up once the customer proved it is theirs, and answers from the facts."""
    team: str = ""
    """The team that receives this topic's commitment as a task (every topic that promises names one)."""


@dataclass(frozen=True)
class GestureRule:
    """When the bot may give a goodwill gesture on its own, and what it then commits to."""

    id: str
    topics: tuple[str, ...]
    when_any_emotion: dict[str, float]
    resolution_hours: float
    team: str = ""
    """The team that carries the gesture out (it becomes their task); empty for one the bot grants itself."""


@dataclass(frozen=True)
class Closing:
    solved: str
    solved_general: str
    ask_rating: str
    thanks_rating: str
    rating_already: str


@dataclass(frozen=True)
class HandoffWording:
    """What the customer hears when a person takes over, and when they are handed back."""

    assigned: str
    queued: str
    unavailable: str
    crisis: str
    agent_says: str
    agent_corrects: str
    agent_edited: str
    """An agent's message edited in place in the customer's chat, marked as edited."""
    resolved: str
    holding: str
    """A customer waiting on a person hears once per wait who has their messages and by when they answer."""
    resolved_with_note: str
    """/resolve NOTE: the agent's note goes to the customer inside the handback."""
    rate_agent: str
    """Asked once, with the handback: how the person did."""
    same_person_away: str
    """Asked for the same person again while they are not available: said before the honest who and when."""
    transferred: str
    transferred_later: str
    """A transfer with --anyway to someone off shift: the true time, from their next shift start."""
    not_for_customers: str
    first_reply_late: str


@dataclass(frozen=True)
class AgentsWording:
    """What the bot tells agents in their forum topics: answers to their commands and messages, and notes
    about their customers. Written in the agent's first language (English for someone who is not an agent)."""

    stranger: str
    no_handoff: str
    unknown_command: str
    already_yours: str
    at_cap: str
    taken: str
    taken_untold: str
    transfer_to_whom: str
    transfer_unknown: str
    transfer_same: str
    transfer_full: str
    transfer_away: str
    transfer_off_shift: str
    transfer_language: str
    starts_at: str
    mine_none: str
    mine_header: str
    desk_line: str
    desk_line_calm: str
    desk_with: str
    desk_queued: str
    queue_none: str
    queue_header: str
    queue_owners: str
    owner_load: str
    away_done: str
    back_done: str
    board_title: str
    board_on_shift: str
    board_away: str
    board_off_shift: str
    board_nobody: str
    board_waiting: str
    board_oldest: str
    board_angriest: str
    feeling_very_angry: str
    feeling_angry: str
    minutes: str
    hours: str
    transferred: str
    transferred_untold: str
    resolved: str
    resolved_untold: str
    nothing_to_flag: str
    flagged: str
    flagged_with_note: str
    not_relayed: str
    note_kept: str
    not_yours: str
    went_nowhere: str
    refused: str
    partly_refused: str
    sent_in_parts: str
    assigned: str
    first_reply_late: str
    reply_nudge: str
    """The agent, mentioned: the customer's answer is due."""
    lead_nudge: str
    """The lead(s), mentioned: the agent was reminded and the customer still waits."""
    holding_told: str
    handback_closed: str
    reopened: str
    customer_refused: str
    customer_gone: str
    the_customer: str
    """Stands in for a customer who gave no name."""


@dataclass(frozen=True)
class PrivacyWording:
    """A customer seeing and deleting what the bot keeps about them (/mydata, /forget)."""

    mydata: str
    nothing: str
    forget_ask: str
    forget_button: str
    forgotten: str
    forgotten_with_topic: str
    """Also the agents' topic (their chat about the customer) was deleted."""
    forgotten_topic_kept: str
    """The agents' topic could not be deleted by the bot: the customer is told a copy remains."""


@dataclass(frozen=True)
class ConversationWording:
    """What the bot says between a topic's answers: endings, small talk, corrections, a dropped case."""

    ending: str
    ending_open: str
    ending_waiting: str
    bot_question: str
    small_talk: str
    greeting_back: str
    dropped: str
    dropped_general: str
    corrected: str
    noted: str
    """Said before the next question when the customer just gave a detail: what the bot now has."""
    back_to_case: str
    unknown: str
    offer_person: str


@dataclass(frozen=True)
class ShopWording:
    """What the bot says about the shop's own data: proving an order is yours, and the facts a lookup found."""

    demo_note: str
    share_phone: str
    """The label of Telegram's button that shares the customer's own phone number."""
    not_own_contact: str
    find_by_phone: str
    """Said after the question for an order's number: the shared phone finds the customer's orders instead."""
    one_order: str
    orders_found: str
    order_line: str
    no_orders: str
    orders_unavailable: str
    checked: str
    checked_demo: str
    not_found: str
    not_found_again: str
    """The second failed proof: not the first one's words again, and what happens after one more."""
    not_found_final: str
    unavailable: str
    order_status: dict[str, str]
    """One line per order status of the shop contract (docs/shop-api.yaml)."""
    parcel_scanned: str
    parcel_scanned_nowhere: str
    parcel_expected: str
    parcel_late: str
    parcel_delivered: str
    parcel_pickup: str
    parcel_problem: str
    parcel_not_scanned: str
    parcel_none: str
    tracking_link: str
    payments_two: str
    payments_hold: str
    payments_one: str
    payments_failed: str
    payments_none: str
    refund_on_way: str
    refund_late: str
    refund_sent: str
    refund_failed: str
    refund_none: str
    watch: str
    disputed: str
    moment: str
    moment_today: str
    moment_yesterday: str
    day: str
    day_today: str
    day_tomorrow: str


@dataclass(frozen=True)
class TaskButtons:
    """The labels of a task card's buttons: each contains its English word (Take, More time, Need info, Done,
    Decline) in the English pack, and the translation in a team's language."""

    take: str
    more_1h: str
    more_4h: str
    next_day: str
    need_info: str
    done: str
    decline: str


@dataclass(frozen=True)
class TaskWording:
    """What customers hear about the work a team does for them, and what the team's card and notes say."""

    taken: str
    more_time: str
    need_info: str
    info_passed: str
    done: str
    declined: str
    late_untouched: str
    late_taken: str
    buttons: TaskButtons
    card_title: str
    card_priority: str
    card_order: str
    card_verified: str
    card_unverified: str
    card_facts: str
    card_said: str
    card_promised: str
    card_open: str
    card_taken: str
    card_waiting: str
    card_done: str
    card_declined: str
    ask_note: str
    ask_reason: str
    ask_question: str
    customer_answered: str
    customer_warned: str
    lead_alert: str
    to_person: str
    tapped_take: str
    tapped_more_time: str
    tapped_words: str
    tapped_done: str
    tapped_declined: str
    tapped_asked: str
    refused_not_member: str
    refused_closed: str
    refused_waiting: str
    refused_unknown: str


@dataclass(frozen=True)
class DraftWording:
    """The parts a help-centre article does not have, filled into each draft topic imported from one
    (``candor knowledge import``); a trainer rewrites them per topic before publishing if they do not fit."""

    problem: str
    """How acknowledgements name the customer's problem, from the article's {title}."""
    owner: str
    reassurance: str
    first_step: str
    """The one step for a confused customer: the article itself, at {link}; an article without an address
    gives its own first sentence instead."""
    next_step: str
    more: str
    """Ends the answer when the article has an address: where to read all of it, {link}."""


@dataclass(frozen=True)
class Wording:
    introduction: str
    greeting: str
    help: str
    acknowledgements: dict[str, dict[str, str]]
    single_step: str
    follow_up: str
    promise_update: str
    gestures: dict[str, str]
    closing: Closing
    handoff: HandoffWording
    agents: AgentsWording
    privacy: PrivacyWording
    deadline: str
    weekdays: tuple[str, ...]
    months: tuple[str, ...]
    clarify: str
    clarify_between: str
    empty: str
    long_message: str
    non_text: dict[str, str]
    edited: str
    unknown_command: str
    button: str
    failure: str
    failure_kept: str
    storage_down: str
    details: dict[str, DetailWording]
    """Per detail of details.yaml: how a reply names it, the question, and what an unreadable answer gets."""
    conversation: ConversationWording
    shop: ShopWording
    tasks: TaskWording
    support_hours: SupportHoursWording
    """How this language says the shop profile's hours ({support_hours} in any text)."""
    drafts: DraftWording
    language: str = FALLBACK_LANGUAGE
    """The language these words are in: a text that cannot be filled falls back to the shipped one in it."""

    def acknowledgement(self, emotion: str, intensity: str) -> str:
        """The acknowledgement for this emotion and intensity, falling back to the mild one."""
        variants = self.acknowledgements.get(emotion) or self.acknowledgements["neutral"]
        return variants.get(intensity) or variants["mild"]


@dataclass(frozen=True)
class KnowledgePack:
    """All curated content, by language, plus the gesture rules every language shares."""

    topics: dict[str, tuple[Topic, ...]]
    wording: dict[str, Wording]
    gestures: tuple[GestureRule, ...] = ()
    details: dict[str, DetailRule] = field(default_factory=dict)
    """The details a topic may need (details.yaml), by name."""
    profile: ShopProfile | None = None
    """The shop profile (shop.yaml) filled into the texts; None for a pack read without it (``read_pack``)."""
    upgrade: ContentUpgrade = field(default_factory=ContentUpgrade)
    """What the content folder lacked and was read from the package's defaults, and what of it is not read."""

    @property
    def languages(self) -> tuple[str, ...]:
        return tuple(self.wording)

    def topics_for(self, language: str) -> tuple[Topic, ...]:
        return self.topics.get(language) or self.topics[FALLBACK_LANGUAGE]

    def wording_for(self, language: str) -> Wording:
        return self.wording.get(language) or self.wording[FALLBACK_LANGUAGE]

    def topic(self, topic_id: str, language: str) -> Topic | None:
        return next((t for t in self.topics_for(language) if t.id == topic_id), None)

    def texts(self) -> Iterator[tuple[str, str, str]]:
        """(language, path, text) for every curated text: "handoff.assigned", "topics.refund.next_step"."""
        for language, wording in self.wording.items():
            for path, text in _strings(wording, ""):
                yield language, path, text
            for topic in self.topics.get(language, ()):
                for name in (*TOPIC_TEXT_FIELDS, "promised"):
                    yield language, f"{TOPICS}.{topic.id}.{name}", str(getattr(topic, name))

    def text_at(self, path: str, language: str) -> str | None:
        """The text at ``path`` in exactly this language, or None when there is none."""
        return next((text for lang, where, text in self.texts() if (lang, where) == (language, path)), None)


WORDING_PARTS = frozenset(f.name for f in fields(Wording)) - {"language"}
SECTIONS: dict[str, type[Any]] = {
    "closing": Closing, "handoff": HandoffWording, "agents": AgentsWording, "privacy": PrivacyWording,
    "conversation": ConversationWording, "shop": ShopWording, "tasks": TaskWording,
    "support_hours": SupportHoursWording, "drafts": DraftWording,
}
"""The wording sections made of fixed parts, each read into its own dataclass."""


def _strings(value: object, path: str) -> Iterator[tuple[str, str]]:
    """Every string under a wording part, with its path; lists (weekdays, months) are data, not texts."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(item, f"{path}.{key}" if path else str(key))
    elif is_dataclass(value):
        for field in fields(value):
            if field.name != "language":
                yield from _strings(getattr(value, field.name), f"{path}.{field.name}" if path else field.name)


def load_pack(content_dir: Path = CONTENT_DIR, defaults: Path = CONTENT_DIR) -> KnowledgePack:
    """All curated content with the shop profile's fields filled in, refused whole when any text is one the
    bot could not fill.

    The message names every such text, so a trainer fixes them all in one go; a bot never
    starts with a text that would fail when a customer needs it. What the shop's folder lacks is read
    from ``defaults`` (see ``read_pack``); checked against itself, a pack must be complete.
    """
    pack = read_pack(content_dir, defaults)
    problems = [f"{language}/{where_text_sits(path)[0]}: {problem}"
                for language, path, text in pack.texts() for problem in text_problems(path, language, text)]
    if problems:
        raise KnowledgeError(f"The knowledge pack in {content_dir} has texts the bot cannot fill:\n  "
                             + "\n  ".join(problems))
    return _with_shop(pack, content_dir)


def _with_shop(pack: KnowledgePack, content_dir: Path) -> KnowledgePack:
    """The pack in the shop's languages (and the fallback, English), the profile (shop.yaml) filled into its texts.

    A customer writing in a language the shop does not serve is answered in English, as for any language the
    pack lacks.
    """
    profile = read_profile(content_dir, pack.languages)
    served = {language: wording for language, wording in pack.wording.items()
              if language in profile.languages or language == FALLBACK_LANGUAGE}
    values = {language: shop_values(profile, wording.support_hours) for language, wording in served.items()}
    return replace(pack, profile=profile,
                   wording={language: fill_shop_fields(wording, values[language]) for language, wording in served.items()},
                   topics={language: fill_shop_fields(pack.topics[language], values[language]) for language in served})


def read_pack(content_dir: Path = CONTENT_DIR, defaults: Path = CONTENT_DIR) -> KnowledgePack:
    """The content as it is, checked for structure (every part present) but not for fields.

    A wording key or required topic field the folder lacks (it was seeded by an older release) is read from
    ``defaults``, the pack this release ships, in the same language; ``upgrade`` on the pack says which.
    """
    reader = _UpgradingReader(content_dir, defaults)
    details = read_details(content_dir / "details.yaml")
    shared = _read_shared_topics(content_dir / "topics.yaml", details)
    gestures = _read_gestures(content_dir / "gestures.yaml", {key for key, facts in shared.items() if not facts["retired"]})
    topics: dict[str, tuple[Topic, ...]] = {}
    wording: dict[str, Wording] = {}
    for language_dir in language_folders(content_dir):
        topics_path, wording_path = language_dir / "topics.yaml", language_dir / "wording.yaml"
        topics[language_dir.name] = _read_topics(topics_path, reader.topics(topics_path), shared, details)
        raw_wording = reader.wording(wording_path, {"details": set(details), "gestures": {g.id for g in gestures}})
        wording[language_dir.name] = _read_wording(wording_path, raw_wording, [g.id for g in gestures],
                                                   details, language_dir.name)
        reader.note_unused(wording_path, unused_wording_keys(raw_wording))
        _check_team_gestures(wording_path, gestures, wording[language_dir.name])
    if FALLBACK_LANGUAGE not in wording:
        raise KnowledgeError(f"The knowledge pack in {content_dir} has no '{FALLBACK_LANGUAGE}' folder.")
    return KnowledgePack(topics=topics, wording=wording, gestures=gestures, details=details, upgrade=reader.upgrade)


class _UpgradingReader:
    """Reads a language's files of the shop's folder, each filled from the shipped file of the same place."""

    def __init__(self, content_dir: Path, defaults: Path) -> None:
        self._content_dir, self._defaults = content_dir, defaults
        self._same = content_dir.resolve() == defaults.resolve()
        self.upgrade = ContentUpgrade()

    def wording(self, path: Path, named: Mapping[str, Collection[str]]) -> Any:
        return self._filled(path, lambda own, shipped: fill_wording(own, shipped, named))

    def topics(self, path: Path) -> Any:
        return self._filled(path, lambda own, shipped: fill_topic_fields(own, shipped, REQUIRED_TOPIC_FIELDS))

    def note_unused(self, path: Path, keys: list[str]) -> None:
        self.upgrade += ContentUpgrade(unused=tuple(f"{self._name(path)}: {key}" for key in keys))

    def _filled(self, path: Path, fill: Callable[[Any, Any], tuple[Any, tuple[str, ...]]]) -> Any:
        own = read_yaml(path)
        shipped_path = self._defaults / path.relative_to(self._content_dir)
        if self._same or not shipped_path.is_file():
            return own  # a language the package does not ship has nothing to be filled from
        merged, filled = fill(own, read_yaml(shipped_path))
        self.upgrade += ContentUpgrade(filled=tuple(f"{self._name(path)}: {key}" for key in filled))
        return merged

    def _name(self, path: Path) -> str:
        return path.relative_to(self._content_dir).as_posix()


def _check_team_gestures(path: Path, gestures: tuple[GestureRule, ...], wording: Wording) -> None:
    """A gesture a team carries out is announced as asked for, with the time it is confirmed by: never as done."""
    for rule in gestures:
        if rule.team and "deadline" not in names_in(wording.gestures.get(rule.id, "")):
            raise KnowledgeError(f"{path}: gestures.{rule.id} is carried out by the {rule.team} team, so its "
                                 "announcement must say when they confirm it: add {deadline}.")


def _read_shared_topics(path: Path, details: dict[str, DetailRule]) -> dict[str, dict[str, Any]]:
    raw = read_yaml(path)
    if not isinstance(raw, list):
        raise KnowledgeError(f"{path} must be a list of topics (id, resolution_hours, extension_hours, promise, needs).")
    shared: dict[str, dict[str, Any]] = {}
    for index, item in enumerate(raw):
        if not isinstance(item, dict) or "id" not in item:
            raise KnowledgeError(f"{path}: topic #{index + 1} needs an id.")
        needs = item.get("needs") or []
        if not isinstance(needs, list):
            raise KnowledgeError(f"{path}: topic '{item['id']}' needs a list of details, like needs: [order_ref].")
        for detail in needs:
            if str(detail) not in details:
                raise KnowledgeError(f"{path}: topic '{item['id']}' needs '{detail}', which is not a detail in "
                                     f"{path.parent / 'details.yaml'}.")
        lookup = str(item.get("lookup") or "")
        if lookup and lookup not in LOOKUPS:
            raise KnowledgeError(f"{path}: topic '{item['id']}' has lookup '{lookup}'; it can be {', '.join(LOOKUPS)}.")
        if lookup and "order_ref" not in needs:
            raise KnowledgeError(f"{path}: topic '{item['id']}' looks up the order, so it needs order_ref.")
        team = str(item.get("team") or "")
        languages = item.get("languages") or []
        if not isinstance(languages, list):
            raise KnowledgeError(f"{path}: topic '{item['id']}' lists its languages as a list, like languages: [en, pl].")
        if bool(item.get("promise", False)) and not team:
            raise KnowledgeError(f"{path}: topic '{item['id']}' promises a time, so it needs the team that keeps the "
                                 "promise, like team: payments (see candor teams add).")
        try:
            shared[str(item["id"])] = {
                "lookup": lookup,
                "resolution_hours": float(item.get("resolution_hours", 0)),
                "extension_hours": float(item.get("extension_hours", 0)),
                "promises": bool(item.get("promise", False)),
                "needs": tuple(str(detail) for detail in needs),
                "team": team,
                "languages": tuple(str(language) for language in languages),
                "retired": bool(item.get("retired", False)),
            }
        except (TypeError, ValueError) as error:
            raise KnowledgeError(f"{path}: topic '{item['id']}' has a time that is not a number: {error}") from error
    return shared


def _read_gestures(path: Path, topic_ids: set[str]) -> tuple[GestureRule, ...]:
    if not path.is_file():
        return ()
    raw = read_yaml(path) or []
    if not isinstance(raw, list):
        raise KnowledgeError(f"{path} must be a list of gestures.")
    rules = []
    for index, item in enumerate(raw):
        try:
            rule = GestureRule(
                id=str(item["id"]), topics=tuple(str(t) for t in item["topics"]),
                when_any_emotion={str(k): float(v) for k, v in dict(item["when_any_emotion"]).items()},
                resolution_hours=float(item.get("resolution_hours", 0)), team=str(item.get("team") or ""),
            )
        except (KeyError, TypeError, ValueError) as error:
            raise KnowledgeError(f"{path}: gesture #{index + 1} is missing or has a bad field {error}.") from error
        unknown = set(rule.topics) - topic_ids
        if unknown:
            raise KnowledgeError(f"{path}: gesture '{rule.id}' names unknown topics {sorted(unknown)}.")
        bad = set(rule.when_any_emotion) - set(EMOTION_KEYS)
        if bad:
            raise KnowledgeError(f"{path}: gesture '{rule.id}' names unknown emotions {sorted(bad)}.")
        rules.append(rule)
    return tuple(rules)


TOPIC_TEXT_FIELDS = ("problem", "owner", "answer", "reassurance", "first_step", "next_step")
REQUIRED_TOPIC_FIELDS = (*TOPIC_TEXT_FIELDS, "examples", "keywords")


def _read_topics(path: Path, raw: Any, shared: dict[str, dict[str, Any]],
                 details: dict[str, DetailRule]) -> tuple[Topic, ...]:
    if not isinstance(raw, list):
        raise KnowledgeError(f"{path} must be a list of topics.")
    topics = []
    for index, item in enumerate(raw):
        if not isinstance(item, dict):
            raise KnowledgeError(f"{path}: topic #{index + 1} must be a mapping of fields.")
        topic_id = str(item.get("id", ""))
        if topic_id not in shared:
            raise KnowledgeError(f"{path}: topic '{topic_id}' is not listed in {path.parent.parent / 'topics.yaml'}.")
        missing = [name for name in REQUIRED_TOPIC_FIELDS if not item.get(name)]
        if missing:
            raise KnowledgeError(f"{path}: topic '{topic_id}' lacks {', '.join(missing)}.")
        facts = shared[topic_id]
        if facts["retired"]:
            continue  # out of the live pack, its words kept for when it comes back
        text = {name: as_loaded(f"{TOPICS}.{topic_id}.{name}", str(item[name])) for name in TOPIC_TEXT_FIELDS}
        promised = str(item.get("promised") or "").strip()
        if facts["promises"] and ("deadline" not in names_in(str(item["next_step"])) or not promised):
            raise KnowledgeError(
                f"{path}: topic '{topic_id}' makes a promise, so next_step must contain {{deadline}} and 'promised' must say what is promised."
            )
        _check_next_step_details(path, topic_id, text["next_step"], facts["needs"], set(details))
        topics.append(
            Topic(
                id=topic_id, problem=text["problem"], owner=text["owner"], answer=text["answer"],
                reassurance=text["reassurance"], first_step=text["first_step"], next_step=text["next_step"],
                examples=tuple(str(e).strip() for e in item["examples"]),
                keywords=tuple(str(k).lower() for k in item["keywords"]),
                promised=promised, resolution_hours=float(facts["resolution_hours"]),
                extension_hours=float(facts["extension_hours"]), promises=bool(facts["promises"]),
                needs=facts["needs"], lookup=facts["lookup"], team=facts["team"],
            )
        )
    language = path.parent.name
    expected = {topic_id for topic_id, facts in shared.items()
                if not facts["retired"] and (not facts["languages"] or language in facts["languages"])}
    absent = expected - {t.id for t in topics}
    if absent:
        raise KnowledgeError(f"{path}: these topics have no words in this language yet: {', '.join(sorted(absent))}.")
    return tuple(topics)


def _check_next_step_details(path: Path, topic_id: str, next_step: str, needs: tuple[str, ...],
                             details: set[str]) -> None:
    """A next_step is said once the topic's details are in, so it may name only those it needs."""
    unneeded = sorted((names_in(next_step) & details) - set(needs))
    if unneeded:
        listed = ", ".join("{" + name + "}" for name in unneeded)
        has = f"needs only {', '.join(needs)}" if needs else "needs no details"
        raise KnowledgeError(f"{path}: topic '{topic_id}': next_step uses {listed}, but the topic {has} "
                             f"(needs in {path.parent.parent / 'topics.yaml'}).")


def _read_wording(path: Path, raw: Any, gesture_ids: list[str], details: dict[str, DetailRule],
                  language: str) -> Wording:
    if not isinstance(raw, dict):
        raise KnowledgeError(f"{path} must be a mapping of wording parts.")
    expected = {f.name for f in fields(Wording)} - {"language"}
    missing = sorted(expected - set(raw))
    if missing:
        raise KnowledgeError(f"{path} lacks the wording parts: {', '.join(missing)}.")
    acknowledgements = raw["acknowledgements"]
    if not isinstance(acknowledgements, dict) or any(
        not isinstance(acknowledgements.get(name), dict) or "mild" not in acknowledgements[name] for name in EMOTION_KEYS
    ):
        raise KnowledgeError(f"{path}: acknowledgements needs a 'mild' line for each of {', '.join(EMOTION_KEYS)}.")
    gestures = raw["gestures"] if isinstance(raw["gestures"], dict) else {}
    absent = [g for g in gesture_ids if g not in gestures]
    if absent:
        raise KnowledgeError(f"{path}: gestures lacks the announcement for {', '.join(absent)}.")
    values = {name: _clean(raw[name]) for name in expected}
    values["closing"] = _section(path, raw, "closing", Closing)
    values["handoff"] = _section(path, raw, "handoff", HandoffWording)
    values["agents"] = _section(path, raw, "agents", AgentsWording)
    values["privacy"] = _section(path, raw, "privacy", PrivacyWording)
    values["conversation"] = _section(path, raw, "conversation", ConversationWording)
    values["shop"] = _section(path, raw, "shop", ShopWording)
    values["tasks"] = _tasks_section(path, raw)
    values["support_hours"] = _section(path, raw, "support_hours", SupportHoursWording)
    if len(values["support_hours"].days) != 7:
        raise KnowledgeError(f"{path}: support_hours.days needs 7 day names, Monday first.")
    values["drafts"] = _section(path, raw, "drafts", DraftWording)
    missing_statuses = [status for status in ORDER_STATUSES if not values["shop"].order_status.get(status)]
    if missing_statuses:
        raise KnowledgeError(f"{path}: shop.order_status lacks a line for {', '.join(missing_statuses)}.")
    values["details"] = read_detail_wording(path, raw["details"], details)
    values["acknowledgements"] = {str(e): {str(k): _clean(v) for k, v in variants.items()} for e, variants in acknowledgements.items()}
    values["weekdays"], values["months"] = tuple(values["weekdays"]), tuple(values["months"])
    if len(values["weekdays"]) != 7 or len(values["months"]) != 12:
        raise KnowledgeError(f"{path}: weekdays needs 7 names (Monday first) and months 12.")
    return Wording(**values, language=language)


def _tasks_section(path: Path, raw: dict[str, Any]) -> TaskWording:
    """The tasks section, with its nested button labels."""
    section = dict(raw["tasks"]) if isinstance(raw.get("tasks"), dict) else {}
    buttons = _section(path, section, "buttons", TaskButtons)
    section.pop("buttons", None)
    known = {f.name for f in fields(TaskWording)}
    try:
        return TaskWording(buttons=buttons, **{str(k): _clean(v) for k, v in section.items() if str(k) in known})
    except TypeError as error:
        raise KnowledgeError(f"{path}: tasks: {error}") from error


def unused_wording_keys(raw: Any) -> list[str]:
    """The keys of a wording file this release does not read (renamed or removed): at the top and inside each
    section of fixed parts. Sections keyed by the shop's own names (gestures, details, acknowledgements) have none."""
    if not isinstance(raw, dict):
        return []
    unused = sorted(str(key) for key in raw if str(key) not in WORDING_PARTS)
    for name, kind in SECTIONS.items():
        section = raw.get(name)
        if isinstance(section, dict):
            known = {f.name for f in fields(kind)}
            unused += sorted(f"{name}.{key}" for key in section if str(key) not in known)
    buttons = raw.get("tasks", {}).get("buttons") if isinstance(raw.get("tasks"), dict) else None
    if isinstance(buttons, dict):
        unused += sorted(f"tasks.buttons.{key}" for key in buttons if str(key) not in {f.name for f in fields(TaskButtons)})
    return unused


def _section(path: Path, raw: dict[str, Any], name: str, kind: type[Any]) -> Any:
    """A nested group of wording parts, every one required; a key the release does not read is left out (and
    reported by ``unused_wording_keys``), so an old name does not stop the bot."""
    section = raw[name] if isinstance(raw.get(name), dict) else {}
    known = {f.name for f in fields(kind)}
    try:
        return kind(**{str(k): _clean(v) for k, v in section.items() if str(k) in known})
    except TypeError as error:
        raise KnowledgeError(f"{path}: {name}: {error}") from error


def as_loaded(path: str, text: str) -> str:
    """``text`` as the bot reads it at ``path``: a topic's texts are one paragraph (runs of spaces and line
    breaks read as one space), wording keeps its line breaks. A preview shows a draft this way, as it will be sent."""
    return " ".join(text.split()) if path.startswith(f"{TOPICS}.") else text.replace("\r\n", "\n").strip()


def _clean(value: object) -> Any:
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, dict):
        return {str(k): str(v).strip() for k, v in value.items()}
    if isinstance(value, list):
        return [str(v).strip() for v in value]
    return value
