"""``AsyncDatabase``: units of work on pooled async connections (see ``storage.sql.session``).

The transaction is asyncpg's, not SQLAlchemy's: the connections a unit runs on are checked out
in SQLAlchemy's autocommit mode (the adapter then sends no BEGIN of its own) and the unit
sends BEGIN and COMMIT on the driver's connection. Statements of both kinds — SQLAlchemy's and
the direct ones of ``storage.sql.direct`` — run in that one transaction, and a unit that need
not be durable says so in the BEGIN's own round trip.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from contextvars import ContextVar
from typing import Any, TypeVar

import asyncpg  # type: ignore[import-untyped]
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError, SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from bot.errors import TodobotError
from storage.sql.session import UNREACHABLE, Work, failed

log = logging.getLogger(__name__)

T = TypeVar("T")

# What a failed statement run on the driver's connection raises, besides SQLAlchemy's errors.
# (InternalClientError: a connection the server ended under a statement can leave asyncpg's
# protocol in a state that refuses the next one.)
DRIVER_ERRORS = (asyncpg.PostgresError, asyncpg.InterfaceError, asyncpg.InternalClientError)
_FAILURES = (SQLAlchemyError, *UNREACHABLE, *DRIVER_ERRORS)

# One round trip each (the simple query protocol takes both statements at once).
_BEGIN = "BEGIN"
_BEGIN_NOT_DURABLE = "BEGIN; SET LOCAL synchronous_commit TO OFF"


class AsyncDatabase:
    """Units of work through ``run_sync`` on a pooled async connection."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self.dialect = engine.dialect.name
        # The same pool; each checkout in autocommit mode, reset when it goes back.
        self._units = engine.execution_options(isolation_level="AUTOCOMMIT")
        self._shared: ContextVar[tuple[AsyncConnection, Any] | None] = ContextVar(
            "pg_shared", default=None
        )
        self._committed: ContextVar[list[Callable[[], None]] | None] = ContextVar(
            "pg_after_commit", default=None
        )
        self._turn: ContextVar[AsyncConnection | None] = ContextVar("pg_turn", default=None)

    @contextmanager
    def turn_connection(self, conn: AsyncConnection) -> Iterator[None]:
        """Units run inside use ``conn`` (the one holding the turn's lock) instead of one from
        the pool: no checkout per unit, and one server process serves the whole turn."""
        token = self._turn.set(conn)
        try:
            yield
        finally:
            self._turn.reset(token)

    def _held(self) -> AsyncConnection | None:
        turn = self._turn.get()
        # Lost mid-turn (and its lock with it): the rest of the turn takes pooled connections.
        return None if turn is None or turn.invalidated else turn

    @asynccontextmanager
    async def _connection(self) -> AsyncIterator[AsyncConnection]:
        held = self._held()
        if held is not None:
            yield held
            return
        async with self._units.connect() as conn:
            yield conn

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
            return await self._in_shared(*shared, work, conflicts)
        for attempt in range(2):
            done = False

            def tracked(conn: Connection) -> T:
                nonlocal done
                result = work(conn)
                done = True
                return result

            try:
                async with self._connection() as conn:
                    raw = await driver_of(conn)
                    async with _transaction(conn, raw, _BEGIN if durable else _BEGIN_NOT_DURABLE):
                        result = await conn.run_sync(tracked)
                return result
            except TodobotError:
                raise
            except _FAILURES as exc:
                # Without a pre-ping, a connection the server closed (restart, idle timeout)
                # shows up here; nothing was committed on it unless the unit had finished,
                # so a fresh connection may run it again.
                if attempt == 0 and not done and connection_lost(exc):
                    log.info("database connection lost; retrying on a new one")
                    continue
                raise failed(exc) from exc
        raise AssertionError("unreachable")

    async def _in_shared(
        self, conn: AsyncConnection, raw: Any, work: Work[T], conflicts: bool
    ) -> T:
        try:
            if not conflicts:
                return await conn.run_sync(work)
            # A unit that expects a constraint error runs in a savepoint: its failure leaves
            # the rest of the shared transaction usable.
            await raw.execute("SAVEPOINT unit")
            try:
                result = await conn.run_sync(work)
            except BaseException:
                await raw.execute("ROLLBACK TO SAVEPOINT unit")
                raise
            await raw.execute("RELEASE SAVEPOINT unit")
            return result
        except TodobotError:
            raise
        except _FAILURES as exc:
            raise failed(exc) from exc

    @asynccontextmanager
    async def shared(self) -> AsyncIterator[None]:
        if self._shared.get() is not None:
            yield
            return
        pending: list[Callable[[], None]] = []
        try:
            async with self._connection() as conn:
                raw = await driver_of(conn)
                async with _transaction(conn, raw, _BEGIN):
                    token = self._shared.set((conn, raw))
                    waiting = self._committed.set(pending)
                    try:
                        yield
                    finally:
                        self._shared.reset(token)
                        self._committed.reset(waiting)
        except TodobotError:
            raise
        except _FAILURES as exc:
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


async def driver_of(conn: AsyncConnection) -> Any:
    """The asyncpg connection under ``conn``. Read directly while ``conn`` holds a live one
    (four times a turn: ``get_raw_connection`` is a greenlet hop each time); only one that
    must be revalidated (I/O) goes through SQLAlchemy's async path."""
    sync = conn.sync_connection
    if sync is not None and not sync.closed and not sync.invalidated:
        return sync.connection.driver_connection
    return (await conn.get_raw_connection()).driver_connection


@asynccontextmanager
async def _transaction(conn: AsyncConnection, raw: Any, begin: str) -> AsyncIterator[None]:
    """BEGIN … COMMIT on the driver's connection; anything that goes wrong rolls back, and a
    connection that cannot say ROLLBACK (lost, or cut off mid-statement) never goes back to the
    pool: ending its session ends the transaction."""
    try:
        await raw.execute(begin)
        yield
    except BaseException:
        await _abandon(conn, raw)
        raise
    try:
        await raw.execute("COMMIT")
    except BaseException:
        await _abandon(conn, raw)
        raise


async def _abandon(conn: AsyncConnection, raw: Any) -> None:
    try:
        if not raw.is_closed() and raw.is_in_transaction():
            await raw.execute("ROLLBACK")
            return
    except Exception:
        pass  # it could not: the session ends below
    except BaseException:
        await conn.invalidate()
        raise
    if raw.is_closed():
        await drop_lost(conn)
    elif raw.is_in_transaction():
        await conn.invalidate()


async def drop_lost(conn: AsyncConnection) -> None:
    """Drop ``conn``, found lost on the driver's connection, as SQLAlchemy does with one it
    sees lost: the server went away (restart, failover), so every connection pooled before
    now is gone too and is replaced at its next checkout."""
    conn.sync_engine.pool._invalidate(conn.sync_connection.connection, _checkin=False)  # type: ignore[union-attr]
    await conn.invalidate()


def connection_lost(exc: BaseException) -> bool:
    if isinstance(exc, DBAPIError):
        return exc.connection_invalidated
    # On the driver's connection: "connection is closed" (the pool held it while the server
    # went away), or it broke under the statement.
    return isinstance(
        exc,
        asyncpg.InterfaceError
        | asyncpg.InternalClientError
        | asyncpg.PostgresConnectionError
        | OSError,
    )
