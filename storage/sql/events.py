"""Platform events: claimed by a turn, answered once its reply is posted.

A delivery of an event that is already claimed is a no-op while the claim is fresh or once it
is answered. A claim older than the lease without an answer belongs to a process that died
(SIGKILL, OOM, a deploy) after it stored the person's message: the next delivery takes it
over, once — the take-over is one conditional UPDATE, so of two deliveries racing for it
(across processes on PostgreSQL too) exactly one wins.
"""

from __future__ import annotations

from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import bindparam, delete, update
from sqlalchemy.engine import Connection

from storage.sql.models import ProcessedEvent
from storage.sql.session import Database

EVENT_ID_MAX = 128


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


# (An UPDATE's parameters may not be named like its columns.)
_THIS_EVENT = (
    ProcessedEvent.platform == bindparam("on_platform"),
    ProcessedEvent.event_id == bindparam("on_event"),
)
_TAKE_OVER = (
    update(ProcessedEvent)
    .where(
        *_THIS_EVENT,
        ProcessedEvent.answered_at.is_(None),
        ProcessedEvent.seen_at < bindparam("stale_before"),
    )
    .values(seen_at=bindparam("now"))
    .returning(ProcessedEvent.message_id)
)
_ANSWERED = (
    update(ProcessedEvent)
    .where(*_THIS_EVENT, ProcessedEvent.answered_at.is_(None))
    .values(answered_at=bindparam("now"))
)
_PRUNE = delete(ProcessedEvent).where(ProcessedEvent.seen_at < bindparam("before"))


def claim(
    conn: Connection, platform: str, event_id: str, now: datetime, message_id: int | None = None
) -> bool:
    """Record the event as claimed now (with the person's stored message); False when it is
    already there."""
    result = conn.execute(
        _claim_statement(conn.dialect.name),
        {
            "platform": platform,
            "event_id": event_id[:EVENT_ID_MAX],
            "seen_at": now,
            "message_id": message_id,
        },
    )
    return bool(result.rowcount)


class TakenOver:
    """A stale claim this delivery now holds; ``message_id`` is the message stored with it
    (``None`` if the claim was made without one)."""

    __slots__ = ("message_id",)

    def __init__(self, message_id: int | None) -> None:
        self.message_id = message_id


def take_over(
    conn: Connection, platform: str, event_id: str, now: datetime, stale_before: datetime
) -> TakenOver | None:
    """Claim the event again if its claim is older than ``stale_before`` and unanswered;
    ``None`` when it is answered or still fresh (the delivery is a duplicate)."""
    row = conn.execute(
        _TAKE_OVER,
        {
            "on_platform": platform,
            "on_event": event_id[:EVENT_ID_MAX],
            "now": now,
            "stale_before": stale_before,
        },
    ).one_or_none()
    return None if row is None else TakenOver(row.message_id)


class SqlEventLog:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def claim_event(self, *, platform: str, event_id: str, now: datetime) -> bool:
        return await self._db.run(lambda conn: claim(conn, platform, event_id, now))

    async def mark_answered(self, *, platform: str, event_id: str, now: datetime) -> bool:
        """The event's reply was posted: later deliveries are no-ops for good. False when the
        event was not claimed or was answered already."""
        params = {"on_platform": platform, "on_event": event_id[:EVENT_ID_MAX], "now": now}
        return await self._db.run(lambda conn: bool(conn.execute(_ANSWERED, params).rowcount))

    async def prune_events(self, *, older_than: datetime) -> int:
        """Forget event ids seen before ``older_than`` (platforms redeliver within minutes)."""
        return await self._db.run(
            lambda conn: int(conn.execute(_PRUNE, {"before": older_than}).rowcount or 0)
        )
