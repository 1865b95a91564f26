"""Platform event ids already handled: a redelivery is a no-op, across processes too."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, insert
from sqlalchemy.exc import IntegrityError

from bot.errors import StorageError
from storage.sql.models import ProcessedEvent
from storage.sql.session import SqlStoreBase


class SqlEventLog(SqlStoreBase):
    async def claim_event(self, *, platform: str, event_id: str, now: datetime) -> bool:
        # The primary key decides: whichever process inserts first handles the event.
        try:
            async with self._tx() as session:
                await session.execute(
                    insert(ProcessedEvent).values(
                        platform=platform, event_id=event_id[:128], seen_at=now
                    )
                )
        except StorageError as exc:
            if isinstance(exc.__cause__, IntegrityError):
                return False
            raise
        return True

    async def prune_events(self, *, older_than: datetime) -> int:
        """Forget event ids seen before ``older_than`` (platforms redeliver within minutes)."""
        async with self._tx() as session:
            result = await session.execute(
                delete(ProcessedEvent).where(ProcessedEvent.seen_at < older_than)
            )
            return int(getattr(result, "rowcount", 0) or 0)
