"""Transactions: how a store's unit of work reaches the database, errors translated.

A store writes each unit of work once, as a plain function of a synchronous SQLAlchemy
``Connection`` (Core statements built once at import). ``Database.run`` decides how it runs:

- SQLite (``storage.sql.inline.SqliteDatabase``): on the event loop's own thread, through
  one long-lived connection. SQLite is in-process and a turn's statements take tens of
  microseconds, where a hop to a driver thread costs more than the work (aiosqlite paid four
  per statement). The loop is never made to wait on anything slow: the busy timeout is zero
  and a locked database (another process writing) is retried after an ``asyncio.sleep``; WAL
  checkpoints, the one step that writes the database file and fsyncs, run in a worker thread.
- PostgreSQL (``storage.sql.pooled.AsyncDatabase``): ``AsyncConnection.run_sync`` on a
  pooled asyncpg connection, without a pre-ping per checkout; a connection found dead before
  anything was committed is replaced and the unit of work runs once more.

``Database.shared()`` makes every ``run`` inside it one transaction, committed at the end (a
turn's tool calls and its reply). Units that expect a constraint error (``conflicts=True``)
run in a savepoint there, so their failure leaves the rest of the transaction usable.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from sqlalchemy.engine import Connection
from sqlalchemy.exc import (
    DBAPIError,
    IntegrityError,
    InterfaceError,
    OperationalError,
    SQLAlchemyError,
)
from sqlalchemy.exc import TimeoutError as PoolTimeout

from bot.errors import StorageBusy, StorageError, StorageUnavailable, TodobotError

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

log = logging.getLogger(__name__)

T = TypeVar("T")
Work = Callable[[Connection], T]

# Errors that mean "could not talk to the database" rather than "the database said no".
# (sqlite3's own OperationalError: statements run on the driver's cursor raise it unwrapped.)
UNREACHABLE = (
    OperationalError,
    sqlite3.OperationalError,
    InterfaceError,
    OSError,
    ConnectionError,
    TimeoutError,
)


# PostgreSQL error classes that mean the database cannot serve us at all: connection
# exceptions, bad credentials, no such database, shutting down, too many connections.
_UNAVAILABLE_SQLSTATES = ("08", "28", "3D", "57P", "53")


# PostgreSQL error classes that mean "not now": a lock or statement timeout ran out, a
# deadlock or serialisation conflict was broken up. The database is there; try again.
_BUSY_SQLSTATES = ("55P03", "57014", "40P01", "40001")


def is_busy(exc: BaseException) -> bool:
    """Whether ``exc`` means the database is locked or too slow, rather than unreachable."""
    orig = getattr(exc, "orig", None) or exc
    if isinstance(exc, PoolTimeout | TimeoutError) or isinstance(orig, TimeoutError):
        # The pool had no connection free in time, or a statement got no answer in time
        # (asyncpg's command timeout: a server that hangs rather than refuses).
        return True
    if str(getattr(orig, "sqlstate", None) or "").startswith(_BUSY_SQLSTATES):
        return True
    if isinstance(orig, sqlite3.OperationalError):
        text = str(orig).lower()
        return "locked" in text or "busy" in text
    return False


def translate(exc: BaseException) -> StorageError:
    """The core error for a database failure (the driver's text goes to the log only)."""
    if is_busy(exc):
        return StorageBusy(f"database busy: {type(exc).__name__}")
    # A statement run on the driver's own connection raises the driver's error unwrapped.
    sqlstate = str(getattr(getattr(exc, "orig", None) or exc, "sqlstate", None) or "")
    if (
        isinstance(exc, UNREACHABLE)
        or _driver_lost(exc)
        or (isinstance(exc, DBAPIError) and exc.connection_invalidated)
        or sqlstate.startswith(_UNAVAILABLE_SQLSTATES)
    ):
        return StorageUnavailable(f"database unreachable: {type(exc).__name__}")
    return StorageError(f"database error: {type(exc).__name__}")


def _driver_lost(exc: BaseException) -> bool:
    # asyncpg's InterfaceError or InternalClientError (the connection is closed, or in a state
    # left by a statement that was cut off), raised unwrapped by direct statements; matched
    # by name, so that a SQLite start never imports asyncpg.
    return any(
        k.__name__ in ("InterfaceError", "InternalClientError")
        and k.__module__.startswith("asyncpg")
        for k in type(exc).__mro__
    )


def violated_constraint(exc: StorageError) -> bool:
    """Whether ``exc`` was caused by a unique, foreign-key or check constraint (class 23)."""
    cause = exc.__cause__
    if isinstance(cause, IntegrityError | sqlite3.IntegrityError):
        return True
    return str(getattr(cause, "sqlstate", None) or "").startswith("23")


def failed(exc: BaseException) -> StorageError:
    # Logged once, where the failure is answered (the adapter or command line edge).
    log.debug("database call failed: %s", exc.__class__.__name__, exc_info=True)
    return translate(exc)


class Database(Protocol):
    dialect: str

    async def run(
        self,
        work: Work[T],
        *,
        write: bool = True,
        conflicts: bool = False,
        durable: bool = True,
        heavy: bool = False,
    ) -> T:
        """Run ``work`` in a transaction of its own (or in the shared one, if open).

        ``write=False``: a read, which takes no write lock. ``durable=False``: the commit
        need not wait for the disk (PostgreSQL), for a unit that a durable commit follows
        soon; a crash of the server may lose it together with that later one, never alone.
        ``heavy=True``: the work may scan many rows (a page of a long list): on SQLite it
        runs in a worker thread, so the event loop keeps serving while SQLite works.
        """

    def shared(self) -> Any:
        """An async context: every ``run`` inside is one transaction, committed at the end."""

    def after_commit(self, action: Callable[[], None]) -> None:
        """Call ``action`` once the work just run is committed: now, or when the shared
        transaction it ran in commits (never, if that rolls back)."""

    async def close(self) -> None: ...


class SqlStoreBase:
    """For stores off the turn's path that work through an ``AsyncSession`` (one short
    transaction per call on the async engine), e.g. a background queue. The turn's stores use
    ``Database`` instead."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    @asynccontextmanager
    async def _tx(self) -> AsyncIterator[AsyncSession]:
        try:
            async with self._sessions.begin() as session:
                yield session
        except TodobotError:
            raise
        except (SQLAlchemyError, *UNREACHABLE) as exc:
            raise failed(exc) from exc
