"""Transactions with database errors translated into the core's error tree."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError, SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.errors import StorageError, StorageUnavailable, TodobotError

log = logging.getLogger(__name__)

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


class SqlStoreBase:
    """Shared by the SQL stores: one short transaction per call."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    @asynccontextmanager
    async def _tx(self) -> AsyncIterator[AsyncSession]:
        try:
            async with self._sessions.begin() as session:
                yield session
        except TodobotError:
            raise
        except (SQLAlchemyError, *_UNREACHABLE) as exc:
            # Logged once, where the failure is answered (the adapter or command line edge).
            log.debug("database call failed: %s", exc.__class__.__name__, exc_info=True)
            raise translate(exc) from exc
