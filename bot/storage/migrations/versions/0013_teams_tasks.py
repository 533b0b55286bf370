"""Teams, their members, the tasks the bot's commitments become, their events, and helpdesk deliveries.

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def _when(name: str, nullable: bool = True) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "teams",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(32), nullable=False, unique=True),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("thread_id", sa.BigInteger(), nullable=True),
        sa.Column("timezone", sa.String(64), nullable=False),
        sa.Column("work_hours", sa.String(16), nullable=False),
        sa.Column("work_days", sa.String(64), nullable=False),
        sa.Column("target_hours", sa.Float(), nullable=False),
        sa.Column("lead_user_id", sa.BigInteger(), nullable=True),
        sa.Column("language", sa.String(8), nullable=False, server_default="en"),
        sa.Column("webhook_url", sa.Text(), nullable=True),
        sa.Column("webhook_secret", sa.String(128), nullable=True),
        sa.Column("inbound_token_hash", sa.String(64), nullable=True),
        _when("created_at", nullable=False),
    )
    op.create_table(
        "team_members",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("team_id", sa.Integer(), sa.ForeignKey("teams.id", ondelete="CASCADE"), nullable=False),
        sa.Column("telegram_user_id", sa.BigInteger(), nullable=False),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("role", sa.String(128), nullable=False),
        _when("created_at", nullable=False),
        sa.UniqueConstraint("team_id", "telegram_user_id", name="uq_team_members_team_user"),
    )
    op.create_index("ix_team_members_team_id", "team_members", ["team_id"])
    op.create_index("ix_team_members_telegram_user_id", "team_members", ["telegram_user_id"])
    op.create_table(
        "tasks",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("conversation_id", sa.Integer(), sa.ForeignKey("conversations.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("promise_id", sa.Integer(), sa.ForeignKey("promises.id", ondelete="SET NULL"), nullable=True),
        sa.Column("team_name", sa.String(32), nullable=False),
        sa.Column("kind", sa.String(64), nullable=False),
        sa.Column("topic_id", sa.String(64), nullable=False),
        sa.Column("promised", sa.Text(), nullable=False),
        sa.Column("order_ref", sa.String(64), nullable=True),
        sa.Column("facts", sa.Text(), nullable=False),
        sa.Column("verified", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("transcript", sa.Text(), nullable=False),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("priority", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("state", sa.String(16), nullable=False),
        _when("created_at", nullable=False),
        _when("original_due_at", nullable=False),
        _when("due_at", nullable=False),
        _when("warn_at", nullable=False),
        sa.Column("late_count", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("taken_by", sa.BigInteger(), nullable=True),
        _when("first_touch_at"),
        _when("closed_at"),
        sa.Column("outcome", sa.Text(), nullable=False),
        _when("lead_alerted_at"),
        sa.Column("card_chat_id", sa.BigInteger(), nullable=True),
        sa.Column("card_message_id", sa.BigInteger(), nullable=True),
        sa.Column("pending_action", sa.String(16), nullable=True),
        sa.Column("pending_by", sa.BigInteger(), nullable=True),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column("handoff_id", sa.Integer(), sa.ForeignKey("handoffs.id", ondelete="SET NULL"), nullable=True),
    )
    op.create_index("ix_tasks_conversation_id", "tasks", ["conversation_id"])
    op.create_index("ix_tasks_team_name", "tasks", ["team_name"])
    op.create_index("ix_tasks_state", "tasks", ["state"])
    op.create_index("ix_tasks_due_at", "tasks", ["due_at"])
    op.create_index("ix_tasks_card_message_id", "tasks", ["card_message_id"])
    op.create_table(
        "task_events",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("task_id", sa.Integer(), sa.ForeignKey("tasks.id", ondelete="CASCADE"), nullable=False),
        _when("at", nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("actor_user_id", sa.BigInteger(), nullable=True),
        sa.Column("actor_name", sa.String(64), nullable=False),
        sa.Column("actor_role", sa.String(128), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        _when("due_at"),
    )
    op.create_index("ix_task_events_task_id", "task_events", ["task_id"])
    op.create_table(
        "task_deliveries",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("task_id", sa.Integer(), sa.ForeignKey("tasks.id", ondelete="CASCADE"), nullable=False),
        sa.Column("team_name", sa.String(32), nullable=False),
        sa.Column("message_id", sa.String(64), nullable=False, unique=True),
        sa.Column("event", sa.String(32), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        _when("next_attempt_at", nullable=False),
        _when("delivered_at"),
        _when("given_up_at"),
        sa.Column("last_error", sa.String(120), nullable=False),
    )
    op.create_index("ix_task_deliveries_task_id", "task_deliveries", ["task_id"])
    op.create_index("ix_task_deliveries_next_attempt_at", "task_deliveries", ["next_attempt_at"])


def downgrade() -> None:
    op.drop_table("task_deliveries")
    op.drop_table("task_events")
    op.drop_table("tasks")
    op.drop_table("team_members")
    op.drop_table("teams")
