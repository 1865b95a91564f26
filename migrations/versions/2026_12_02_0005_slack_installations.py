"""Slack OAuth: installations and bot tokens (encrypted), workspaces and their uninstall
time, OAuth states.

Additive: four new tables.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02 05:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_TS = sa.DateTime(timezone=True)


def _ids() -> list[sa.Column]:
    return [
        sa.Column("enterprise_id", sa.String(length=32), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
    ]


def _shared() -> list[sa.Column]:
    """The columns an installation and a workspace's bot both have."""
    return [
        sa.Column("app_id", sa.String(length=32), nullable=True),
        sa.Column("enterprise_name", sa.String(length=200), nullable=True),
        sa.Column("team_name", sa.String(length=200), nullable=True),
        sa.Column("bot_id", sa.String(length=32), nullable=True),
        sa.Column("bot_user_id", sa.String(length=32), nullable=True),
        sa.Column("bot_scopes", sa.Text(), nullable=True),
        sa.Column("bot_refresh_token", sa.Text(), nullable=True),
        sa.Column("bot_token_expires_at", _TS, nullable=True),
        sa.Column("is_enterprise_install", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("installed_at", _TS, nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "slack_installation",
        sa.Column("id", _ID, nullable=False),
        *_ids(),
        *_shared(),
        sa.Column("user_id", sa.String(length=32), nullable=False),
        sa.Column("enterprise_url", sa.String(length=300), nullable=True),
        sa.Column("bot_token", sa.Text(), nullable=True),
        sa.Column("user_scopes", sa.Text(), nullable=True),
        sa.Column("user_token", sa.Text(), nullable=True),
        sa.Column("user_refresh_token", sa.Text(), nullable=True),
        sa.Column("user_token_expires_at", _TS, nullable=True),
        sa.Column("incoming_webhook_url", sa.Text(), nullable=True),
        sa.Column("incoming_webhook_channel", sa.String(length=200), nullable=True),
        sa.Column("incoming_webhook_channel_id", sa.String(length=32), nullable=True),
        sa.Column("incoming_webhook_configuration_url", sa.String(length=300), nullable=True),
        sa.Column("token_type", sa.String(length=16), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_slack_installation")),
        sa.UniqueConstraint(
            "enterprise_id",
            "team_id",
            "user_id",
            name=op.f("uq_slack_installation_enterprise_id_team_id_user_id"),
        ),
    )
    op.create_table(
        "slack_bot",
        sa.Column("id", _ID, nullable=False),
        *_ids(),
        *_shared(),
        sa.Column("bot_token", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_slack_bot")),
        sa.UniqueConstraint(
            "enterprise_id", "team_id", name=op.f("uq_slack_bot_enterprise_id_team_id")
        ),
    )
    op.create_table(
        "slack_workspace",
        *_ids(),
        sa.Column("team_name", sa.String(length=200), nullable=True),
        sa.Column("installed_at", _TS, nullable=False),
        sa.Column("uninstalled_at", _TS, nullable=True),
        sa.PrimaryKeyConstraint("enterprise_id", "team_id", name=op.f("pk_slack_workspace")),
    )
    op.create_index(
        op.f("ix_slack_workspace_uninstalled_at"), "slack_workspace", ["uninstalled_at"]
    )
    op.create_table(
        "slack_oauth_state",
        sa.Column("state", sa.String(length=100), nullable=False),
        sa.Column("expires_at", _TS, nullable=False),
        sa.PrimaryKeyConstraint("state", name=op.f("pk_slack_oauth_state")),
    )
    op.create_index(op.f("ix_slack_oauth_state_expires_at"), "slack_oauth_state", ["expires_at"])


def downgrade() -> None:
    op.drop_index(op.f("ix_slack_oauth_state_expires_at"), table_name="slack_oauth_state")
    op.drop_table("slack_oauth_state")
    op.drop_index(op.f("ix_slack_workspace_uninstalled_at"), table_name="slack_workspace")
    op.drop_table("slack_workspace")
    op.drop_table("slack_bot")
    op.drop_table("slack_installation")
