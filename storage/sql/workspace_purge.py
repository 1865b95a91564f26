"""Deleting an uninstalled Slack workspace's data once its grace period is over.

What goes, in one transaction per workspace: the people known only there (their tasks,
messages, reminders, link codes — ``app_user``'s cascades), the workspace's channel lists, its
conversations with every message in them, and the workspace's identities of people linked to
other platforms (who keep their list, which is theirs everywhere). Tasks those people handed
out stay with their owners, anonymised as for "forget me". Last, the workspace's rows.
A reinstall before then clears ``uninstalled_at`` (``SqlInstallationStore``), so nothing goes.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, delete, not_, or_, select, update
from sqlalchemy.engine import Connection

from bot.identity import ConversationKey
from bot.installations import PurgedWorkspace
from storage.sql.models import (
    AppUser,
    ConversationRow,
    LinkedTask,
    SlackBotRow,
    SlackInstallationRow,
    SlackWorkspace,
    TaskAssignment,
    UserIdentity,
)
from storage.sql.session import Database

SLACK = "slack"
_CHUNK = 500  # ids per IN list


class SqlWorkspacePurge:
    def __init__(self, database: Database) -> None:
        self._db = database

    async def purge_uninstalled(self, *, uninstalled_before: datetime) -> list[PurgedWorkspace]:
        """Delete the data of every workspace uninstalled before ``uninstalled_before``."""

        def due(conn: Connection) -> list[tuple[str, str]]:
            rows = conn.execute(
                select(SlackWorkspace.enterprise_id, SlackWorkspace.team_id).where(
                    SlackWorkspace.uninstalled_at < uninstalled_before
                )
            ).all()
            return [(r.enterprise_id, r.team_id) for r in rows]

        purged = []
        for enterprise_id, team_id in await self._db.run(due, write=False):

            def purge(
                conn: Connection, e: str = enterprise_id, t: str = team_id
            ) -> PurgedWorkspace | None:
                return _purge(conn, e, t, uninstalled_before)

            # A big workspace is seconds of deletes: on SQLite, off the event loop, so Slack's
            # acknowledgements and Discord's heartbeats keep flowing meanwhile.
            purged.append(await self._db.run(purge, heavy=True))
        return [p for p in purged if p is not None]


def _purge(
    conn: Connection, enterprise_id: str, team_id: str, uninstalled_before: datetime
) -> PurgedWorkspace | None:
    workspace = [SlackWorkspace.enterprise_id == enterprise_id, SlackWorkspace.team_id == team_id]
    # Decided again inside the transaction: a reinstall since the look-up calls it off.
    still_due = conn.execute(
        select(SlackWorkspace.team_id)
        .where(*workspace, SlackWorkspace.uninstalled_at < uninstalled_before)
        .with_for_update()
    ).first()
    if still_due is None:
        return None
    tenant = team_id  # the tenant of todobot's Slack identities and conversations
    users = identities = conversations = 0
    if tenant:
        # Imported here: bot.teams.channel pulls in the toolbox, which imports it back.
        from bot.teams.channel import channel_ref

        lists = channel_ref(ConversationKey(SLACK, tenant, "", ""))  # the channel lists' owners
        in_tenant = or_(
            and_(UserIdentity.platform == SLACK, UserIdentity.tenant == tenant),
            and_(UserIdentity.platform == lists.platform, UserIdentity.tenant == lists.tenant),
        )
        doomed = list(
            conn.scalars(
                select(UserIdentity.user_id)
                .where(in_tenant)
                .except_(select(UserIdentity.user_id).where(not_(in_tenant)))
            )
        )
        identities = conn.execute(delete(UserIdentity).where(in_tenant)).rowcount or 0
        conn.execute(
            delete(LinkedTask).where(LinkedTask.platform == SLACK, LinkedTask.tenant == tenant)
        )
        conversations = (
            conn.execute(
                delete(ConversationRow).where(
                    ConversationRow.platform == SLACK, ConversationRow.tenant == tenant
                )
            ).rowcount
            or 0
        )
        for start in range(0, len(doomed), _CHUNK):
            chunk = doomed[start : start + _CHUNK]
            conn.execute(
                update(TaskAssignment)
                .where(TaskAssignment.assigner_user_id.in_(chunk))
                .values(assigner_user_id=None, assigner_ref=None, assigner_name="")
            )
            users += conn.execute(delete(AppUser).where(AppUser.id.in_(chunk))).rowcount or 0
    for model in (SlackInstallationRow, SlackBotRow):
        conn.execute(
            delete(model).where(model.enterprise_id == enterprise_id, model.team_id == team_id)
        )
    conn.execute(delete(SlackWorkspace).where(*workspace))
    return PurgedWorkspace(
        tenant=tenant or enterprise_id,
        users=users,
        identities=identities,
        conversations=conversations,
    )
