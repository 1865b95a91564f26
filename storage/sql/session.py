"""Transactions: how a store's unit of work reaches the database, errors translated.

A store writes each unit of work once, as a plain function of a synchronous SQLAlchemy
``Connection`` (Core statements built once at import). ``Database.run`` decides how it runs:

- SQLite (``SqliteDatabase``): on the event loop's own thread, through one long-lived
  connection. SQLite is in-process and a turn's statements take tens of microseconds, where a
  hop to a driver thread costs more than the work (aiosqlite paid four per statement). The
  loop is never made to wait on anything slow: the busy timeout is zero and a locked database
  (another process writing) is retried after an ``asyncio.sleep``; WAL checkpoints, the one
  step that writes the database file and fsyncs, run in a worker thread.
- PostgreSQL (``AsyncDatabase``): ``AsyncConnection.run_sync`` on a pooled asyncpg
  connection, without a pre-ping per checkout; a connection found dead before anything was
  committed is replaced and the unit of work runs once more.

``Database.shared()`` makes every ``run`` inside it one transaction, committed at the end (a
turn's tool calls and its reply). Units that expect a constraint error (``conflicts=True``)
run in a savepoint there, so their failure leaves the rest of the transaction usable.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from contextvars import ContextVar
from typing import Any, Protocol, TypeVar

from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError, SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from bot.errors import StorageError, StorageUnavailable, TodobotError

log = logging.getLogger(__name__)

T = TypeVar("T")
Work = Callable[[Connection], T]

# Errors that mean "could not talk to the database" rather than "the database said no".
_UNREACHABLE = (OperationalError, InterfaceError, OSError, ConnectionError, TimeoutError)


# PostgreSQL error classes that mean the database cannot serve us at all: connection
# exceptions, bad credentials, no such database, shutting down, too many connections.
_UNAVAILABLE_SQLSTATES = ("08", "28", "3D", "57P", "53")


def translate(exc: BaseException) -> StorageError:
    """The core error for a database failure (the driver's text goes to the log only)."""
    sqlstate = str(getattr(getattr(exc, "orig", None), "sqlstate", None) or "")
    if (
        isinstance(exc, _UNREACHABLE)
        or (isinstance(exc, DBAPIError) and exc.connection_invalidated)
        or sqlstate.startswith(_UNAVAILABLE_SQLSTATES)
    ):
        return StorageUnavailable(f"database unreachable: {type(exc).__name__}")
    return StorageError(f"database error: {type(exc).__name__}")


def _failed(exc: BaseException) -> StorageError:
    # Logged once, where the failure is answered (the adapter or command line edge).
    log.debug("database call failed: %s", exc.__class__.__name__, exc_info=True)
    return translate(exc)


class Database(Protocol):
    dialect: str

    async def run(
        self, work: Work[T], *, write: bool = True, conflicts: bool = False, durable: bool = True
    ) -> T:
        """Run ``work`` in a transaction of its own (or in the shared one, if open).

        ``write=False``: a read, which takes no write lock. ``durable=False``: the commit
        need not wait for the disk (PostgreSQL), for a unit that a durable commit follows
        soon; a crash of the server may lose it together with that later one, never alone.
        """

    def shared(self) -> Any:
        """An async context: every ``run`` inside is one transaction, committed at the end."""

    def after_commit(self, action: Callable[[], None]) -> None:
        """Call ``action`` once the work just run is committed: now, or when the shared
        transaction it ran in commits (never, if that rolls back)."""

    async def close(self) -> None: ...


# --- SQLite ---------------------------------------------------------------------------------

CHECKPOINT_EVERY_COMMITS = 200


class SqliteDatabase:
    """One connection used from the event loop's thread; see the module docstring."""

    dialect = "sqlite"

    def __init__(self, engine: Engine, *, busy_timeout: float) -> None:
        self.engine = engine
        self._busy_timeout = busy_timeout
        self._gate = asyncio.Lock()
        self._conn: Connection | None = None
        self._begin = "BEGIN IMMEDIATE"
        self._commits = 0
        self._checkpoint: asyncio.Future[None] | None = None
        self._shared: ContextVar[Connection | None] = ContextVar("sqlite_shared", default=None)
        self._committed: ContextVar[list[Callable[[], None]] | None] = ContextVar(
            "sqlite_after_commit", default=None
        )

        @event.listens_for(engine, "begin")
        def _on_begin(connection: Connection) -> None:
            # Writers take the write lock up front (a reader upgrading later could fail with
            # "database is locked"); readers take none, so they never wait for a writer.
            connection.exec_driver_sql(self._begin)

    def _connection(self) -> Connection:
        if self._conn is None or self._conn.invalidated:
            self._conn = self.engine.connect()
        return self._conn

    async def run(
        self, work: Work[T], *, write: bool = True, conflicts: bool = False, durable: bool = True
    ) -> T:
        # In WAL mode with synchronous=NORMAL no commit waits for the disk: ``durable`` is moot.
        shared = self._shared.get()
        if shared is not None:
            return self._in_shared(shared, work, conflicts)
        async with self._gate:
            return await self._with_retry(lambda: self._once(work, write))

    def _in_shared(self, conn: Connection, work: Work[T], conflicts: bool) -> T:
        try:
            if conflicts:
                with conn.begin_nested():
                    return work(conn)
            return work(conn)
        except TodobotError:
            raise
        except (SQLAlchemyError, *_UNREACHABLE) as exc:
            raise _failed(exc) from exc

    def _once(self, work: Work[T], write: bool) -> T:
        conn = self._connection()
        self._begin = "BEGIN IMMEDIATE" if write else "BEGIN"
        with conn.begin():
            result = work(conn)
        if write:
            self._wrote()
        return result

    async def _with_retry(self, attempt: Callable[[], T]) -> T:
        deadline = time.monotonic() + self._busy_timeout
        delay = 0.002
        while True:
            try:
                return attempt()
            except TodobotError:
                raise
            except OperationalError as exc:
                if not _is_busy(exc) or time.monotonic() > deadline:
                    raise _failed(exc) from exc
            except (SQLAlchemyError, *_UNREACHABLE) as exc:
                raise _failed(exc) from exc
            # Another process holds the write lock: wait without holding up the loop.
            await asyncio.sleep(delay)
            delay = min(delay * 2, 0.05)

    @asynccontextmanager
    async def shared(self) -> AsyncIterator[None]:
        if self._shared.get() is not None:
            yield
            return
        async with self._gate:
            conn = self._connection()

            def begin() -> Any:
                self._begin = "BEGIN IMMEDIATE"
                return conn.begin()

            tx = await self._with_retry(begin)
            token = self._shared.set(conn)
            pending: list[Callable[[], None]] = []
            waiting = self._committed.set(pending)
            try:
                yield
                tx.commit()
            except BaseException:
                if tx.is_active:
                    tx.rollback()
                raise
            finally:
                self._shared.reset(token)
                self._committed.reset(waiting)
            self._wrote()
            for action in pending:
                action()

    def after_commit(self, action: Callable[[], None]) -> None:
        pending = self._committed.get()
        if pending is None:
            action()
        else:
            pending.append(action)

    def _wrote(self) -> None:
        self._commits += 1
        if self._commits % CHECKPOINT_EVERY_COMMITS == 0 and (
            self._checkpoint is None or self._checkpoint.done()
        ):
            self._checkpoint = asyncio.ensure_future(asyncio.to_thread(self._run_checkpoint))

    def _run_checkpoint(self) -> None:
        path = self.engine.url.database
        if not path or path == ":memory:":
            return
        try:
            with sqlite3.connect(path, timeout=self._busy_timeout) as db:
                db.execute("PRAGMA wal_checkpoint(PASSIVE)")
            # The with-block only ends the transaction; close the connection too.
            db.close()
        except sqlite3.Error as exc:
            log.warning("WAL checkpoint failed: %s", exc)

    async def close(self) -> None:
        async with self._gate:
            if self._checkpoint is not None:
                await self._checkpoint
            if self._conn is not None:
                self._conn.close()
                self._conn = None
            await asyncio.to_thread(self._run_checkpoint)
            self.engine.dispose()


def _is_busy(exc: OperationalError) -> bool:
    text = str(exc.orig).lower()
    return "locked" in text or "busy" in text


# --- PostgreSQL -----------------------------------------------------------------------------


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
        self, work: Work[T], *, write: bool = True, conflicts: bool = False, durable: bool = True
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
            except (SQLAlchemyError, *_UNREACHABLE) as exc:
                # Without a pre-ping, a connection the server closed (restart, idle timeout)
                # shows up here; nothing was committed on it unless the unit had finished,
                # so a fresh connection may run it again.
                if attempt == 0 and not done and _connection_lost(exc):
                    log.info("database connection lost; retrying on a new one")
                    continue
                raise _failed(exc) from exc
        raise AssertionError("unreachable")

    async def _in_shared(self, conn: AsyncConnection, work: Work[T], conflicts: bool) -> T:
        def nested(sync: Connection) -> T:
            with sync.begin_nested():
                return work(sync)

        try:
            return await conn.run_sync(nested if conflicts else work)
        except TodobotError:
            raise
        except (SQLAlchemyError, *_UNREACHABLE) as exc:
            raise _failed(exc) from exc

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
        except (SQLAlchemyError, *_UNREACHABLE) as exc:
            raise _failed(exc) from exc
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
