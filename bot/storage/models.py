"""Tables. Change them only together with a new Alembic migration."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, Boolean, DateTime, Float, ForeignKey, Integer, String, Text, UniqueConstraint, false
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def as_utc(value: dt.datetime) -> dt.datetime:
    """SQLite returns naive datetimes; every time the bot stores is UTC."""
    return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)


class Base(DeclarativeBase):
    pass


class Customer(Base):
    """A person who writes to the bot, on one channel (telegram, local)."""

    __tablename__ = "customers"
    __table_args__ = (UniqueConstraint("channel", "external_id", name="uq_customers_channel_external_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    external_id: Mapped[str] = mapped_column(String(64))
    display_name: Mapped[str] = mapped_column(String(128), default="")
    language: Mapped[str] = mapped_column(String(8), default="en")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utc_now)

    conversations: Mapped[list[Conversation]] = relationship(back_populates="customer")


class Conversation(Base):
    __tablename__ = "conversations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(16), default="open")
    language: Mapped[str] = mapped_column(String(8), default="en")
    started_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utc_now)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utc_now)
    topic_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    apologised: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    satisfaction: Mapped[int | None] = mapped_column(Integer, nullable=True)
    closed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    slots: Mapped[str] = mapped_column(Text, default="{}", server_default="{}")
    """The case's details as JSON, {"order_ref": "48213"}: kept so a restart or another worker goes on with them."""
    awaiting: Mapped[str | None] = mapped_column(String(32), nullable=True)
    misses: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    settled: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    verified: Mapped[str] = mapped_column(Text, default="[]", server_default="[]")
    """Order references the customer proved are theirs in this conversation, as a JSON list."""
    failed_proofs: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    customer: Mapped[Customer] = relationship(back_populates="conversations")
    messages: Mapped[list[Message]] = relationship(back_populates="conversation", order_by="Message.id")


class Message(Base):
    """One message in or out. Customer text messages carry their emotion scores."""

    __tablename__ = "messages"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversations.id", ondelete="CASCADE"), index=True)
    sender: Mapped[str] = mapped_column(String(16))  # customer | bot | agent
    kind: Mapped[str] = mapped_column(String(24), default="text")
    text: Mapped[str] = mapped_column(Text, default="")
    language: Mapped[str | None] = mapped_column(String(8), nullable=True)
    anger: Mapped[float | None] = mapped_column(Float, nullable=True)
    anxiety: Mapped[float | None] = mapped_column(Float, nullable=True)
    sadness: Mapped[float | None] = mapped_column(Float, nullable=True)
    confusion: Mapped[float | None] = mapped_column(Float, nullable=True)
    positive: Mapped[float | None] = mapped_column(Float, nullable=True)
    neutral: Mapped[float | None] = mapped_column(Float, nullable=True)
    labels: Mapped[str] = mapped_column(String(128), default="")
    signals: Mapped[str] = mapped_column(String(128), default="", server_default="")
    scored_by: Mapped[str] = mapped_column(String(64), default="")
    move: Mapped[str] = mapped_column(String(32), default="")
    why: Mapped[str] = mapped_column(String(256), default="", server_default="")
    telegram_message_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utc_now)
    delivered_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    """When a bot reply reached the channel; None until then (or for replies stored before 0007)."""
    case_after: Mapped[str] = mapped_column(Text, default="", server_default="")
    """For a bot reply: the case as it stood after that turn (JSON), shown beside the turn in the console."""
    context_scores: Mapped[str | None] = mapped_column(Text, nullable=True)
    """For a scored customer message: its feelings read with the conversation so far (JSON: scores, labels and the
    reason they differ from the message's own), which the reply was decided on; None for rows from before 0015."""

    conversation: Mapped[Conversation] = relationship(back_populates="messages")


class Agent(Base):
    """A support person who may receive handoffs, registered by an admin."""

    __tablename__ = "agents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    telegram_user_id: Mapped[int] = mapped_column(BigInteger, unique=True)
    name: Mapped[str] = mapped_column(String(64))
    role: Mapped[str] = mapped_column(String(128), default="")
    languages: Mapped[str] = mapped_column(String(64), default="en")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utc_now)
    timezone: Mapped[str] = mapped_column(String(64), default="UTC", server_default="UTC")
    work_hours: Mapped[str] = mapped_column(String(16), default="09:00-18:00", server_default="09:00-18:00")
    work_days: Mapped[str] = mapped_column(String(16), default="mon-fri", server_default="mon-fri")
    skills: Mapped[str] = mapped_column(String(256), default="", server_default="")
    max_chats: Mapped[int] = mapped_column(Integer, default=3, server_default="3")
    last_assigned_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    away: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    """Set by /away, cleared by /back: no new handoffs while away, whatever the shift says."""
    away_since: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    is_lead: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    """A lead is nudged after the agent when a customer's reply is late."""


class Promise(Base):
    """A time the bot committed to. Checked before it passes; kept in the database so a
    restart re-schedules it (PTB's JobQueue keeps jobs only in memory)."""

    __tablename__ = "promises"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversations.id", ondelete="CASCADE"), index=True)
    topic_id: Mapped[str] = mapped_column(String(64))
    promised: Mapped[str] = mapped_column(Text)
    language: Mapped[str] = mapped_column(String(8))
    status: Mapped[str] = mapped_column(String(16), default="open", index=True)  # open | kept | resolved
    original_due_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    due_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    check_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), index=True)
    extension_hours: Mapped[float] = mapped_column(Float, default=0.0)
    updates: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utc_now)
    closed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class Gesture(Base):
    """An extra effort the bot gave and announced, with why."""

    __tablename__ = "gestures"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversations.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    topic_id: Mapped[str] = mapped_column(String(64))
    reason: Mapped[str] = mapped_column(String(256))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utc_now)


class Handoff(Base):
    """A conversation handed to a person: why, to whom, when, and how the customer felt."""

    __tablename__ = "handoffs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversations.id", ondelete="CASCADE"), index=True)
    reason: Mapped[str] = mapped_column(String(32))
    detail: Mapped[str] = mapped_column(String(256), default="")
    status: Mapped[str] = mapped_column(String(16), default="queued", index=True)  # queued|active|resolved|unreachable|customer_gone
    language: Mapped[str] = mapped_column(String(8), default="en")
    agent_user_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True, index=True)
    thread_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True, index=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utc_now)
    expected_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    assigned_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    first_reply_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    resolved_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    anger_before: Mapped[float | None] = mapped_column(Float, nullable=True)
    anxiety_before: Mapped[float | None] = mapped_column(Float, nullable=True)
    anger_at_resolution: Mapped[float | None] = mapped_column(Float, nullable=True)
    anxiety_at_resolution: Mapped[float | None] = mapped_column(Float, nullable=True)
    card_message_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    """The pinned card in the topic, edited in place as the case changes."""
    topic_title: Mapped[str | None] = mapped_column(String(128), nullable=True)
    """The topic's title as last set, so it is renamed only when its status changes."""
    waiting_since: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    """The customer's oldest message still without a person's answer; None when nobody waits."""
    reply_due_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    """When the person who has the chat should have answered the customer's waiting message."""
    nudge_stage: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    """How far the late-reply ladder went for the current wait: 0 none, 1 agent, 2 lead, 3 customer told."""
    resolution_note: Mapped[str | None] = mapped_column(Text, nullable=True)
    previous_handoff_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    """The handoff this one reopens when the customer asked for the same person again."""
    rating_asked: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class Flag(Base):
    """An agent's note that the bot got something wrong, for trainers."""

    __tablename__ = "flags"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversations.id", ondelete="CASCADE"), index=True)
    message_id: Mapped[int | None] = mapped_column(ForeignKey("messages.id", ondelete="SET NULL"), nullable=True)
    agent_user_id: Mapped[int] = mapped_column(BigInteger)
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utc_now)


class Trainer(Base):
    """A person who may sign in to the console to review conversations and teach the bot."""

    __tablename__ = "trainers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(String(256), default="")
    session_version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    """Carried in the console's cookie; raising it ends every session of this trainer at once."""
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utc_now)


class LoginToken(Base):
    """A one-time sign-in link; only its hash is stored."""

    __tablename__ = "login_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    trainer_id: Mapped[int] = mapped_column(ForeignKey("trainers.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    used_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class Correction(Base):
    """A trainer's corrected emotion labels for one customer message: training data for the model."""

    __tablename__ = "corrections"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("messages.id", ondelete="CASCADE"), index=True)
    trainer_id: Mapped[int | None] = mapped_column(ForeignKey("trainers.id", ondelete="SET NULL"), nullable=True)
    """None once the trainer is removed: the corrected labels stay training data."""
    labels: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utc_now)


class ContentVersion(Base):
    """One edit of a curated text from the console: who changed what, when, from what."""

    __tablename__ = "content_versions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    language: Mapped[str] = mapped_column(String(8))
    file: Mapped[str] = mapped_column(String(32))
    path: Mapped[str] = mapped_column(String(256))
    old_text: Mapped[str] = mapped_column(Text)
    new_text: Mapped[str] = mapped_column(Text)
    trainer: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utc_now)


class ProcessedUpdate(Base):
    """A Telegram update_id already handled (webhook mode): Telegram delivers at least once."""

    __tablename__ = "processed_updates"

    update_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    received_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utc_now, index=True)
    chat_key: Mapped[str | None] = mapped_column(String(80), nullable=True, index=True)
    """The lock key the update was handled under ("telegram:<user id>" for a customer): erasure removes theirs."""


class FailedUpdate(Base):
    """A Telegram update whose handling failed unexpectedly: its tries, then (given up) what the customer sent."""

    __tablename__ = "failed_updates"

    update_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    chat_key: Mapped[str] = mapped_column(String(80))
    error: Mapped[str] = mapped_column(String(120))
    """The exception's class name only: its message may quote what the customer wrote."""
    tries: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text, default="")
    """The customer's words, kept only once the update is given up, so nothing they sent is lost."""
    first_failed_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utc_now)
    last_failed_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utc_now)
    given_up_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True, index=True)


class Team(Base):
    """People who do the work the bot commits to (payments, delivery…), and where they see it.

    Each team works in a Telegram chat (a forum topic of it with ``thread_id``) or, with
    ``webhook_url``, in its own helpdesk. The knowledge pack names the team of each commitment.
    """

    __tablename__ = "teams"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(32), unique=True)
    chat_id: Mapped[int] = mapped_column(BigInteger)
    thread_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    work_hours: Mapped[str] = mapped_column(String(16), default="09:00-17:00")
    work_days: Mapped[str] = mapped_column(String(64), default="mon-fri")
    target_hours: Mapped[float] = mapped_column(Float)
    """Working hours the team takes for a commitment: a task is due this much of the team's working time later."""
    lead_user_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    language: Mapped[str] = mapped_column(String(8), default="en", server_default="en")
    webhook_url: Mapped[str | None] = mapped_column(Text, nullable=True)
    webhook_secret: Mapped[str | None] = mapped_column(String(128), nullable=True)
    """The Standard Webhooks signing secret (whsec_…): kept to sign, never shown after it is made."""
    inbound_token_hash: Mapped[str | None] = mapped_column(String(64), nullable=True)
    """SHA-256 of the bearer token a helpdesk uses to post task events back."""
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utc_now)

    members: Mapped[list[TeamMember]] = relationship(back_populates="team", cascade="all, delete-orphan")


class TeamMember(Base):
    """A person who may act on a team's tasks; customers hear their name and role."""

    __tablename__ = "team_members"
    __table_args__ = (UniqueConstraint("team_id", "telegram_user_id", name="uq_team_members_team_user"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"), index=True)
    telegram_user_id: Mapped[int] = mapped_column(BigInteger, index=True)
    name: Mapped[str] = mapped_column(String(64))
    role: Mapped[str] = mapped_column(String(128), default="")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utc_now)

    team: Mapped[Team] = relationship(back_populates="members")


class Task(Base):
    """A commitment the bot made to a customer, as the work a team receives, keeps and closes.

    ``state``: open → taken → waiting (for the customer's answer) → done / declined. What the
    customer is told about it comes from this row and its events, never from the bot's hopes.
    """

    __tablename__ = "tasks"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversations.id", ondelete="CASCADE"), index=True)
    promise_id: Mapped[int | None] = mapped_column(ForeignKey("promises.id", ondelete="SET NULL"), nullable=True)
    team_name: Mapped[str] = mapped_column(String(32), index=True)
    kind: Mapped[str] = mapped_column(String(64))
    """The topic committed to (double_charge) or the gesture asked for (gesture:delivery_upgrade)."""
    topic_id: Mapped[str] = mapped_column(String(64))
    promised: Mapped[str] = mapped_column(Text, default="")
    order_ref: Mapped[str | None] = mapped_column(String(64), nullable=True)
    facts: Mapped[str] = mapped_column(Text, default="")
    verified: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    transcript: Mapped[str] = mapped_column(Text, default="")
    language: Mapped[str] = mapped_column(String(8), default="en")
    priority: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    state: Mapped[str] = mapped_column(String(16), default="open", index=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utc_now)
    original_due_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    due_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), index=True)
    warn_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    """When the customer hears it runs late (before ``due_at``) unless it is done or the team gave a new time."""
    late_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    taken_by: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    first_touch_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    closed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    outcome: Mapped[str] = mapped_column(Text, default="")
    """The note for the customer (done) or the reason (declined)."""
    lead_alerted_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    card_chat_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    card_message_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True, index=True)
    pending_action: Mapped[str | None] = mapped_column(String(16), nullable=True)
    """A tap that waits for words: need_info (the question), done (the note), decline (the reason)."""
    pending_by: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    question: Mapped[str] = mapped_column(Text, default="")
    handoff_id: Mapped[int | None] = mapped_column(ForeignKey("handoffs.id", ondelete="SET NULL"), nullable=True)


class TaskEvent(Base):
    """Something that happened to a task: who (name, role), what, when."""

    __tablename__ = "task_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id", ondelete="CASCADE"), index=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utc_now)
    kind: Mapped[str] = mapped_column(String(40))
    actor_user_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    actor_name: Mapped[str] = mapped_column(String(64), default="")
    actor_role: Mapped[str] = mapped_column(String(128), default="")
    detail: Mapped[str] = mapped_column(Text, default="")
    due_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class TaskDelivery(Base):
    """One task event owed to a team's helpdesk webhook: retried with backoff until it is taken."""

    __tablename__ = "task_deliveries"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id", ondelete="CASCADE"), index=True)
    team_name: Mapped[str] = mapped_column(String(32))
    message_id: Mapped[str] = mapped_column(String(64), unique=True)
    """Standard Webhooks' webhook-id: the same on every retry of this delivery."""
    event: Mapped[str] = mapped_column(String(32))
    payload: Mapped[str] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), index=True)
    delivered_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    given_up_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    last_error: Mapped[str] = mapped_column(String(120), default="")


class CaseNote(Base):
    """An agent's private note on the case (``!`` or /note in the topic): never sent to the customer."""

    __tablename__ = "case_notes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversations.id", ondelete="CASCADE"), index=True)
    handoff_id: Mapped[int | None] = mapped_column(ForeignKey("handoffs.id", ondelete="CASCADE"), nullable=True)
    author_user_id: Mapped[int] = mapped_column(BigInteger)
    author_name: Mapped[str] = mapped_column(String(64))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utc_now)


class RelayedMessage(Base):
    """One message passed between a customer's chat and their topic: which Telegram message is which on each
    side, so a reply-to, an edit or a /flag on one side finds its twin on the other."""

    __tablename__ = "relayed_messages"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    handoff_id: Mapped[int] = mapped_column(ForeignKey("handoffs.id", ondelete="CASCADE"))
    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversations.id", ondelete="CASCADE"), index=True)
    direction: Mapped[str] = mapped_column(String(16))
    """to_customer (an agent's message), to_topic (a customer's message), bot (the bot's own words shown in the
    topic), kept (an agent's words kept private: no twin in the customer's chat)."""
    customer_message_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    topic_message_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    stored_message_id: Mapped[int | None] = mapped_column(ForeignKey("messages.id", ondelete="SET NULL"),
                                                          nullable=True)
    sender_user_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utc_now)


class TakeoverOffer(Base):
    """An agent who wrote in a colleague's topic was asked, once, whether to take it over."""

    __tablename__ = "takeover_offers"
    __table_args__ = (UniqueConstraint("handoff_id", "agent_user_id", name="uq_takeover_offers_handoff_agent"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    handoff_id: Mapped[int] = mapped_column(ForeignKey("handoffs.id", ondelete="CASCADE"))
    agent_user_id: Mapped[int] = mapped_column(BigInteger)
    asked_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utc_now)


class DeskBoard(Base):
    """The queue board pinned in the agents' group's General topic: edited in place, never re-posted."""

    __tablename__ = "desk_boards"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    chat_id: Mapped[int] = mapped_column(BigInteger, unique=True)
    message_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    text: Mapped[str] = mapped_column(Text, default="", server_default="")
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utc_now)


class ConversationReview(Base):
    """A trainer's mark on a conversation in the review queue: reviewed or not, and free-text notes."""

    __tablename__ = "conversation_reviews"

    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversations.id", ondelete="CASCADE"), primary_key=True)
    reviewed: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    notes: Mapped[str] = mapped_column(Text, default="", server_default="")
    trainer: Mapped[str] = mapped_column(String(64), default="")
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utc_now)


class HandledUnmatched(Base):
    """A customer message the bot could not place, handled from the console's Unmatched page (taught to a topic)."""

    __tablename__ = "handled_unmatched"

    message_id: Mapped[int] = mapped_column(ForeignKey("messages.id", ondelete="CASCADE"), primary_key=True)
    topic_id: Mapped[str] = mapped_column(String(64))
    trainer: Mapped[str] = mapped_column(String(64))
    handled_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utc_now)
