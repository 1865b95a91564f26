"""Teams: task assignments, one-time link codes, tasks carried by a link; assignment
notices in ``reminder_delivery``.

Additive: new tables, one nullable column, and the delivery ``kind`` check widened.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02 02:05:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_KINDS_OLD = "kind IN ('reminder', 'digest')"
_KINDS_NEW = "kind IN ('reminder', 'digest', 'assigned', 'assigned-done', 'assigned-declined')"
_TS = sa.DateTime(timezone=True)


def _user_fk(table: str, column: str, ondelete: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column],
        ["app_user.id"],
        name=op.f(f"fk_{table}_{column}_app_user"),
        ondelete=ondelete,
    )


def upgrade() -> None:
    with op.batch_alter_table("reminder_delivery") as batch:
        batch.add_column(sa.Column("counterpart", sa.String(length=200), nullable=True))
        # "assigned-declined" is longer than the 16 characters "reminder" needed.
        batch.alter_column("kind", existing_type=sa.String(length=16), type_=sa.String(length=32))
        batch.drop_constraint(op.f("ck_reminder_delivery_kind"), type_="check")
        batch.create_check_constraint("kind", _KINDS_NEW)
    op.create_table(
        "task_assignment",
        sa.Column("id", _ID, nullable=False),
        sa.Column("task_id", _ID, nullable=True),
        sa.Column("assignee_user_id", _ID, nullable=False),
        sa.Column("assigner_user_id", _ID, nullable=True),
        sa.Column("assigner_ref", sa.String(length=300), nullable=True),
        sa.Column("assigner_name", sa.String(length=200), server_default="", nullable=False),
        sa.Column("assignee_name", sa.String(length=200), server_default="", nullable=False),
        sa.Column("task_number", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=500), nullable=False),
        sa.Column("state", sa.String(length=16), server_default="open", nullable=False),
        sa.Column("notified_at", _TS, nullable=True),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("closed_at", _TS, nullable=True),
        sa.CheckConstraint(
            "state IN ('open', 'done', 'declined')", name=op.f("ck_task_assignment_state")
        ),
        sa.ForeignKeyConstraint(
            ["task_id"],
            ["task.id"],
            name=op.f("fk_task_assignment_task_id_task"),
            ondelete="SET NULL",
        ),
        _user_fk("task_assignment", "assignee_user_id", "CASCADE"),
        _user_fk("task_assignment", "assigner_user_id", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_task_assignment")),
        sa.UniqueConstraint("task_id", name=op.f("uq_task_assignment_task_id")),
    )
    op.create_index("ix_task_assignment_state", "task_assignment", ["state"])
    op.create_index(
        "ix_task_assignment_unnotified",
        "task_assignment",
        ["created_at"],
        postgresql_where=sa.text("notified_at IS NULL"),
        sqlite_where=sa.text("notified_at IS NULL"),
    )
    op.create_index(
        op.f("ix_task_assignment_assignee_user_id"), "task_assignment", ["assignee_user_id"]
    )
    op.create_index(
        op.f("ix_task_assignment_assigner_user_id"), "task_assignment", ["assigner_user_id"]
    )
    op.create_table(
        "link_code",
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("user_id", _ID, nullable=False),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("expires_at", _TS, nullable=False),
        sa.Column("used_at", _TS, nullable=True),
        _user_fk("link_code", "user_id", "CASCADE"),
        sa.PrimaryKeyConstraint("code_hash", name=op.f("pk_link_code")),
    )
    op.create_index(op.f("ix_link_code_user_id"), "link_code", ["user_id"])
    op.create_table(
        "link_attempt",
        sa.Column("id", _ID, nullable=False),
        sa.Column("user_id", _ID, nullable=False),
        sa.Column("at", _TS, nullable=False),
        _user_fk("link_attempt", "user_id", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_link_attempt")),
    )
    op.create_index("ix_link_attempt_user_id_at", "link_attempt", ["user_id", "at"])
    op.create_table(
        "linked_task",
        sa.Column("task_id", _ID, nullable=False),
        sa.Column("platform", sa.String(length=16), nullable=False),
        sa.Column("tenant", sa.String(length=64), nullable=False),
        sa.Column("external_id", sa.String(length=128), nullable=False),
        sa.ForeignKeyConstraint(
            ["task_id"], ["task.id"], name=op.f("fk_linked_task_task_id_task"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("task_id", name=op.f("pk_linked_task")),
    )


def downgrade() -> None:
    op.drop_table("linked_task")
    op.drop_index("ix_link_attempt_user_id_at", table_name="link_attempt")
    op.drop_table("link_attempt")
    op.drop_index(op.f("ix_link_code_user_id"), table_name="link_code")
    op.drop_table("link_code")
    op.drop_index(op.f("ix_task_assignment_assigner_user_id"), table_name="task_assignment")
    op.drop_index(op.f("ix_task_assignment_assignee_user_id"), table_name="task_assignment")
    op.drop_index("ix_task_assignment_unnotified", table_name="task_assignment")
    op.drop_index("ix_task_assignment_state", table_name="task_assignment")
    op.drop_table("task_assignment")
    op.execute(
        sa.text(
            "DELETE FROM reminder_delivery WHERE kind IN "
            "('assigned', 'assigned-done', 'assigned-declined')"
        )
    )
    with op.batch_alter_table("reminder_delivery") as batch:
        batch.drop_constraint(op.f("ck_reminder_delivery_kind"), type_="check")
        batch.create_check_constraint("kind", _KINDS_OLD)
        batch.alter_column("kind", existing_type=sa.String(length=32), type_=sa.String(length=16))
        batch.drop_column("counterpart")
