"""``AsyncDatabase``: units of work on pooled async connections (see ``storage.sql.session``)."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from contextvars import ContextVar
from typing import TypeVar

from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError, SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from bot.errors import TodobotError
from storage.sql.session import UNREACHABLE, Work, failed

log = logging.getLogger(__name__)

T = TypeVar("T")


class AsyncDatabase:
    """Units of work through ``run_sync`` on a pooled async connection."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self.dialect = engine.dialect.name
        self._shared: ContextVar[AsyncConnection | None] = ContextVar("pg_shared", default=None)
        self._committed: ContextVar[list[Callable[[], None]] | None] = ContextVar(
            "pg_after_commit", default=None
        )

    async def run(
        self,
        work: Work[T],
        *,
        write: bool = True,
        conflicts: bool = False,
        durable: bool = True,
        heavy: bool = False,
    ) -> T:
        shared = self._shared.get()
        if shared is not None:
            return await self._in_shared(shared, work, conflicts)
        for attempt in range(2):
            done = False

            def tracked(conn: Connection) -> T:
                nonlocal done
                if not durable:
                    conn.exec_driver_sql(_NOT_DURABLE)
                result = work(conn)
                done = True
                return result

            try:
                async with self.engine.begin() as conn:
                    result = await conn.run_sync(tracked)
                return result
            except TodobotError:
                raise
            except (SQLAlchemyError, *UNREACHABLE) as exc:
                # Without a pre-ping, a connection the server closed (restart, idle timeout)
                # shows up here; nothing was committed on it unless the unit had finished,
                # so a fresh connection may run it again.
                if attempt == 0 and not done and _connection_lost(exc):
                    log.info("database connection lost; retrying on a new one")
                    continue
                raise failed(exc) from exc
        raise AssertionError("unreachable")

    async def _in_shared(self, conn: AsyncConnection, work: Work[T], conflicts: bool) -> T:
        def nested(sync: Connection) -> T:
            with sync.begin_nested():
                return work(sync)

        try:
            return await conn.run_sync(nested if conflicts else work)
        except TodobotError:
            raise
        except (SQLAlchemyError, *UNREACHABLE) as exc:
            raise failed(exc) from exc

    @asynccontextmanager
    async def shared(self) -> AsyncIterator[None]:
        if self._shared.get() is not None:
            yield
            return
        pending: list[Callable[[], None]] = []
        try:
            async with self.engine.begin() as conn:
                token = self._shared.set(conn)
                waiting = self._committed.set(pending)
                try:
                    yield
                finally:
                    self._shared.reset(token)
                    self._committed.reset(waiting)
        except TodobotError:
            raise
        except (SQLAlchemyError, *UNREACHABLE) as exc:
            raise failed(exc) from exc
        for action in pending:
            action()

    def after_commit(self, action: Callable[[], None]) -> None:
        pending = self._committed.get()
        if pending is None:
            action()
        else:
            pending.append(action)

    async def close(self) -> None:
        await self.engine.dispose()


_NOT_DURABLE = "SET LOCAL synchronous_commit TO OFF"


def _connection_lost(exc: BaseException) -> bool:
    return isinstance(exc, DBAPIError) and exc.connection_invalidated
