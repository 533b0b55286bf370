"""Updates the bot failed to handle: their tries (shared by every worker), then what was kept for the team.

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "failed_updates",
        sa.Column("update_id", sa.BigInteger(), primary_key=True, autoincrement=False),
        sa.Column("chat_key", sa.String(80), nullable=False),
        sa.Column("error", sa.String(120), nullable=False),
        sa.Column("tries", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("first_failed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_failed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("given_up_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_failed_updates_given_up_at", "failed_updates", ["given_up_at"])


def downgrade() -> None:
    op.drop_index("ix_failed_updates_given_up_at", table_name="failed_updates")
    op.drop_table("failed_updates")
