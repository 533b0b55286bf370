"""The ledger of handled updates knows whose chat each update was, so erasing a customer erases theirs.

Also indexes when each was handled: rows past Telegram's redelivery window are pruned by it.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("processed_updates") as batch:
        batch.add_column(sa.Column("chat_key", sa.String(80), nullable=True))
        batch.create_index("ix_processed_updates_chat_key", ["chat_key"])
        batch.create_index("ix_processed_updates_received_at", ["received_at"])


def downgrade() -> None:
    with op.batch_alter_table("processed_updates") as batch:
        batch.drop_index("ix_processed_updates_received_at")
        batch.drop_index("ix_processed_updates_chat_key")
        batch.drop_column("chat_key")
