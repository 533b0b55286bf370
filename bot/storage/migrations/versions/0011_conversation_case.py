"""The case each conversation is on: its details (slots), the question the bot waits on, whether it is settled;
and, beside each bot reply, the case as it stood after that turn, for the console's transcript.

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("conversations") as batch:
        batch.add_column(sa.Column("slots", sa.Text(), nullable=False, server_default="{}"))
        batch.add_column(sa.Column("awaiting", sa.String(32), nullable=True))
        batch.add_column(sa.Column("misses", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("settled", sa.Boolean(), nullable=False, server_default=sa.false()))
    with op.batch_alter_table("messages") as batch:
        batch.add_column(sa.Column("case_after", sa.Text(), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("messages") as batch:
        batch.drop_column("case_after")
    with op.batch_alter_table("conversations") as batch:
        batch.drop_column("settled")
        batch.drop_column("misses")
        batch.drop_column("awaiting")
        batch.drop_column("slots")
