"""Processed events: answered when the reply is posted, and the stored message of the claim.

A claim whose process died before it answered can then be taken over by a later delivery of
the event (after a lease), reusing the person's message instead of storing it again. Events
recorded before this revision were answered when they were claimed, so they count as answered.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02 02:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("processed_event", schema=None) as batch_op:
        batch_op.add_column(sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(
            sa.Column(
                "message_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
            )
        )
    op.execute("UPDATE processed_event SET answered_at = seen_at")


def downgrade() -> None:
    with op.batch_alter_table("processed_event", schema=None) as batch_op:
        batch_op.drop_column("message_id")
        batch_op.drop_column("answered_at")
