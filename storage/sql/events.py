"""Platform event ids already handled: a redelivery is a no-op, across processes too."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from storage.sql.models import ProcessedEvent
from storage.sql.session import SqlStoreBase


async def claim(session: AsyncSession, platform: str, event_id: str, now: datetime) -> bool:
    """Record the event; False when it is already there.

    The primary key decides, so whichever process inserts first handles the event; ON CONFLICT
    DO NOTHING makes a redelivery an ordinary outcome rather than an error.
    """
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    result = await session.execute(
        insert(ProcessedEvent)
        .values(platform=platform, event_id=event_id[:128], seen_at=now)
        .on_conflict_do_nothing()
    )
    return bool(getattr(result, "rowcount", 0))


class SqlEventLog(SqlStoreBase):
    async def claim_event(self, *, platform: str, event_id: str, now: datetime) -> bool:
        async with self._tx() as session:
            return await claim(session, platform, event_id, now)

    async def prune_events(self, *, older_than: datetime) -> int:
        """Forget event ids seen before ``older_than`` (platforms redeliver within minutes)."""
        async with self._tx() as session:
            result = await session.execute(
                delete(ProcessedEvent).where(ProcessedEvent.seen_at < older_than)
            )
            return int(getattr(result, "rowcount", 0) or 0)
