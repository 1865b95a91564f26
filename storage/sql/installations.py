"""Slack installations, bot tokens and OAuth states on SQL, tokens sealed at rest.

Every token (bot, user, both refresh tokens, and the incoming-webhook URL, which is a
credential too) passes through ``TokenCipher`` on its way in and out: the database holds
Fernet tokens only. Saving a person's installation replaces their previous one, and saving a
bot the workspace's previous bot, in one transaction each. A state is consumed by one
``DELETE``: of two callbacks racing with the same state, only one deletes the row.
"""

from __future__ import annotations

from dataclasses import fields, replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.engine import Connection, Row

from bot.installations import WorkspaceBot, WorkspaceInstallation
from storage.sql.models import SlackBotRow, SlackInstallationRow, SlackOAuthState, SlackWorkspace
from storage.sql.session import Database
from storage.sql.token_cipher import TokenCipher

# Installs in flight at once: far above any real workspace's rate (a state lives 10 minutes).
MAX_LIVE_STATES = 1000

# Columns that hold a credential: sealed on write, opened on read.
_SEALED = frozenset(
    {"bot_token", "bot_refresh_token", "user_token", "user_refresh_token", "incoming_webhook_url"}
)
_INSTALLATION_FIELDS = tuple(f.name for f in fields(WorkspaceInstallation))
_BOT_FIELDS = tuple(f.name for f in fields(WorkspaceBot))
_INSTALLATION_COLUMNS = [getattr(SlackInstallationRow, name) for name in _INSTALLATION_FIELDS]
_BOT_COLUMNS = [getattr(SlackBotRow, name) for name in _BOT_FIELDS]


def _key(value: str | None) -> str:
    """ "" stands for "none" in the key columns (NULLs never collide in a unique key)."""
    return value or ""


def _where(model: Any, enterprise_id: str | None, team_id: str | None) -> list[Any]:
    """A workspace by its team id alone (Slack's are unique, and an Enterprise Grid workspace
    is then found with or without its org's id); an org-wide install by its enterprise id."""
    if team_id:
        return [model.team_id == team_id]
    return [model.enterprise_id == _key(enterprise_id), model.team_id == ""]


class SqlInstallationStore:
    """Implements ``bot.installations.InstallationStore``."""

    def __init__(self, database: Database, cipher: TokenCipher) -> None:
        self._db = database
        self._cipher = cipher

    def _sealed(self, values: dict[str, Any]) -> dict[str, Any]:
        for name in _SEALED & values.keys():
            values[name] = self._cipher.seal(values[name])
        values["enterprise_id"] = _key(values["enterprise_id"])
        values["team_id"] = _key(values["team_id"])
        return values

    def _opened(self, row: Row[Any], names: tuple[str, ...]) -> dict[str, Any]:
        values = dict(zip(names, row, strict=True))
        for name in _SEALED & values.keys():
            values[name] = self._cipher.open(values[name])
        values["enterprise_id"] = values["enterprise_id"] or None
        values["team_id"] = values["team_id"] or None
        return values

    async def save_installation(self, *, installation: WorkspaceInstallation) -> None:
        values = self._sealed({n: getattr(installation, n) for n in _INSTALLATION_FIELDS})
        bot = None
        if installation.bot_token is not None:
            bot = self._sealed({n: getattr(installation, n) for n in _BOT_FIELDS})

        def work(conn: Connection) -> None:
            conn.execute(
                delete(SlackInstallationRow).where(
                    *_where(SlackInstallationRow, installation.enterprise_id, installation.team_id),
                    SlackInstallationRow.user_id == installation.user_id,
                )
            )
            conn.execute(insert(SlackInstallationRow).values(**values))
            if bot is not None:
                _replace_bot(conn, bot)
            _mark_installed(conn, values, installation.installed_at)

        await self._db.run(work)

    async def save_bot(self, *, bot: WorkspaceBot) -> None:
        values = self._sealed({n: getattr(bot, n) for n in _BOT_FIELDS})
        await self._db.run(lambda conn: _replace_bot(conn, values))

    async def find_bot(
        self, *, enterprise_id: str | None, team_id: str | None
    ) -> WorkspaceBot | None:
        def work(conn: Connection) -> Row[Any] | None:
            return conn.execute(
                select(*_BOT_COLUMNS).where(*_where(SlackBotRow, enterprise_id, team_id))
            ).first()

        row = await self._db.run(work, write=False)
        return None if row is None else WorkspaceBot(**self._opened(row, _BOT_FIELDS))

    async def find_installation(
        self, *, enterprise_id: str | None, team_id: str | None, user_id: str | None = None
    ) -> WorkspaceInstallation | None:
        def work(conn: Connection) -> tuple[Row[Any] | None, Row[Any] | None]:
            query = select(*_INSTALLATION_COLUMNS).where(
                *_where(SlackInstallationRow, enterprise_id, team_id)
            )
            if user_id is not None:
                query = query.where(SlackInstallationRow.user_id == user_id)
            found = conn.execute(
                query.order_by(
                    SlackInstallationRow.installed_at.desc(), SlackInstallationRow.id.desc()
                ).limit(1)
            ).first()
            bot = conn.execute(
                select(*_BOT_COLUMNS).where(*_where(SlackBotRow, enterprise_id, team_id))
            ).first()
            return found, bot

        found, bot_row = await self._db.run(work, write=False)
        if found is None:
            return None
        installation = WorkspaceInstallation(**self._opened(found, _INSTALLATION_FIELDS))
        # The workspace's bot token is the newest one, whoever installed last.
        bot = self._opened(bot_row, _BOT_FIELDS) if bot_row is not None else None
        return replace(
            installation,
            bot_token=bot["bot_token"] if bot else None,
            bot_id=bot["bot_id"] if bot else installation.bot_id,
            bot_user_id=bot["bot_user_id"] if bot else installation.bot_user_id,
            bot_scopes=bot["bot_scopes"] if bot else installation.bot_scopes,
            bot_refresh_token=bot["bot_refresh_token"] if bot else None,
            bot_token_expires_at=bot["bot_token_expires_at"] if bot else None,
        )

    async def delete_bot(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        now: datetime,
        sent_at: datetime | None = None,
    ) -> None:
        def work(conn: Connection) -> None:
            if _sent_before_install(conn, enterprise_id, team_id, sent_at):
                return
            conn.execute(delete(SlackBotRow).where(*_where(SlackBotRow, enterprise_id, team_id)))
            # The bot tokens of people's installations go too: nothing can act as the bot.
            conn.execute(
                update(SlackInstallationRow)
                .where(*_where(SlackInstallationRow, enterprise_id, team_id))
                .values(bot_token=None, bot_refresh_token=None, bot_token_expires_at=None)
            )
            conn.execute(
                update(SlackWorkspace)
                .where(
                    *_where(SlackWorkspace, enterprise_id, team_id),
                    SlackWorkspace.uninstalled_at.is_(None),
                )
                .values(uninstalled_at=now)
            )

        await self._db.run(work)

    async def delete_installation(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        user_id: str | None = None,
        sent_at: datetime | None = None,
    ) -> None:
        condition = _where(SlackInstallationRow, enterprise_id, team_id)
        if user_id is not None:
            condition.append(SlackInstallationRow.user_id == user_id)

        def work(conn: Connection) -> None:
            if not _sent_before_install(conn, enterprise_id, team_id, sent_at):
                conn.execute(delete(SlackInstallationRow).where(*condition))

        await self._db.run(work)

    async def issue_state(self, *, state: str, expires_at: datetime, now: datetime) -> None:
        def work(conn: Connection) -> None:
            # Anyone can open /slack/install: stale states go at every issue, and past the cap
            # the oldest live ones make room (a flood can cost a pending install, never disk).
            conn.execute(delete(SlackOAuthState).where(SlackOAuthState.expires_at <= now))
            live = conn.execute(select(func.count()).select_from(SlackOAuthState)).scalar_one()
            if live >= MAX_LIVE_STATES:
                oldest = (
                    select(SlackOAuthState.state)
                    .order_by(SlackOAuthState.expires_at)
                    .limit(live - MAX_LIVE_STATES + 1)
                )
                conn.execute(delete(SlackOAuthState).where(SlackOAuthState.state.in_(oldest)))
            conn.execute(insert(SlackOAuthState).values(state=state, expires_at=expires_at))

        await self._db.run(work)

    async def consume_state(self, *, state: str, now: datetime) -> bool:
        def work(conn: Connection) -> bool:
            removed = conn.execute(
                delete(SlackOAuthState)
                .where(SlackOAuthState.state == state)
                .returning(SlackOAuthState.expires_at)
            ).first()
            # Abandoned installs leave their states behind: every callback sweeps the stale.
            conn.execute(delete(SlackOAuthState).where(SlackOAuthState.expires_at <= now))
            return removed is not None and removed.expires_at > now

        return await self._db.run(work)


def _sent_before_install(
    conn: Connection, enterprise_id: str | None, team_id: str | None, sent_at: datetime | None
) -> bool:
    """An uninstall or revocation older than the workspace's latest install: Slack retried it
    (say, across a restart) after someone had installed the app again."""
    if sent_at is None:
        return False
    installed_at = conn.execute(
        select(SlackWorkspace.installed_at).where(*_where(SlackWorkspace, enterprise_id, team_id))
    ).scalar()
    # Slack stamps events to the whole second: one sent in the second of the install counts.
    return installed_at is not None and sent_at + timedelta(seconds=1) < installed_at


def _replace_bot(conn: Connection, values: dict[str, Any]) -> None:
    conn.execute(
        delete(SlackBotRow).where(*_where(SlackBotRow, values["enterprise_id"], values["team_id"]))
    )
    conn.execute(insert(SlackBotRow).values(**values))


def _mark_installed(conn: Connection, values: dict[str, Any], at: datetime) -> None:
    """Installed (again): a pending deletion of the workspace's data is called off."""
    key = [
        SlackWorkspace.enterprise_id == values["enterprise_id"],
        SlackWorkspace.team_id == values["team_id"],
    ]
    changed = conn.execute(
        update(SlackWorkspace)
        .where(*key)
        .values(team_name=values["team_name"], uninstalled_at=None, installed_at=at)
    )
    if not changed.rowcount:
        conn.execute(
            insert(SlackWorkspace).values(
                enterprise_id=values["enterprise_id"],
                team_id=values["team_id"],
                team_name=values["team_name"],
                installed_at=at,
            )
        )
