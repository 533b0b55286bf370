"""Promises with their checks, announced gestures, and the closing of a conversation.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("conversations") as batch:
        batch.add_column(sa.Column("topic_id", sa.String(64), nullable=True))
        batch.add_column(sa.Column("apologised", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch.add_column(sa.Column("satisfaction", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        "promises",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("conversation_id", sa.Integer(), sa.ForeignKey("conversations.id", ondelete="CASCADE"), nullable=False),
        sa.Column("topic_id", sa.String(64), nullable=False),
        sa.Column("promised", sa.Text(), nullable=False),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("original_due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("check_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("extension_hours", sa.Float(), nullable=False),
        sa.Column("updates", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_promises_conversation_id", "promises", ["conversation_id"])
    op.create_index("ix_promises_status", "promises", ["status"])
    op.create_index("ix_promises_check_at", "promises", ["check_at"])
    op.create_table(
        "gestures",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("conversation_id", sa.Integer(), sa.ForeignKey("conversations.id", ondelete="CASCADE"), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("topic_id", sa.String(64), nullable=False),
        sa.Column("reason", sa.String(256), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_gestures_conversation_id", "gestures", ["conversation_id"])


def downgrade() -> None:
    op.drop_index("ix_gestures_conversation_id", "gestures")
    op.drop_table("gestures")
    for name in ("ix_promises_check_at", "ix_promises_status", "ix_promises_conversation_id"):
        op.drop_index(name, "promises")
    op.drop_table("promises")
    with op.batch_alter_table("conversations") as batch:
        for column in ("closed_at", "satisfaction", "apologised", "topic_id"):
            batch.drop_column(column)
