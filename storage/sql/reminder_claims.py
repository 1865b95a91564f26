"""Claiming due reminders and digests inside one transaction (see ``storage.sql.reminders``)."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import exists, select, update
from sqlalchemy.engine import Connection

from bot.reminders.model import Delivery, Digest
from bot.tasks import Due
from storage.sql.models import AppUser, DigestRow, ReminderDelivery, TaskRow, UserIdentity
from storage.sql.places import place_key

_DELIVERY = ReminderDelivery.__table__
_DIGEST = DigestRow.__table__
_TASK = TaskRow.__table__


def insert_dialect(conn: Connection) -> Any:
    """The dialect module whose ``insert`` has ``on_conflict_do_nothing`` (both spell it the
    same way). Imported here, not at the top: loading the PostgreSQL dialect on a SQLite start
    costs a tenth of it."""
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects import postgresql

        return postgresql
    from sqlalchemy.dialects import sqlite

    return sqlite


def _insert_once(conn: Connection) -> Any:
    return (
        insert_dialect(conn)
        .insert(_DELIVERY)
        .on_conflict_do_nothing(index_elements=["dedup_key"])
        .returning(*_DELIVERY.c)
    )


def _due(at: datetime | None, has_time: bool) -> Due | None:
    if at is None:
        return None
    return Due.at_instant(at) if has_time else Due.on(at.date())


def delivery_of(row: Any, *, always: bool = False) -> Delivery:
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


class Reach:
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


def reclaim_stale(
    conn: Connection, now: datetime, limit: int, lease: timedelta, reach: Reach
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
    return [delivery_of(row) for row in rows]


def claim_reminders(conn: Connection, now: datetime, limit: int, reach: Reach) -> list[Delivery]:
    picked = (
        select(TaskRow.id)
        .where(TaskRow.remind_at.is_not(None), TaskRow.remind_at <= now, reach.of(TaskRow.user_id))
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
        insert_dialect(conn)
        .insert(_DELIVERY)
        .values(values)
        .on_conflict_do_nothing(index_elements=["dedup_key"])
        .returning(*_DELIVERY.c)
    ).all()
    return sorted((delivery_of(row) for row in inserted), key=lambda d: d.fire_at)


def claim_digests(conn: Connection, now: datetime, limit: int, reach: Reach) -> list[Delivery]:
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
            now, zone_or_utc(row.timezone)
        )
        moved = conn.execute(
            update(_DIGEST)
            .where(_DIGEST.c.user_id == row.user_id, _DIGEST.c.next_at == fire_at)
            .values(next_at=following)
        )
        if moved.rowcount != 1:
            continue  # another process took it first
        inserted = conn.execute(
            _insert_once(conn),
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
            claimed.append(delivery_of(inserted, always=row.always))
    return claimed


def zone_or_utc(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ValueError, KeyError):
        return ZoneInfo("UTC")
