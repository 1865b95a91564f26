"""Where a person's reminders and notices go: ``app_user.notice_platform``.

NULL (everyone until they choose) means the platform they last wrote on; otherwise one of
``slack``, ``discord``, ``console``. Additive: one nullable column.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 05:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("app_user") as batch:
        batch.add_column(sa.Column("notice_platform", sa.String(length=16), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("app_user") as batch:
        batch.drop_column("notice_platform")
