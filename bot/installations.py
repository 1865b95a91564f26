"""The seam between Slack's OAuth install flow and storage: who installed the app where, with
which tokens, and the one-time ``state`` values of installs under way.

Field names are Slack's (``slack_sdk``'s ``Installation`` and ``Bot``), so the adapter turns
one into the other by name. Tokens are in the clear here, in memory only; the store keeps
them encrypted. An org-wide install has no ``team_id``; a workspace install no
``enterprise_id``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol


@dataclass(frozen=True, slots=True)
class WorkspaceBot:
    """A workspace's bot token (what every event from it is answered with)."""

    enterprise_id: str | None
    team_id: str | None
    bot_token: str
    installed_at: datetime
    app_id: str | None = None
    enterprise_name: str | None = None
    team_name: str | None = None
    bot_id: str | None = None
    bot_user_id: str | None = None
    bot_scopes: str | None = None  # comma-separated, as Slack sends them
    bot_refresh_token: str | None = None
    bot_token_expires_at: datetime | None = None
    is_enterprise_install: bool = False


@dataclass(frozen=True, slots=True)
class WorkspaceInstallation:
    """One person's installation: the bot's token and, when asked for, their own."""

    enterprise_id: str | None
    team_id: str | None
    user_id: str  # who installed
    installed_at: datetime
    app_id: str | None = None
    enterprise_name: str | None = None
    enterprise_url: str | None = None
    team_name: str | None = None
    bot_token: str | None = None
    bot_id: str | None = None
    bot_user_id: str | None = None
    bot_scopes: str | None = None
    bot_refresh_token: str | None = None
    bot_token_expires_at: datetime | None = None
    user_token: str | None = None
    user_scopes: str | None = None
    user_refresh_token: str | None = None
    user_token_expires_at: datetime | None = None
    incoming_webhook_url: str | None = None
    incoming_webhook_channel: str | None = None
    incoming_webhook_channel_id: str | None = None
    incoming_webhook_configuration_url: str | None = None
    is_enterprise_install: bool = False
    token_type: str | None = None


class InstallationStore(Protocol):
    async def save_installation(self, *, installation: WorkspaceInstallation) -> None:
        """Keep the person's latest installation and (with a bot token) the workspace's bot;
        the workspace counts as installed again (a pending deletion of its data is off)."""

    async def save_bot(self, *, bot: WorkspaceBot) -> None:
        """Replace the workspace's bot (a refreshed token)."""

    async def find_bot(
        self, *, enterprise_id: str | None, team_id: str | None
    ) -> WorkspaceBot | None: ...

    async def find_installation(
        self, *, enterprise_id: str | None, team_id: str | None, user_id: str | None = None
    ) -> WorkspaceInstallation | None:
        """``user_id``'s installation, or (``None``) the workspace's latest one; either way
        with the workspace's current bot token."""

    async def delete_bot(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        now: datetime,
        sent_at: datetime | None = None,
    ) -> None:
        """The bot token is gone at once and the workspace counts as uninstalled from
        ``now``: its data is deleted after the grace period unless it is installed again.

        ``sent_at``: when the platform sent the uninstall; one sent before the workspace's
        latest install (a retry delivered late) changes nothing."""

    async def delete_installation(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        user_id: str | None = None,
        sent_at: datetime | None = None,
    ) -> None:
        """One person's installation (their user token), or (``None``) everyone's; as
        ``delete_bot``, nothing when ``sent_at`` is before the latest install."""

    async def issue_state(self, *, state: str, expires_at: datetime, now: datetime) -> None:
        """Keeps ``state`` until ``expires_at``; the store never holds more than a bounded
        number (``/slack/install`` needs no sign-in, so anyone can ask for states)."""

    async def consume_state(self, *, state: str, now: datetime) -> bool:
        """True once for a state issued and not yet expired; false ever after."""


@dataclass(frozen=True, slots=True)
class PurgedWorkspace:
    """A workspace whose data was deleted after its uninstall grace period."""

    tenant: str
    users: int
    identities: int
    conversations: int
