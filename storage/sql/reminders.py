"""The reminder queue on SQL: claims decided by the database, once, across processes.

A pending reminder is a task with ``remind_at`` set (partial index ``ix_task_remind_at``); a
pending digest is a ``digest`` row with its ``next_at``. Claiming one is a single UPDATE of the
rows picked with ``FOR UPDATE SKIP LOCKED`` (PostgreSQL: concurrent pollers take disjoint
rows without waiting) and re-checked in the UPDATE's own WHERE (SQLite, which has no row
locks, serialises writers, so the second writer finds nothing left). The same transaction
inserts one ``reminder_delivery`` row per claim with a unique dedup key, so an occurrence is
claimed once. Delivery is at least once: a claim still ``claimed`` after the lease (its process
died between claiming and finishing) is taken over by the next poll.

A poll reads an index range of what is due now, bounded by ``limit``: its cost does not grow
with the number of reminders pending in the future. Every unit of work runs through the
storage's ``Database``, so the calls a chat turn makes (list, digest, timezone) join the
turn's transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, time, timedelta
from typing import Any, cast
from zoneinfo import ZoneInfo

from sqlalchemy import Table, delete, func, insert, or_, select, update
from sqlalchemy.engine import Connection

from bot.errors import StorageError
from bot.identity import UserRef
from bot.reminders.model import Delivery, Digest, Recipient
from bot.tasks import Task
from storage.sql.assignment_claims import claim_assignments, has_pending_notice
from storage.sql.models import (
    AppUser,
    ConversationRow,
    DigestRow,
    MessageRow,
    ReminderDelivery,
    TaskRow,
    UserIdentity,
)
from storage.sql.places import place_key, place_text
from storage.sql.reminder_claims import (
    Reach,
    claim_digests,
    claim_reminders,
    reclaim_stale,
    zone_or_utc,
)
from storage.sql.session import Database
from storage.sql.task_order import TASK_COLUMNS
from storage.sql.tasks import to_task
from storage.sql.users import to_user

_DELIVERY = cast(Table, ReminderDelivery.__table__)
_DIGEST = cast(Table, DigestRow.__table__)
_TASK = cast(Table, TaskRow.__table__)
_USER = cast(Table, AppUser.__table__)


class SqlReminderStore:
    """Implements ``bot.stores.ReminderStore``."""

    def __init__(self, database: Database) -> None:
        self._db = database

    async def claim_due(
        self,
        *,
        now: datetime,
        limit: int,
        lease: timedelta,
        platforms: frozenset[str],
        user_id: int | None = None,
    ) -> list[Delivery]:
        reach = Reach(platforms, user_id)

        def work(conn: Connection) -> list[Delivery]:
            claimed = reclaim_stale(conn, now, limit, lease, reach)
            for claim in (claim_reminders, claim_digests, claim_assignments):
                if len(claimed) < limit:
                    claimed += claim(conn, now, limit - len(claimed), reach)
            return claimed

        return await self._db.run(work)

    async def next_due_at(self, *, platforms: frozenset[str]) -> datetime | None:
        reach = Reach(platforms, None)

        def work(conn: Connection) -> datetime | None:
            reminder = conn.scalar(
                select(TaskRow.remind_at)
                .where(TaskRow.remind_at.is_not(None), reach.of(TaskRow.user_id))
                .order_by(TaskRow.remind_at)
                .limit(1)
            )
            digest = conn.scalar(
                select(func.min(DigestRow.next_at)).where(reach.of(DigestRow.user_id))
            )
            stale = conn.scalar(
                select(func.min(ReminderDelivery.claimed_at)).where(
                    ReminderDelivery.state == "claimed"
                )
            )
            candidates = [m for m in (reminder, digest) if m is not None]
            if has_pending_notice(conn, reach):
                candidates.append(datetime.now(UTC))  # an assignee waits to be told
            if stale is not None:
                candidates.append(stale + timedelta(minutes=5))
            return min(candidates, default=None)

        return await self._db.run(work, write=False)

    async def mark_sent(self, *, delivery_ids: Sequence[int], now: datetime) -> None:
        await self._mark(delivery_ids, state="sent", sent_at=now, error=None)

    async def mark_failed(self, *, delivery_ids: Sequence[int], now: datetime, error: str) -> None:
        await self._mark(delivery_ids, state="failed", sent_at=now, error=error[:500])

    async def _mark(self, delivery_ids: Sequence[int], **values: Any) -> None:
        statement = update(_DELIVERY).where(_DELIVERY.c.id.in_(list(delivery_ids))).values(**values)

        def work(conn: Connection) -> None:
            conn.execute(statement)

        await self._db.run(work)

    async def recipient(self, *, user_id: int) -> Recipient:
        def work(conn: Connection) -> Recipient:
            user = conn.execute(select(_USER).where(_USER.c.id == user_id)).one_or_none()
            if user is None:
                raise StorageError(f"no user {user_id}")
            identities = conn.execute(
                select(UserIdentity.platform, UserIdentity.tenant, UserIdentity.external_id)
                .where(UserIdentity.user_id == user_id)
                .order_by(UserIdentity.platform, UserIdentity.tenant)
            ).all()
            refs = [UserRef(i.platform, i.tenant, i.external_id) for i in identities]
            # A person with linked accounts hears first where they last spoke.
            last = conn.execute(
                select(ConversationRow.platform, ConversationRow.tenant)
                .join(MessageRow, MessageRow.conversation_id == ConversationRow.id)
                .where(MessageRow.user_id == user_id, MessageRow.role == "user")
                .order_by(MessageRow.created_at.desc(), MessageRow.id.desc())
                .limit(1)
            ).first()
            # The very workspace they last wrote in, then its platform: someone in two Slack
            # workspaces hears in the one they use, not the first by name.
            if last is not None:
                refs.sort(
                    key=lambda ref: (
                        (ref.platform, ref.tenant) != tuple(last),
                        ref.platform != last.platform,
                    )
                )
            return Recipient(user=to_user(user), refs=tuple(refs), chosen=user.notice_platform)

        return await self._db.run(work, write=False)

    async def set_notice_platform(self, *, user_id: int, platform: str | None) -> None:
        statement = update(_USER).where(_USER.c.id == user_id).values(notice_platform=platform)

        def work(conn: Connection) -> None:
            if conn.execute(statement).rowcount != 1:
                raise StorageError(f"no user {user_id}")

        await self._db.run(work)

    async def pending(self, *, user_id: int) -> list[Task]:
        statement = (
            select(*TASK_COLUMNS)
            .where(
                TaskRow.user_id == user_id,
                TaskRow.completed_at.is_(None),
                or_(TaskRow.remind_at.is_not(None), TaskRow.repeat.is_not(None)),
            )
            .order_by(TaskRow.remind_at.is_(None), TaskRow.remind_at, TaskRow.number)
        )

        def work(conn: Connection) -> list[Task]:
            return [to_task(row) for row in conn.execute(statement)]

        return await self._db.run(work, write=False)

    async def get_digest(self, *, user_id: int) -> Digest | None:
        def work(conn: Connection) -> Digest | None:
            row = conn.execute(select(_DIGEST).where(_DIGEST.c.user_id == user_id)).one_or_none()
            if row is None:
                return None
            at = time.fromisoformat(row.at_local)
            return Digest(at=at, always=row.always, place=place_key(row.place))

        return await self._db.run(work, write=False)

    async def set_digest(self, *, user_id: int, digest: Digest | None, now: datetime) -> None:
        def work(conn: Connection) -> None:
            conn.execute(delete(_DIGEST).where(_DIGEST.c.user_id == user_id))
            if digest is None:
                return
            timezone = conn.scalar(select(AppUser.timezone).where(AppUser.id == user_id))
            conn.execute(
                insert(_DIGEST).values(
                    user_id=user_id,
                    at_local=digest.at.strftime("%H:%M"),
                    always=digest.always,
                    place=place_text(digest.place),
                    next_at=digest.next_after(now, zone_or_utc(timezone or "UTC")),
                    updated_at=now,
                )
            )

        await self._db.run(work)

    async def rezone(self, *, user_id: int, old: ZoneInfo, new: ZoneInfo, now: datetime) -> int:
        def work(conn: Connection) -> int:
            rows = conn.execute(
                select(_TASK.c.id, _TASK.c.remind_at).where(
                    _TASK.c.user_id == user_id, _TASK.c.remind_at.is_not(None)
                )
            ).all()
            for row in rows:
                wall = row.remind_at.astimezone(old).replace(tzinfo=new)
                conn.execute(update(_TASK).where(_TASK.c.id == row.id).values(remind_at=wall))
            digest = conn.execute(
                select(_DIGEST.c.at_local).where(_DIGEST.c.user_id == user_id)
            ).one_or_none()
            if digest is not None:
                following = Digest(at=time.fromisoformat(digest.at_local)).next_after(now, new)
                conn.execute(
                    update(_DIGEST).where(_DIGEST.c.user_id == user_id).values(next_at=following)
                )
            return len(rows)

        return await self._db.run(work)
