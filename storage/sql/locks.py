"""The per-conversation turn lock across processes (PostgreSQL advisory locks)."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from bot.errors import StorageBusy, StorageError
from bot.identity import ConversationKey
from storage.sql.engine import COMMAND_TIMEOUT_MARGIN
from storage.sql.pooled import DRIVER_ERRORS, connection_lost, driver_of, drop_lost
from storage.sql.session import translate

log = logging.getLogger(__name__)

# Sent on asyncpg's own connection: SQLAlchemy's execution cost more client time than the
# round trip itself, twice a turn.
_UNLOCK = "SELECT pg_advisory_unlock($1)"


def lock_id(key: ConversationKey) -> int:
    """A stable signed 64-bit id for ``key`` (advisory locks take a bigint)."""
    digest = hashlib.blake2b(str(key).encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


class AdvisoryTurnLocks:
    """Session-level advisory locks, one per conversation, held for a whole turn.

    A held lock keeps its connection for the turn (the agent may take seconds), so locks have
    an engine of their own: lock holders can never use up the connections that turns need for
    their short transactions. ``pg_advisory_lock`` queues waiters in arrival order, so turns
    of one thread are answered in the order they arrived, also across processes;
    ``lock_timeout`` bounds the wait.
    """

    def __init__(self, engine: AsyncEngine, *, wait_seconds: float) -> None:
        # ``engine``: made for the locks (pool size: the turns that may hold one at once),
        # with the settings of the units of work, which run on the holder's connection.
        # No pre-ping (a round trip per turn): a lock on a dead connection fails and ``hold``
        # takes it again on a fresh one. Autocommit (the engine's): session locks need no
        # transaction, and the turn's units send their own BEGIN.
        self._engine = engine
        self._wait = wait_seconds
        # The wait for the lock has its own bounds (statement and lock timeouts of the
        # connection are for the turn's statements); the SETs are undone if it times out, as
        # they are in the implicit transaction of the one simple query it is sent in.
        wait_ms = int(wait_seconds * 1000)
        self._lock_sql = (
            f"SET lock_timeout = {wait_ms}; SET statement_timeout = 0; "
            "SELECT pg_advisory_lock({}); RESET lock_timeout; RESET statement_timeout"
        )

    async def _locked(self, key: ConversationKey) -> AsyncConnection:
        """A connection holding the lock of ``key``; a connection the server dropped while
        it idled in the pool is replaced once."""
        for attempt in range(2):
            try:
                conn = await self._engine.connect()
            except (SQLAlchemyError, OSError) as exc:
                raise _lock_error(exc, key) from exc
            try:
                # (The id is an integer of ours, written into the query as one.)
                lock = self._lock_sql.format(int(lock_id(key)))
                await (await driver_of(conn)).execute(
                    lock, timeout=self._wait + COMMAND_TIMEOUT_MARGIN
                )
                return conn
            except (SQLAlchemyError, OSError, *DRIVER_ERRORS) as exc:
                lost = connection_lost(exc)
                if lost:
                    await drop_lost(conn)
                await conn.close()
                if attempt or not lost:
                    raise _lock_error(exc, key) from exc
            except BaseException:
                # Cancelled while waiting (the turn ran out of time): the session may hold the
                # lock by now, and ending it releases it.
                await conn.invalidate()
                raise
        raise AssertionError("unreachable")

    @asynccontextmanager
    async def hold(self, key: ConversationKey) -> AsyncIterator[AsyncConnection]:
        """Hold the lock of ``key``; the connection that holds it is the turn's to use."""
        ident = lock_id(key)
        conn = await self._locked(key)
        try:
            yield conn
        finally:
            try:
                await (await driver_of(conn)).fetchval(_UNLOCK, ident)
                await conn.close()
            except (SQLAlchemyError, OSError, *DRIVER_ERRORS):
                # Ending the session releases its locks; never return a locked session to the
                # pool.
                log.warning("could not release the turn lock of %s; dropping the connection", key)
                await conn.invalidate()
            except BaseException:
                await conn.invalidate()
                raise

    async def close(self) -> None:
        await self._engine.dispose()


def _lock_error(exc: BaseException, key: ConversationKey) -> StorageError:
    if "lock timeout" in str(exc).lower() or "LockNotAvailable" in type(exc).__name__:
        return StorageBusy(f"timed out waiting for the turn lock of {key}")
    return translate(exc)
