"""Handoffs to people, agents' working hours, skills and load cap, and agents' flags.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

AGENT_COLUMNS = ("last_assigned_at", "max_chats", "skills", "work_days", "work_hours", "timezone")


def upgrade() -> None:
    with op.batch_alter_table("agents") as batch:
        batch.add_column(sa.Column("timezone", sa.String(64), nullable=False, server_default="UTC"))
        batch.add_column(sa.Column("work_hours", sa.String(16), nullable=False, server_default="09:00-18:00"))
        batch.add_column(sa.Column("work_days", sa.String(16), nullable=False, server_default="mon-fri"))
        batch.add_column(sa.Column("skills", sa.String(256), nullable=False, server_default=""))
        batch.add_column(sa.Column("max_chats", sa.Integer(), nullable=False, server_default="3"))
        batch.add_column(sa.Column("last_assigned_at", sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        "handoffs",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("conversation_id", sa.Integer(), sa.ForeignKey("conversations.id", ondelete="CASCADE"), nullable=False),
        sa.Column("reason", sa.String(32), nullable=False),
        sa.Column("detail", sa.String(256), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("agent_user_id", sa.BigInteger(), nullable=True),
        sa.Column("thread_id", sa.BigInteger(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expected_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("assigned_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("first_reply_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("anger_before", sa.Float(), nullable=True),
        sa.Column("anxiety_before", sa.Float(), nullable=True),
        sa.Column("anger_at_resolution", sa.Float(), nullable=True),
        sa.Column("anxiety_at_resolution", sa.Float(), nullable=True),
    )
    for column in ("conversation_id", "status", "agent_user_id", "thread_id"):
        op.create_index(f"ix_handoffs_{column}", "handoffs", [column])
    op.create_table(
        "flags",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("conversation_id", sa.Integer(), sa.ForeignKey("conversations.id", ondelete="CASCADE"), nullable=False),
        sa.Column("message_id", sa.Integer(), sa.ForeignKey("messages.id", ondelete="SET NULL"), nullable=True),
        sa.Column("agent_user_id", sa.BigInteger(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_flags_conversation_id", "flags", ["conversation_id"])


def downgrade() -> None:
    op.drop_index("ix_flags_conversation_id", "flags")
    op.drop_table("flags")
    for column in ("thread_id", "agent_user_id", "status", "conversation_id"):
        op.drop_index(f"ix_handoffs_{column}", "handoffs")
    op.drop_table("handoffs")
    with op.batch_alter_table("agents") as batch:
        for column in AGENT_COLUMNS:
            batch.drop_column(column)
