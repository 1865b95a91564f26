"""Assignments on SQL: a task created on someone else's list, with who gave it.

``assign`` is one unit of work (joining a chat turn's transaction when one is open): the
assignee is found or created, the task numbered on *their* list and inserted, and a
``task_assignment`` row queues their notice. Existing tasks of the assignee are never read
or written. Linking (``storage.sql.linking``) is mixed in, so ``storage.teams`` is one store.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.engine import Connection

from bot.conversations import User
from bot.errors import InvalidInput, StorageError
from bot.identity import UserRef
from bot.tasks import TaskDraft
from bot.teams import texts
from bot.teams.model import Assigned, Handed
from storage.sql.linking import SqlLinking
from storage.sql.models import TaskAssignment, TaskRow, UserIdentity
from storage.sql.privacy import SqlPrivacy
from storage.sql.session import Database
from storage.sql.task_order import TASK_COLUMNS
from storage.sql.tasks import _ALLOCATE, to_task
from storage.sql.users import get_or_create_user, raced_on_insert

_TASK = TaskRow.__table__
_ASSIGNMENT = TaskAssignment.__table__


def new_task_values(user_id: int, number: int, draft: TaskDraft, now: datetime) -> dict[str, Any]:
    return {
        "user_id": user_id,
        "number": number,
        "title": draft.title,
        "description": draft.description,
        "priority": draft.priority.value,
        "due_at": draft.due.at if draft.due else None,
        "due_has_time": bool(draft.due and draft.due.has_time),
        "completed_at": None,
        "created_at": now,
        "updated_at": now,
        "remind_at": draft.remind_at,
        "reminded_at": None,
        "repeat": draft.repeat,
        "place": None,
    }


def next_number(conn: Connection, user_id: int) -> int:
    """Take the next number of ``user_id``'s list (the row lock orders concurrent adds)."""
    allocated = conn.execute(_ALLOCATE, {"uid": user_id}).scalar()
    if allocated is None:
        raise StorageError(f"no user {user_id}")
    return int(allocated) - 1


def first_ref(conn: Connection, user_id: int, platform: str | None = None) -> UserRef | None:
    """One identity of ``user_id`` (on ``platform`` when it has one there)."""
    rows = conn.execute(
        select(UserIdentity.platform, UserIdentity.tenant, UserIdentity.external_id)
        .where(UserIdentity.user_id == user_id)
        .order_by(UserIdentity.platform, UserIdentity.tenant, UserIdentity.external_id)
    ).all()
    refs = [UserRef(r.platform, r.tenant, r.external_id) for r in rows]
    preferred = [r for r in refs if r.platform == platform] or refs
    return preferred[0] if preferred else None


class SqlTeamStore(SqlLinking, SqlPrivacy):
    """Implements ``bot.teams.model.TeamStore``."""

    def __init__(self, database: Database) -> None:
        self._db = database

    async def assign(
        self,
        *,
        assigner: User,
        assigner_ref: UserRef | None,
        assignee: UserRef,
        draft: TaskDraft,
        now: datetime,
        timezone: str,
    ) -> Assigned:
        def work(conn: Connection) -> Assigned:
            owner = get_or_create_user(conn, assignee, None, timezone)
            if owner.id == assigner.id:  # oneself, or a linked identity of oneself
                raise InvalidInput(texts.not_yourself())
            number = next_number(conn, owner.id)
            row = conn.execute(
                insert(_TASK).returning(*TASK_COLUMNS),
                new_task_values(owner.id, number, draft, now),
            ).one()
            ref = assigner_ref or first_ref(conn, assigner.id)
            conn.execute(
                insert(_ASSIGNMENT).values(
                    task_id=row.id,
                    assignee_user_id=owner.id,
                    assigner_user_id=assigner.id,
                    assigner_ref=str(ref) if ref else None,
                    assigner_name=assigner.display_name[:200],
                    assignee_name=owner.display_name[:200],
                    task_number=number,
                    title=draft.title,
                    state="open",
                    notified_at=None,
                    created_at=now,
                    closed_at=None,
                )
            )
            return Assigned(task=to_task(row), assignee=owner, assignee_ref=assignee)

        for attempt in range(2):
            try:
                return await self._db.run(work, conflicts=True)
            except StorageError as exc:
                if attempt or not raced_on_insert(exc):
                    raise
        raise AssertionError("unreachable")

    async def handed_out(self, *, user_id: int, limit: int = 50) -> list[Handed]:
        a = _ASSIGNMENT.c
        statement = (
            select(a.assignee_name, a.task_number, a.title, a.state, a.created_at, a.task_id)
            .where(a.assigner_user_id == user_id)
            .order_by(a.created_at.desc(), a.id.desc())
            .limit(limit)
        )

        def work(conn: Connection) -> list[Handed]:
            # Only what the giver wrote and the outcome: never the assignee's edits or notes.
            return [
                Handed(r.assignee_name, r.task_number, r.title, r.state, r.created_at)
                for r in conn.execute(statement)
            ]

        return await self._db.run(work, write=False)

    async def assigners(self, *, user_id: int) -> dict[int, str]:
        statement = (
            select(TaskRow.number, _ASSIGNMENT.c.assigner_ref)
            .join(_ASSIGNMENT, _ASSIGNMENT.c.task_id == TaskRow.id)
            .where(TaskRow.user_id == user_id)
        )

        def work(conn: Connection) -> dict[int, str]:
            return {r.number: r.assigner_ref or "" for r in conn.execute(statement)}

        return await self._db.run(work, write=False)

    async def identities(self, *, user_id: int) -> list[UserRef]:
        def work(conn: Connection) -> list[UserRef]:
            rows = conn.execute(
                select(UserIdentity.platform, UserIdentity.tenant, UserIdentity.external_id)
                .where(UserIdentity.user_id == user_id)
                .order_by(UserIdentity.platform, UserIdentity.tenant, UserIdentity.external_id)
            ).all()
            return [UserRef(r.platform, r.tenant, r.external_id) for r in rows]

        return await self._db.run(work, write=False)
