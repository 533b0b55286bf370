"""Console sessions that can be ended: a per-trainer session version; a removed trainer's corrections stay.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

CORRECTIONS_TRAINER_FK = "corrections_trainer_id_fkey"
"""PostgreSQL's name for the unnamed foreign key of 0005; SQLite does not enforce it (no PRAGMA foreign_keys)."""


def upgrade() -> None:
    with op.batch_alter_table("trainers") as batch:
        batch.add_column(sa.Column("session_version", sa.Integer(), nullable=False, server_default="1"))
    with op.batch_alter_table("corrections") as batch:
        batch.alter_column("trainer_id", existing_type=sa.Integer(), nullable=True)
    _trainer_foreign_key(ondelete="SET NULL")


def downgrade() -> None:
    op.execute("DELETE FROM corrections WHERE trainer_id IS NULL")
    _trainer_foreign_key(ondelete="CASCADE")
    with op.batch_alter_table("corrections") as batch:
        batch.alter_column("trainer_id", existing_type=sa.Integer(), nullable=False)
    with op.batch_alter_table("trainers") as batch:
        batch.drop_column("session_version")


def _trainer_foreign_key(ondelete: str) -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.drop_constraint(CORRECTIONS_TRAINER_FK, "corrections", type_="foreignkey")
    op.create_foreign_key(CORRECTIONS_TRAINER_FK, "corrections", "trainers", ["trainer_id"], ["id"], ondelete=ondelete)
