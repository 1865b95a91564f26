"""Assignment outcomes found without scanning every open assignment.

The poll looked for open assignments whose task was done or deleted by joining every open,
told assignment to its task: its cost grew with the number of assignments still open
(11.5 ms idle at 1,000, 50.6 ms at 20,000). Now ``task_assignment.task_completed_at``
mirrors the task's ``completed_at`` (a trigger on ``task`` keeps it, in the statement that
completes or reopens the task, so no code path can forget it), and a partial index holds just
the assignments whose outcome is due: finished (task done) or declined (task deleted, so
``task_id`` NULL). An idle poll reads an empty index.

One nullable column (filled from the tasks), one trigger, one partial index; the index on
``state`` goes (it served only this poll, and SQLite's planner preferred it to the partial
index, scanning every open assignment again).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 05:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OUTCOME_DUE = "state = 'open' AND (task_id IS NULL OR task_completed_at IS NOT NULL)"

_SQLITE_TRIGGER = """
CREATE TRIGGER tr_task_completion_to_assignment
AFTER UPDATE OF completed_at ON task
WHEN NEW.completed_at IS NOT OLD.completed_at
BEGIN
    UPDATE task_assignment SET task_completed_at = NEW.completed_at WHERE task_id = NEW.id;
END
"""

_POSTGRES_FUNCTION = """
CREATE FUNCTION task_completion_to_assignment() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE task_assignment SET task_completed_at = NEW.completed_at WHERE task_id = NEW.id;
    RETURN NULL;
END
$$
"""

_POSTGRES_TRIGGER = """
CREATE TRIGGER tr_task_completion_to_assignment
AFTER UPDATE OF completed_at ON task
FOR EACH ROW WHEN (NEW.completed_at IS DISTINCT FROM OLD.completed_at)
EXECUTE FUNCTION task_completion_to_assignment()
"""


def upgrade() -> None:
    with op.batch_alter_table("task_assignment") as batch:
        batch.add_column(sa.Column("task_completed_at", sa.DateTime(timezone=True), nullable=True))
    op.execute(
        "UPDATE task_assignment SET task_completed_at = "
        "(SELECT task.completed_at FROM task WHERE task.id = task_assignment.task_id) "
        "WHERE task_id IS NOT NULL"
    )
    op.create_index(
        "ix_task_assignment_outcome_due",
        "task_assignment",
        ["id"],
        unique=False,
        sqlite_where=sa.text(OUTCOME_DUE),
        postgresql_where=sa.text(OUTCOME_DUE),
    )
    op.drop_index("ix_task_assignment_state", table_name="task_assignment")
    if op.get_context().dialect.name == "postgresql":
        op.execute(_POSTGRES_FUNCTION)
        op.execute(_POSTGRES_TRIGGER)
    else:
        op.execute(_SQLITE_TRIGGER)


def downgrade() -> None:
    if op.get_context().dialect.name == "postgresql":
        op.execute("DROP TRIGGER tr_task_completion_to_assignment ON task")
        op.execute("DROP FUNCTION task_completion_to_assignment()")
    else:
        op.execute("DROP TRIGGER tr_task_completion_to_assignment")
    op.drop_index("ix_task_assignment_outcome_due", table_name="task_assignment")
    op.create_index("ix_task_assignment_state", "task_assignment", ["state"], unique=False)
    with op.batch_alter_table("task_assignment") as batch:
        batch.drop_column("task_completed_at")
