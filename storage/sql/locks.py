"""The per-conversation turn lock across processes (PostgreSQL advisory locks)."""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.errors import StorageError
from bot.identity import ConversationKey
from storage.sql.session import translate

POLL_SECONDS = 0.05


def lock_id(key: ConversationKey) -> int:
    """A stable signed 64-bit id for ``key`` (advisory locks take a bigint)."""
    digest = hashlib.blake2b(str(key).encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


@asynccontextmanager
async def advisory_turn_lock(
    engine: AsyncEngine, key: ConversationKey, *, wait_seconds: float
) -> AsyncIterator[None]:
    """Hold a session-level advisory lock for ``key`` for the duration of a turn.

    ``pg_try_advisory_lock`` is polled rather than blocking in ``pg_advisory_lock`` so the wait
    is bounded without cancelling a query mid-flight.
    """
    ident = lock_id(key)
    try:
        conn = await engine.connect()
    except (SQLAlchemyError, OSError) as exc:
        raise translate(exc) from exc
    try:
        auto = await conn.execution_options(isolation_level="AUTOCOMMIT")
        deadline = asyncio.get_running_loop().time() + wait_seconds
        while not await auto.scalar(text("SELECT pg_try_advisory_lock(:k)"), {"k": ident}):
            if asyncio.get_running_loop().time() > deadline:
                raise StorageError(f"timed out waiting for the turn lock of {key}")
            await asyncio.sleep(POLL_SECONDS)
        try:
            yield
        finally:
            await auto.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": ident})
    except SQLAlchemyError as exc:
        raise translate(exc) from exc
    finally:
        await conn.close()
