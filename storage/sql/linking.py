"""Joining two identities into one person, and separating them again, on SQL.

A code is stored only as its SHA-256 and used once: the redeeming UPDATE sets ``used_at``
only where it is still NULL, so two redemptions of one code cannot both win. Failed
redemptions are recorded (in the same transaction that refuses them — the refusal is a
returned value, not an exception that would roll the record back) and counted.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Literal

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.engine import Connection

from bot.errors import InvalidInput, RateLimited
from bot.identity import UserRef
from bot.teams import texts
from bot.teams.model import Linked, Unlinked
from storage.sql.models import (
    AppUser,
    DigestRow,
    LinkAttempt,
    LinkCode,
    LinkedTask,
    MessageRow,
    ReminderDelivery,
    TaskAssignment,
    TaskRow,
    UserIdentity,
)
from storage.sql.session import Database

_TASK = TaskRow.__table__
_FAILURE_WINDOW = timedelta(minutes=10)
Refusal = Literal["bad", "limited", "same"]


def _refs(conn: Connection, user_id: int) -> list[UserRef]:
    rows = conn.execute(
        select(UserIdentity.platform, UserIdentity.tenant, UserIdentity.external_id)
        .where(UserIdentity.user_id == user_id)
        .order_by(UserIdentity.platform, UserIdentity.tenant, UserIdentity.external_id)
    ).all()
    return [UserRef(r.platform, r.tenant, r.external_id) for r in rows]


def _renumber(conn: Connection, task_ids: list[int], to_user: int) -> list[int]:
    """Move tasks (in their order) to the end of ``to_user``'s list; their new numbers."""
    from storage.sql.teams import next_number  # one allocator for every new number

    numbers = []
    for task_id in task_ids:
        number = next_number(conn, to_user)
        conn.execute(
            update(_TASK).where(_TASK.c.id == task_id).values(user_id=to_user, number=number)
        )
        numbers.append(number)
    return numbers


class SqlLinking:
    _db: Database

    async def create_link_code(
        self, *, user_id: int, code_hash: str, now: datetime, expires_at: datetime, per_hour: int
    ) -> None:
        def work(conn: Connection) -> bool:
            recent = conn.scalar(
                select(func.count())
                .select_from(LinkCode)
                .where(LinkCode.user_id == user_id, LinkCode.created_at > now - timedelta(hours=1))
            )
            if (recent or 0) >= per_hour:
                return False
            conn.execute(
                delete(LinkCode).where(
                    LinkCode.user_id == user_id, LinkCode.created_at <= now - timedelta(hours=1)
                )
            )
            conn.execute(
                insert(LinkCode).values(
                    code_hash=code_hash, user_id=user_id, created_at=now, expires_at=expires_at
                )
            )
            return True

        if not await self._db.run(work):
            raise RateLimited(texts.too_many_codes())

    async def redeem_link_code(
        self, *, user_id: int, code_hash: str, now: datetime, failures_allowed: int
    ) -> Linked:
        def work(conn: Connection) -> Linked | Refusal:
            failures = conn.scalar(
                select(func.count())
                .select_from(LinkAttempt)
                .where(LinkAttempt.user_id == user_id, LinkAttempt.at > now - _FAILURE_WINDOW)
            )
            if (failures or 0) >= failures_allowed:
                return "limited"  # checked before the code: a right guess counts no more
            owner = conn.execute(
                update(LinkCode)
                .where(
                    LinkCode.code_hash == code_hash,
                    LinkCode.used_at.is_(None),
                    LinkCode.expires_at > now,
                    LinkCode.user_id != user_id,
                )
                .values(used_at=now)
                .returning(LinkCode.user_id)
            ).scalar()
            if owner is None:
                mine = conn.scalar(
                    select(LinkCode.user_id).where(
                        LinkCode.code_hash == code_hash, LinkCode.user_id == user_id
                    )
                )
                if mine is not None:
                    return "same"
                conn.execute(insert(LinkAttempt).values(user_id=user_id, at=now))
                return "bad"
            return _join(conn, into=int(owner), joining=user_id)

        result = await self._db.run(work, conflicts=True)
        if result == "limited":
            raise RateLimited(texts.too_many_tries())
        if result == "same":
            raise InvalidInput(texts.same_person())
        if result == "bad":
            raise InvalidInput(texts.bad_code())
        return result

    async def join_users(self, *, into: int, joining: int) -> Linked:
        if into == joining:
            raise InvalidInput(texts.same_person())
        return await self._db.run(lambda conn: _join(conn, into=into, joining=joining))

    async def unlink(self, *, user_id: int, ref: UserRef, now: datetime) -> Unlinked:
        def work(conn: Connection) -> Unlinked | None:
            refs = _refs(conn, user_id)
            if ref not in refs or len(refs) < 2:
                return None
            zone = conn.scalar(select(AppUser.timezone).where(AppUser.id == user_id))
            alone = conn.execute(
                insert(AppUser)
                .values(
                    display_name=ref.external_id[:200],
                    timezone=zone or "UTC",
                    timezone_pinned=False,
                    next_task_number=1,
                    created_at=now,
                )
                .returning(AppUser.id)
            ).scalar_one()
            conn.execute(
                update(UserIdentity)
                .where(
                    UserIdentity.platform == ref.platform,
                    UserIdentity.tenant == ref.tenant,
                    UserIdentity.external_id == ref.external_id,
                )
                .values(user_id=alone)
            )
            brought = (
                select(LinkedTask.task_id)
                .join(TaskRow, TaskRow.id == LinkedTask.task_id)
                .where(
                    TaskRow.user_id == user_id,
                    LinkedTask.platform == ref.platform,
                    LinkedTask.tenant == ref.tenant,
                    LinkedTask.external_id == ref.external_id,
                )
                .order_by(TaskRow.number)
            )
            task_ids = list(conn.scalars(brought))
            conn.execute(delete(LinkedTask).where(LinkedTask.task_id.in_(task_ids)))
            conn.execute(
                update(TaskAssignment)
                .where(TaskAssignment.task_id.in_(task_ids))
                .values(assignee_user_id=alone)
            )
            return Unlinked(ref=ref, numbers=tuple(_renumber(conn, task_ids, alone)))

        done = await self._db.run(work)
        if done is None:
            raise InvalidInput(texts.not_linked())
        return done


def _join(conn: Connection, *, into: int, joining: int) -> Linked:
    """Everything of ``joining`` becomes ``into``'s; ``joining`` is left an empty husk (the
    turn that links still writes its reply under it)."""
    refs = _refs(conn, joining)
    task_ids = list(
        conn.scalars(select(TaskRow.id).where(TaskRow.user_id == joining).order_by(TaskRow.number))
    )
    numbers = _renumber(conn, task_ids, into)
    if refs:
        came_with = refs[0]
        for task_id in task_ids:
            conn.execute(
                insert(LinkedTask).values(
                    task_id=task_id,
                    platform=came_with.platform,
                    tenant=came_with.tenant,
                    external_id=came_with.external_id,
                )
            )
    conn.execute(update(UserIdentity).where(UserIdentity.user_id == joining).values(user_id=into))
    conn.execute(update(MessageRow).where(MessageRow.user_id == joining).values(user_id=into))
    for column in (TaskAssignment.assignee_user_id, TaskAssignment.assigner_user_id):
        conn.execute(update(TaskAssignment).where(column == joining).values({column.key: into}))
    conn.execute(
        update(ReminderDelivery).where(ReminderDelivery.user_id == joining).values(user_id=into)
    )
    has_digest = conn.scalar(select(DigestRow.user_id).where(DigestRow.user_id == into))
    if has_digest is None:
        conn.execute(update(DigestRow).where(DigestRow.user_id == joining).values(user_id=into))
    conn.execute(delete(DigestRow).where(DigestRow.user_id == joining))
    conn.execute(delete(LinkCode).where(LinkCode.user_id == joining))
    return Linked(numbers=tuple(numbers), identities=tuple(_refs(conn, into)))
