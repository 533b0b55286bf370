"""Model comparisons (progress and result, so they survive a restart) and every promotion and
rollback of the live model.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "model_comparisons",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("candidate", sa.String(128), nullable=False),
        sa.Column("live", sa.String(128), nullable=False),
        sa.Column("trainer", sa.String(64), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("rows_done", sa.Integer(), nullable=False),
        sa.Column("rows_total", sa.Integer(), nullable=False),
        sa.Column("result", sa.Text(), nullable=True),
        sa.Column("error", sa.String(256), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_model_comparisons_state", "model_comparisons", ["state"])
    op.create_table(
        "model_changes",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("action", sa.String(16), nullable=False),
        sa.Column("previous", sa.String(128), nullable=False),
        sa.Column("live", sa.String(128), nullable=False),
        sa.Column("trainer", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("model_changes")
    op.drop_index("ix_model_comparisons_state", "model_comparisons")
    op.drop_table("model_comparisons")
