"""The agents' desk: availability and leads, the living card and topic title, reply timers and nudges,
handback notes, private case notes, the map of relayed messages (reply-to and edits), take-over offers
asked once, and the pinned queue board.

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def _when(name: str, nullable: bool = True) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    with op.batch_alter_table("agents") as batch:
        batch.add_column(sa.Column("away", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch.add_column(_when("away_since"))
        batch.add_column(sa.Column("is_lead", sa.Boolean(), nullable=False, server_default=sa.false()))
    with op.batch_alter_table("handoffs") as batch:
        batch.add_column(sa.Column("card_message_id", sa.BigInteger(), nullable=True))
        batch.add_column(sa.Column("topic_title", sa.String(128), nullable=True))
        batch.add_column(_when("waiting_since"))
        batch.add_column(_when("reply_due_at"))
        batch.add_column(sa.Column("nudge_stage", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("resolution_note", sa.Text(), nullable=True))
        batch.add_column(sa.Column("previous_handoff_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("rating_asked", sa.Boolean(), nullable=False, server_default=sa.false()))
    op.create_table(
        "case_notes",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("conversation_id", sa.Integer(), sa.ForeignKey("conversations.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("handoff_id", sa.Integer(), sa.ForeignKey("handoffs.id", ondelete="CASCADE"), nullable=True),
        sa.Column("author_user_id", sa.BigInteger(), nullable=False),
        sa.Column("author_name", sa.String(64), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        _when("created_at", nullable=False),
    )
    op.create_index("ix_case_notes_conversation_id", "case_notes", ["conversation_id"])
    op.create_table(
        "relayed_messages",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("handoff_id", sa.Integer(), sa.ForeignKey("handoffs.id", ondelete="CASCADE"), nullable=False),
        sa.Column("conversation_id", sa.Integer(), sa.ForeignKey("conversations.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("direction", sa.String(16), nullable=False),
        sa.Column("customer_message_id", sa.BigInteger(), nullable=True),
        sa.Column("topic_message_id", sa.BigInteger(), nullable=True),
        sa.Column("stored_message_id", sa.Integer(), sa.ForeignKey("messages.id", ondelete="SET NULL"),
                  nullable=True),
        sa.Column("sender_user_id", sa.BigInteger(), nullable=True),
        _when("created_at", nullable=False),
    )
    op.create_index("ix_relayed_messages_handoff_topic", "relayed_messages", ["handoff_id", "topic_message_id"])
    op.create_index("ix_relayed_messages_handoff_customer", "relayed_messages",
                    ["handoff_id", "customer_message_id"])
    op.create_index("ix_relayed_messages_conversation_id", "relayed_messages", ["conversation_id"])
    op.create_table(
        "takeover_offers",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("handoff_id", sa.Integer(), sa.ForeignKey("handoffs.id", ondelete="CASCADE"), nullable=False),
        sa.Column("agent_user_id", sa.BigInteger(), nullable=False),
        _when("asked_at", nullable=False),
        sa.UniqueConstraint("handoff_id", "agent_user_id", name="uq_takeover_offers_handoff_agent"),
    )
    op.create_table(
        "desk_boards",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("chat_id", sa.BigInteger(), nullable=False, unique=True),
        sa.Column("message_id", sa.BigInteger(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False, server_default=""),
        _when("updated_at", nullable=False),
    )


def downgrade() -> None:
    op.drop_table("desk_boards")
    op.drop_table("takeover_offers")
    op.drop_index("ix_relayed_messages_conversation_id", "relayed_messages")
    op.drop_index("ix_relayed_messages_handoff_customer", "relayed_messages")
    op.drop_index("ix_relayed_messages_handoff_topic", "relayed_messages")
    op.drop_table("relayed_messages")
    op.drop_index("ix_case_notes_conversation_id", "case_notes")
    op.drop_table("case_notes")
    with op.batch_alter_table("handoffs") as batch:
        for column in ("rating_asked", "previous_handoff_id", "resolution_note", "nudge_stage", "reply_due_at",
                       "waiting_since", "topic_title", "card_message_id"):
            batch.drop_column(column)
    with op.batch_alter_table("agents") as batch:
        batch.drop_column("is_lead")
        batch.drop_column("away_since")
        batch.drop_column("away")
