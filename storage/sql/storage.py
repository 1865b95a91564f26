"""``SqlStorage``: the SQL stores over one database, and how to open one from a URL."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy.ext.asyncio import AsyncEngine

from bot.identity import ConversationKey
from storage.sql.conversations import SqlConversationStore
from storage.sql.engine import (
    SQLITE_BUSY_TIMEOUT_MS,
    create_sql_engine,
    create_sqlite_inline_engine,
)
from storage.sql.events import SqlEventLog
from storage.sql.locks import AdvisoryTurnLocks
from storage.sql.session import AsyncDatabase, Database, SqliteDatabase
from storage.sql.tasks import SqlTaskStore
from storage.sql.users import SqlUserStore


class SqlStorage:
    """Implements ``bot.stores.Storage`` on SQLite or PostgreSQL.

    ``engine`` (async) serves migrations and administration; the stores run their units of
    work through ``database`` — on SQLite a connection of its own, driven from the event loop
    (see ``storage.sql.session``).
    """

    def __init__(
        self, engine: AsyncEngine, *, lock_wait_seconds: float = 120.0, max_turns: int = 20
    ) -> None:
        self.engine = engine
        self.database: Database
        if engine.dialect.name == "sqlite":
            self.database = SqliteDatabase(
                create_sqlite_inline_engine(engine.url.render_as_string(hide_password=False)),
                busy_timeout=SQLITE_BUSY_TIMEOUT_MS / 1000,
            )
        else:
            self.database = AsyncDatabase(engine)
        self.users = SqlUserStore(self.database)
        self.tasks = SqlTaskStore(self.database)
        self.conversations = SqlConversationStore(self.database)
        self.events = SqlEventLog(self.database)
        self._locks = (
            AdvisoryTurnLocks(engine.url, wait_seconds=lock_wait_seconds, max_holders=max_turns)
            if engine.dialect.name == "postgresql"
            else None
        )

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @asynccontextmanager
    async def turn_lock(self, key: ConversationKey) -> AsyncIterator[None]:
        if self._locks is None:
            # SQLite serves one process; the core's in-process lock already orders its turns.
            yield
            return
        async with self._locks.hold(key):
            yield

    def one_transaction(self) -> AsyncIterator[None]:
        return self.database.shared()  # type: ignore[no-any-return]

    async def close(self) -> None:
        if self._locks is not None:
            await self._locks.close()
        await self.database.close()
        await self.engine.dispose()


def open_sql_storage(
    url: str,
    *,
    pool_size: int = 5,
    connect_timeout: float = 10.0,
    echo: bool = False,
    lock_wait_seconds: float = 120.0,
) -> SqlStorage:
    """A ``SqlStorage`` for ``url`` (no connection is made until first use)."""
    engine = create_sql_engine(url, pool_size=pool_size, connect_timeout=connect_timeout, echo=echo)
    return SqlStorage(engine, lock_wait_seconds=lock_wait_seconds)
