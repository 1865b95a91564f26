"""``SqlStorage``: the SQL stores over one database, and how to open one from a URL."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import TYPE_CHECKING

from bot.identity import ConversationKey
from storage.sql.conversations import SqlConversationStore
from storage.sql.engine import (
    WaitLimits,
    create_sql_engine,
    create_sqlite_inline_engine,
    normalize_url,
)
from storage.sql.events import SqlEventLog
from storage.sql.inline import SqliteDatabase
from storage.sql.reminders import SqlReminderStore
from storage.sql.session import Database
from storage.sql.tasks import SqlTaskStore
from storage.sql.teams import SqlTeamStore
from storage.sql.users import SqlUserStore

if TYPE_CHECKING:
    # The async engine serves PostgreSQL and migrations; a SQLite start never loads it.
    from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker


class SqlStorage:
    """Implements ``bot.stores.Storage`` on SQLite or PostgreSQL.

    The stores run their units of work through ``database``: on PostgreSQL the pooled async
    engine, on SQLite a connection of its own driven from the event loop (see
    ``storage.sql.session``). ``engine`` (async) serves migrations and administration; on
    SQLite it is made on first use, so a start-up that needs no migration never loads it.
    """

    def __init__(
        self,
        url: str,
        *,
        pool_size: int = 5,
        connect_timeout: float = 10.0,
        echo: bool = False,
        lock_wait_seconds: float = 120.0,
        max_turns: int = 20,
        limits: WaitLimits | None = None,
    ) -> None:
        self._url = url
        self.limits = limits or WaitLimits(pool=connect_timeout)
        self._engine_options = {
            "pool_size": pool_size,
            "connect_timeout": connect_timeout,
            "echo": echo,
            "limits": self.limits,
        }
        self.dialect = normalize_url(url).get_backend_name()
        self._engine: AsyncEngine | None = None
        self._locks = None
        self.database: Database
        if self.dialect == "sqlite":
            self.database = SqliteDatabase(
                create_sqlite_inline_engine(url), busy_timeout=self.limits.busy
            )
        else:
            from storage.sql.locks import AdvisoryTurnLocks
            from storage.sql.pooled import AsyncDatabase

            self._pooled = AsyncDatabase(self.engine)
            self.database = self._pooled
            # One connection per turn that holds a lock: it runs the turn's statements too.
            options = {**self._engine_options, "pool_size": max_turns}
            lock_engine = create_sql_engine(
                url,
                **options,  # type: ignore[arg-type]
                max_overflow=0,
                pool_timeout=lock_wait_seconds,
                application_name="todobot-turn",
                autocommit=True,
            )
            self._locks = AdvisoryTurnLocks(lock_engine, wait_seconds=lock_wait_seconds)
        self.users = SqlUserStore(self.database)
        self.tasks = SqlTaskStore(self.database)
        self.conversations = SqlConversationStore(self.database)
        self.events = SqlEventLog(self.database)
        self.reminders = SqlReminderStore(self.database)
        self.teams = SqlTeamStore(self.database)

    @property
    def sessions(self) -> async_sessionmaker[AsyncSession]:
        """Sessions on the async engine, for stores off the turn's path (``SqlStoreBase``)."""
        from sqlalchemy.ext.asyncio import async_sessionmaker

        return async_sessionmaker(self.engine, expire_on_commit=False)

    @property
    def engine(self) -> AsyncEngine:
        if self._engine is None:
            self._engine = create_sql_engine(self._url, **self._engine_options)  # type: ignore[arg-type]
        return self._engine

    @asynccontextmanager
    async def turn_lock(self, key: ConversationKey) -> AsyncIterator[None]:
        if self._locks is None:
            # SQLite serves one process; the core's in-process lock already orders its turns.
            yield
            return
        async with self._locks.hold(key) as conn:
            with self._pooled.turn_connection(conn):
                yield

    def one_transaction(self) -> AbstractAsyncContextManager[None]:
        shared: AbstractAsyncContextManager[None] = self.database.shared()
        return shared

    async def close(self) -> None:
        if self._locks is not None:
            await self._locks.close()
        await self.database.close()
        if self._engine is not None:
            await self._engine.dispose()


def open_sql_storage(
    url: str,
    *,
    pool_size: int = 5,
    connect_timeout: float = 10.0,
    echo: bool = False,
    lock_wait_seconds: float = 120.0,
    limits: WaitLimits | None = None,
) -> SqlStorage:
    """A ``SqlStorage`` for ``url`` (no connection is made until first use)."""
    return SqlStorage(
        url,
        pool_size=pool_size,
        connect_timeout=connect_timeout,
        echo=echo,
        lock_wait_seconds=lock_wait_seconds,
        limits=limits,
    )
