"""``SqlStorage``: the SQL stores over one engine, and how to open one from a URL."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker

from bot.identity import ConversationKey
from storage.sql.conversations import SqlConversationStore
from storage.sql.engine import create_sql_engine
from storage.sql.events import SqlEventLog
from storage.sql.locks import AdvisoryTurnLocks
from storage.sql.reminders import SqlReminderStore
from storage.sql.tasks import SqlTaskStore
from storage.sql.users import SqlUserStore


class SqlStorage:
    """Implements ``bot.stores.Storage`` on SQLite or PostgreSQL."""

    def __init__(
        self, engine: AsyncEngine, *, lock_wait_seconds: float = 120.0, max_turns: int = 20
    ) -> None:
        self.engine = engine
        sessions = async_sessionmaker(engine, expire_on_commit=False)
        self.users = SqlUserStore(sessions)
        self.tasks = SqlTaskStore(sessions)
        self.conversations = SqlConversationStore(sessions)
        self.events = SqlEventLog(sessions)
        self.reminders = SqlReminderStore(sessions, dialect=engine.dialect.name)
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

    async def close(self) -> None:
        if self._locks is not None:
            await self._locks.close()
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
