"""Which orders the customer proved are theirs in this conversation, and how many proofs failed.

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("conversations") as batch:
        batch.add_column(sa.Column("verified", sa.Text(), nullable=False, server_default="[]"))
        batch.add_column(sa.Column("failed_proofs", sa.Integer(), nullable=False, server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("conversations") as batch:
        batch.drop_column("failed_proofs")
        batch.drop_column("verified")
