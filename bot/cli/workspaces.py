"""Many Slack workspaces, wired at the composition root: the installation store (tokens sealed
under ``TODOBOT_TOKEN_KEY``) when OAuth is configured, and the deletion of uninstalled
workspaces' data after ``[privacy] uninstall_grace_days``."""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from datetime import datetime, timedelta

from bot.installations import InstallationStore, PurgedWorkspace
from storage.sql import SqlStorage
from storage.sql.installations import SqlInstallationStore
from storage.sql.token_cipher import TokenCipher
from storage.sql.workspace_purge import SqlWorkspacePurge

log = logging.getLogger(__name__)

OAUTH_VARIABLES = ("SLACK_CLIENT_ID", "SLACK_CLIENT_SECRET")


def oauth_configured(env: Mapping[str, str] | None = None) -> bool:
    env = os.environ if env is None else env
    return any(env.get(name, "").strip() for name in OAUTH_VARIABLES)


def installation_store(
    storage: SqlStorage, env: Mapping[str, str] | None = None
) -> InstallationStore | None:
    """The store of Slack installs, or ``None`` for a single workspace (no OAuth).

    A missing or malformed ``TODOBOT_TOKEN_KEY`` is a one-line ``ConfigError``.
    """
    if not oauth_configured(env):
        return None
    return SqlInstallationStore(storage.database, TokenCipher.from_env(env))


async def purge_uninstalled(
    storage: SqlStorage, *, now: datetime, grace_days: int
) -> list[PurgedWorkspace]:
    """Delete the data of workspaces uninstalled more than ``grace_days`` before ``now``."""
    purged = await SqlWorkspacePurge(storage.database).purge_uninstalled(
        uninstalled_before=now - timedelta(days=grace_days)
    )
    for workspace in purged:
        log.info(
            "deleted the data of Slack workspace %s, uninstalled over %d days ago: %d people, "
            "%d identities, %d conversations",
            workspace.tenant,
            grace_days,
            workspace.users,
            workspace.identities,
            workspace.conversations,
        )
    return purged
