"""Platform event ids already handled: a redelivery is a no-op, across processes too."""

from __future__ import annotations

from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import bindparam, delete
from sqlalchemy.engine import Connection

from storage.sql.models import ProcessedEvent
from storage.sql.session import Database


@cache
def _claim_statement(dialect: str) -> Any:
    """INSERT … ON CONFLICT DO NOTHING: the primary key decides, so whichever process inserts
    first handles the event, and a redelivery is an ordinary outcome rather than an error.
    (Each dialect's module is imported only when that database is in use.)"""
    if dialect == "postgresql":
        from sqlalchemy.dialects import postgresql

        return postgresql.insert(ProcessedEvent).on_conflict_do_nothing()
    from sqlalchemy.dialects import sqlite

    return sqlite.insert(ProcessedEvent).on_conflict_do_nothing()


_PRUNE = delete(ProcessedEvent).where(ProcessedEvent.seen_at < bindparam("before"))


def claim(conn: Connection, platform: str, event_id: str, now: datetime) -> bool:
    """Record the event; False when it is already there."""
    result = conn.execute(
        _claim_statement(conn.dialect.name),
        {"platform": platform, "event_id": event_id[:128], "seen_at": now},
    )
    return bool(result.rowcount)


class SqlEventLog:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def claim_event(self, *, platform: str, event_id: str, now: datetime) -> bool:
        return await self._db.run(lambda conn: claim(conn, platform, event_id, now))

    async def prune_events(self, *, older_than: datetime) -> int:
        """Forget event ids seen before ``older_than`` (platforms redeliver within minutes)."""
        return await self._db.run(
            lambda conn: int(conn.execute(_PRUNE, {"before": older_than}).rowcount or 0)
        )
