"""Reminders: task reminder time, repeat rule and place; reminder deliveries; daily digests.

Additive only: new nullable columns on ``task`` and two new tables.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-02 01:15:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    with op.batch_alter_table("task") as batch:
        batch.add_column(sa.Column("remind_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("reminded_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("repeat", sa.String(length=500), nullable=True))
        batch.add_column(sa.Column("place", sa.String(length=400), nullable=True))
    op.create_index(
        "ix_task_remind_at",
        "task",
        ["remind_at"],
        postgresql_where=sa.text("remind_at IS NOT NULL"),
        sqlite_where=sa.text("remind_at IS NOT NULL"),
    )
    op.create_table(
        "reminder_delivery",
        sa.Column("id", _ID, nullable=False),
        sa.Column("dedup_key", sa.String(length=200), nullable=False),
        sa.Column("user_id", _ID, nullable=False),
        sa.Column("task_id", _ID, nullable=True),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("task_number", sa.Integer(), nullable=True),
        sa.Column("title", sa.String(length=500), server_default="", nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("due_has_time", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("fire_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("place", sa.String(length=400), nullable=True),
        sa.Column("state", sa.String(length=16), server_default="claimed", nullable=False),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("attempts", sa.Integer(), server_default="1", nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("error", sa.String(length=500), nullable=True),
        sa.CheckConstraint(
            "kind IN ('reminder', 'digest')", name=op.f("ck_reminder_delivery_kind")
        ),
        sa.CheckConstraint(
            "state IN ('claimed', 'sent', 'failed')", name=op.f("ck_reminder_delivery_state")
        ),
        sa.ForeignKeyConstraint(
            ["task_id"],
            ["task.id"],
            name=op.f("fk_reminder_delivery_task_id_task"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["app_user.id"],
            name=op.f("fk_reminder_delivery_user_id_app_user"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reminder_delivery")),
        sa.UniqueConstraint("dedup_key", name=op.f("uq_reminder_delivery_dedup_key")),
    )
    op.create_index(
        "ix_reminder_delivery_state_claimed_at", "reminder_delivery", ["state", "claimed_at"]
    )
    op.create_index(op.f("ix_reminder_delivery_user_id"), "reminder_delivery", ["user_id"])
    op.create_table(
        "digest",
        sa.Column("user_id", _ID, nullable=False),
        sa.Column("at_local", sa.String(length=5), nullable=False),
        sa.Column("always", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("place", sa.String(length=400), nullable=True),
        sa.Column("next_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["app_user.id"],
            name=op.f("fk_digest_user_id_app_user"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_digest")),
    )
    op.create_index(op.f("ix_digest_next_at"), "digest", ["next_at"])


def downgrade() -> None:
    op.drop_index(op.f("ix_digest_next_at"), table_name="digest")
    op.drop_table("digest")
    op.drop_index(op.f("ix_reminder_delivery_user_id"), table_name="reminder_delivery")
    op.drop_index("ix_reminder_delivery_state_claimed_at", table_name="reminder_delivery")
    op.drop_table("reminder_delivery")
    op.drop_index("ix_task_remind_at", table_name="task")
    with op.batch_alter_table("task") as batch:
        batch.drop_column("place")
        batch.drop_column("repeat")
        batch.drop_column("reminded_at")
        batch.drop_column("remind_at")
