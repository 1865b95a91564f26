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

from sqlalchemy import Table, delete, exists, func, insert, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection

from bot.errors import StorageError
from bot.identity import UserRef
from bot.reminders.model import Delivery, Digest, Recipient
from bot.tasks import Due, Task
from storage.sql.assignment_claims import claim_assignment_notices, has_pending_notice
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
from storage.sql.session import Database
from storage.sql.task_order import TASK_COLUMNS
from storage.sql.tasks import to_task
from storage.sql.users import to_user

_DELIVERY = cast(Table, ReminderDelivery.__table__)
_DIGEST = cast(Table, DigestRow.__table__)
_TASK = cast(Table, TaskRow.__table__)
_USER = cast(Table, AppUser.__table__)


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
        counterpart=row.counterpart,
    )


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


class SqlReminderStore:
    """Implements ``bot.stores.ReminderStore``."""

    def __init__(self, database: Database) -> None:
        self._db = database
        # Both dialects spell "insert unless the dedup key exists" the same way.
        self._dialect: Any = postgresql if database.dialect == "postgresql" else sqlite
        self._insert_once = (
            self._dialect.insert(_DELIVERY)
            .on_conflict_do_nothing(index_elements=["dedup_key"])
            .returning(*_DELIVERY.c)
        )

    async def claim_due(
        self,
        *,
        now: datetime,
        limit: int,
        lease: timedelta,
        platforms: frozenset[str],
        user_id: int | None = None,
    ) -> list[Delivery]:
        reach = _Reach(platforms, user_id)

        def work(conn: Connection) -> list[Delivery]:
            claimed = self._reclaim_stale(conn, now, limit, lease, reach)
            for claim in (self._claim_reminders, self._claim_digests, self._claim_assignments):
                if len(claimed) < limit:
                    claimed += claim(conn, now, limit - len(claimed), reach)
            return claimed

        return await self._db.run(work)

    def _reclaim_stale(
        self, conn: Connection, now: datetime, limit: int, lease: timedelta, reach: _Reach
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
        rows = conn.execute(
            update(_DELIVERY)
            .where(
                _DELIVERY.c.id.in_(picked),
                _DELIVERY.c.state == "claimed",
                _DELIVERY.c.claimed_at < cutoff,
            )
            .values(claimed_at=now, attempts=_DELIVERY.c.attempts + 1)
            .returning(*_DELIVERY.c)
        ).all()
        return [_delivery(row) for row in rows]

    def _claim_reminders(
        self, conn: Connection, now: datetime, limit: int, reach: _Reach
    ) -> list[Delivery]:
        picked = (
            select(TaskRow.id)
            .where(
                TaskRow.remind_at.is_not(None), TaskRow.remind_at <= now, reach.of(TaskRow.user_id)
            )
            .order_by(TaskRow.remind_at)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        # SET evaluates every right-hand side on the old row: reminded_at gets the moment that
        # was pending, remind_at is emptied — the reminder leaves the queue in this statement.
        c = _TASK.c
        rows = conn.execute(
            update(_TASK)
            .where(c.id.in_(picked), c.remind_at.is_not(None), c.remind_at <= now)
            .values(remind_at=None, reminded_at=c.remind_at)
            .returning(
                c.id,
                c.user_id,
                c.number,
                c.title,
                c.due_at,
                c.due_has_time,
                c.reminded_at,
                c.place,
                c.completed_at,
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
                "sent_at": None,
                "error": None,
            }
            for row in rows
            if row.completed_at is None  # done already: the reminder is simply dropped
        ]
        if not values:
            return []
        # One multi-row INSERT … ON CONFLICT DO NOTHING RETURNING for the whole claim.
        inserted = conn.execute(
            self._dialect.insert(_DELIVERY)
            .values(values)
            .on_conflict_do_nothing(index_elements=["dedup_key"])
            .returning(*_DELIVERY.c)
        ).all()
        return sorted((_delivery(row) for row in inserted), key=lambda d: d.fire_at)

    def _claim_assignments(
        self, conn: Connection, now: datetime, limit: int, reach: _Reach
    ) -> list[Delivery]:
        insert_many = self._dialect.insert(_DELIVERY).returning(*_DELIVERY.c)
        rows = claim_assignment_notices(conn, now, limit, reach, insert_many)
        return [_delivery(row) for row in rows]

    def _claim_digests(
        self, conn: Connection, now: datetime, limit: int, reach: _Reach
    ) -> list[Delivery]:
        picked = conn.execute(
            select(_DIGEST, AppUser.timezone)
            .join(AppUser, AppUser.id == _DIGEST.c.user_id)
            .where(_DIGEST.c.next_at <= now, reach.of(_DIGEST.c.user_id))
            .order_by(_DIGEST.c.next_at)
            .limit(limit)
            .with_for_update(skip_locked=True, of=_DIGEST)
        ).all()
        claimed = []
        for row in picked:
            fire_at = row.next_at
            following = Digest(at=time.fromisoformat(row.at_local)).next_after(
                now, _zone(row.timezone)
            )
            moved = conn.execute(
                update(_DIGEST)
                .where(_DIGEST.c.user_id == row.user_id, _DIGEST.c.next_at == fire_at)
                .values(next_at=following)
            )
            if moved.rowcount != 1:
                continue  # another process took it first
            inserted = conn.execute(
                self._insert_once,
                {
                    "dedup_key": f"digest:{row.user_id}:{fire_at.isoformat()}",
                    "user_id": row.user_id,
                    "task_id": None,
                    "kind": "digest",
                    "task_number": None,
                    "title": "",
                    "due_at": None,
                    "due_has_time": False,
                    "fire_at": fire_at,
                    "place": row.place,
                    "state": "claimed",
                    "claimed_at": now,
                    "attempts": 1,
                    "sent_at": None,
                    "error": None,
                },
            ).one_or_none()
            if inserted is not None:
                claimed.append(_delivery(inserted, always=row.always))
        return claimed

    async def next_due_at(self, *, platforms: frozenset[str]) -> datetime | None:
        reach = _Reach(platforms, None)

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
            last = conn.scalar(
                select(ConversationRow.platform)
                .join(MessageRow, MessageRow.conversation_id == ConversationRow.id)
                .where(MessageRow.user_id == user_id, MessageRow.role == "user")
                .order_by(MessageRow.created_at.desc(), MessageRow.id.desc())
                .limit(1)
            )
            refs.sort(key=lambda ref: ref.platform != last)
            return Recipient(user=to_user(user), refs=tuple(refs))

        return await self._db.run(work, write=False)

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
                    next_at=digest.next_after(now, _zone(timezone or "UTC")),
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


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ValueError, KeyError):
        return ZoneInfo("UTC")
