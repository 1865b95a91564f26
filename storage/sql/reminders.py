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
with the number of reminders pending in the future.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import exists, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.errors import StorageError
from bot.identity import UserRef
from bot.reminders.model import Delivery, Digest, Recipient
from bot.tasks import Due, Task
from storage.sql.models import AppUser, DigestRow, ReminderDelivery, TaskRow, UserIdentity
from storage.sql.places import place_key, place_text
from storage.sql.session import SqlStoreBase
from storage.sql.tasks import to_task
from storage.sql.users import to_user


def _due(at: datetime | None, has_time: bool) -> Due | None:
    if at is None:
        return None
    return Due.at_instant(at) if has_time else Due.on(at.date())


def _delivery(row: Any, *, always: bool = False) -> Delivery:
    return Delivery(
        id=row.id,
        kind=row.kind,
        user_id=row.user_id,
        task_number=row.task_number,
        title=row.title,
        due=_due(row.due_at, row.due_has_time),
        fire_at=row.fire_at,
        place=place_key(row.place),
        attempts=row.attempts,
        always=always,
    )


class SqlReminderStore(SqlStoreBase):
    """Implements ``bot.stores.ReminderStore``."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession], *, dialect: str) -> None:
        super().__init__(sessions)
        self._dialect: Any = postgresql if dialect == "postgresql" else sqlite

    def _insert(self, session: AsyncSession) -> Any:
        # Both dialects spell "insert unless the dedup key exists" the same way.
        return self._dialect.insert(ReminderDelivery)

    async def claim_due(
        self,
        *,
        now: datetime,
        limit: int,
        lease: timedelta,
        platforms: frozenset[str],
        user_id: int | None = None,
    ) -> list[Delivery]:
        async with self._tx() as session:
            reach = _Reach(platforms, user_id)
            claimed = await self._reclaim_stale(session, now, limit, lease, reach)
            for claim in (self._claim_reminders, self._claim_digests):
                if len(claimed) < limit:
                    claimed += await claim(session, now, limit - len(claimed), reach)
            return claimed

    async def _reclaim_stale(
        self, session: AsyncSession, now: datetime, limit: int, lease: timedelta, reach: _Reach
    ) -> list[Delivery]:
        cutoff = now - lease
        picked = (
            select(ReminderDelivery.id)
            .where(
                ReminderDelivery.state == "claimed",
                ReminderDelivery.claimed_at < cutoff,
                reach.of(ReminderDelivery.user_id),
            )
            .order_by(ReminderDelivery.claimed_at)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        rows = (
            await session.execute(
                update(ReminderDelivery)
                .where(
                    ReminderDelivery.id.in_(picked),
                    ReminderDelivery.state == "claimed",
                    ReminderDelivery.claimed_at < cutoff,
                )
                .values(claimed_at=now, attempts=ReminderDelivery.attempts + 1)
                .returning(ReminderDelivery)
            )
        ).scalars()
        return [_delivery(row) for row in rows]

    async def _claim_reminders(
        self, session: AsyncSession, now: datetime, limit: int, reach: _Reach
    ) -> list[Delivery]:
        picked = (
            select(TaskRow.id)
            .where(
                TaskRow.remind_at.is_not(None),
                TaskRow.remind_at <= now,
                reach.of(TaskRow.user_id),
            )
            .order_by(TaskRow.remind_at)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        # SET evaluates every right-hand side on the old row: reminded_at gets the moment that
        # was pending, remind_at is emptied — the reminder leaves the queue in this statement.
        rows = (
            await session.execute(
                update(TaskRow)
                .where(
                    TaskRow.id.in_(picked),
                    TaskRow.remind_at.is_not(None),
                    TaskRow.remind_at <= now,
                )
                .values(remind_at=None, reminded_at=TaskRow.remind_at)
                .returning(
                    TaskRow.id,
                    TaskRow.user_id,
                    TaskRow.number,
                    TaskRow.title,
                    TaskRow.due_at,
                    TaskRow.due_has_time,
                    TaskRow.reminded_at,
                    TaskRow.place,
                    TaskRow.completed_at,
                )
            )
        ).all()
        values = [
            {
                "dedup_key": f"reminder:{row.id}:{row.reminded_at.isoformat()}",
                "user_id": row.user_id,
                "task_id": row.id,
                "kind": "reminder",
                "task_number": row.number,
                "title": row.title,
                "due_at": row.due_at,
                "due_has_time": row.due_has_time,
                "fire_at": row.reminded_at,
                "place": row.place,
                "state": "claimed",
                "claimed_at": now,
                "attempts": 1,
            }
            for row in rows
            if row.completed_at is None  # done already: the reminder is simply dropped
        ]
        if not values:
            return []
        # One multi-row INSERT … ON CONFLICT DO NOTHING RETURNING for the whole claim.
        inserted = await session.scalars(
            self._insert(session)
            .on_conflict_do_nothing(index_elements=["dedup_key"])
            .returning(ReminderDelivery),
            values,
        )
        return sorted((_delivery(row) for row in inserted), key=lambda d: d.fire_at)

    async def _claim_digests(
        self, session: AsyncSession, now: datetime, limit: int, reach: _Reach
    ) -> list[Delivery]:
        picked = (
            await session.execute(
                select(DigestRow, AppUser.timezone)
                .join(AppUser, AppUser.id == DigestRow.user_id)
                .where(DigestRow.next_at <= now, reach.of(DigestRow.user_id))
                .order_by(DigestRow.next_at)
                .limit(limit)
                .with_for_update(skip_locked=True, of=DigestRow)
            )
        ).all()
        claimed = []
        for digest_row, timezone in picked:
            fire_at = digest_row.next_at
            digest = Digest(at=time.fromisoformat(digest_row.at_local))
            following = digest.next_after(now, _zone(timezone))
            moved = await session.execute(
                update(DigestRow)
                .where(DigestRow.user_id == digest_row.user_id, DigestRow.next_at == fire_at)
                .values(next_at=following)
            )
            if getattr(moved, "rowcount", 0) != 1:
                continue  # another process took it first
            inserted = (
                await session.execute(
                    self._insert(session)
                    .values(
                        dedup_key=f"digest:{digest_row.user_id}:{fire_at.isoformat()}",
                        user_id=digest_row.user_id,
                        kind="digest",
                        title="",
                        fire_at=fire_at,
                        place=digest_row.place,
                        state="claimed",
                        claimed_at=now,
                        attempts=1,
                    )
                    .on_conflict_do_nothing(index_elements=["dedup_key"])
                    .returning(ReminderDelivery)
                )
            ).scalar_one_or_none()
            if inserted is not None:
                claimed.append(_delivery(inserted, always=digest_row.always))
        return claimed

    async def next_due_at(self, *, platforms: frozenset[str]) -> datetime | None:
        reach = _Reach(platforms, None)
        async with self._tx() as session:
            reminder = await session.scalar(
                select(TaskRow.remind_at)
                .where(TaskRow.remind_at.is_not(None), reach.of(TaskRow.user_id))
                .order_by(TaskRow.remind_at)
                .limit(1)
            )
            digest = await session.scalar(
                select(func.min(DigestRow.next_at)).where(reach.of(DigestRow.user_id))
            )
            stale = await session.scalar(
                select(func.min(ReminderDelivery.claimed_at)).where(
                    ReminderDelivery.state == "claimed"
                )
            )
        candidates = [m for m in (reminder, digest) if m is not None]
        if stale is not None:
            candidates.append(stale + timedelta(minutes=5))
        return min(candidates, default=None)

    async def mark_sent(self, *, delivery_ids: Sequence[int], now: datetime) -> None:
        async with self._tx() as session:
            await session.execute(
                update(ReminderDelivery)
                .where(ReminderDelivery.id.in_(list(delivery_ids)))
                .values(state="sent", sent_at=now, error=None)
            )

    async def mark_failed(self, *, delivery_ids: Sequence[int], now: datetime, error: str) -> None:
        async with self._tx() as session:
            await session.execute(
                update(ReminderDelivery)
                .where(ReminderDelivery.id.in_(list(delivery_ids)))
                .values(state="failed", sent_at=now, error=error[:500])
            )

    async def recipient(self, *, user_id: int) -> Recipient:
        async with self._tx() as session:
            user = await session.get(AppUser, user_id)
            if user is None:
                raise StorageError(f"no user {user_id}")
            identities = (
                await session.scalars(
                    select(UserIdentity)
                    .where(UserIdentity.user_id == user_id)
                    .order_by(UserIdentity.platform, UserIdentity.tenant)
                )
            ).all()
            refs = tuple(UserRef(i.platform, i.tenant, i.external_id) for i in identities)
            return Recipient(user=to_user(user), refs=refs)

    async def pending(self, *, user_id: int) -> list[Task]:
        async with self._tx() as session:
            rows = (
                await session.scalars(
                    select(TaskRow)
                    .where(
                        TaskRow.user_id == user_id,
                        TaskRow.completed_at.is_(None),
                        or_(TaskRow.remind_at.is_not(None), TaskRow.repeat.is_not(None)),
                    )
                    .order_by(TaskRow.remind_at.is_(None), TaskRow.remind_at, TaskRow.number)
                )
            ).all()
            return [to_task(row) for row in rows]

    async def get_digest(self, *, user_id: int) -> Digest | None:
        async with self._tx() as session:
            row = await session.get(DigestRow, user_id)
            if row is None:
                return None
            return Digest(
                at=time.fromisoformat(row.at_local), always=row.always, place=place_key(row.place)
            )

    async def set_digest(self, *, user_id: int, digest: Digest | None, now: datetime) -> None:
        async with self._tx() as session:
            row = await session.get(DigestRow, user_id, with_for_update=True)
            if digest is None:
                if row is not None:
                    await session.delete(row)
                return
            timezone = await session.scalar(select(AppUser.timezone).where(AppUser.id == user_id))
            next_at = digest.next_after(now, _zone(timezone or "UTC"))
            if row is None:
                row = DigestRow(user_id=user_id)
                session.add(row)
            row.at_local = digest.at.strftime("%H:%M")
            row.always = digest.always
            row.place = place_text(digest.place)
            row.next_at = next_at
            row.updated_at = now

    async def rezone(self, *, user_id: int, old: ZoneInfo, new: ZoneInfo, now: datetime) -> int:
        async with self._tx() as session:
            rows = (
                await session.scalars(
                    select(TaskRow)
                    .where(TaskRow.user_id == user_id, TaskRow.remind_at.is_not(None))
                    .with_for_update()
                )
            ).all()
            for row in rows:
                assert row.remind_at is not None
                wall = row.remind_at.astimezone(old).replace(tzinfo=new)
                row.remind_at = wall
            digest = await session.get(DigestRow, user_id, with_for_update=True)
            if digest is not None:
                digest.next_at = Digest(at=time.fromisoformat(digest.at_local)).next_after(now, new)
            return len(rows)


class _Reach:
    """Whose items a poll may claim: people reachable on ``platforms`` (one person's only).

    A correlated EXISTS, so the planners walk the due-time index in order and test each row,
    instead of starting from every task of every reachable person.
    """

    def __init__(self, platforms: frozenset[str], user_id: int | None) -> None:
        self.platforms = sorted(platforms)
        self.user_id = user_id

    def of(self, column: Any) -> Any:
        reachable = exists().where(
            UserIdentity.user_id == column, UserIdentity.platform.in_(self.platforms)
        )
        return reachable if self.user_id is None else reachable & (column == self.user_id)


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ValueError, KeyError):
        return ZoneInfo("UTC")
