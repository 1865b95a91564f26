"""Tasks, always scoped to one user; per-user numbers allocated in the same transaction."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol
from zoneinfo import ZoneInfo

from sqlalchemy import case, delete, select, update
from sqlalchemy.exc import IntegrityError

from bot.errors import InvalidInput, StorageError, TaskNotFound
from bot.tasks import (
    UNSET,
    Due,
    Priority,
    Task,
    TaskChanges,
    TaskDraft,
    TaskImport,
    TaskQuery,
    plan_import_numbers,
    sort_key,
)
from storage.sql.models import AppUser, TaskRow
from storage.sql.places import place_key, place_text
from storage.sql.session import SqlStoreBase


class _TaskFields(Protocol):
    id: int
    user_id: int
    number: int
    title: str
    description: str
    priority: str
    due_at: datetime | None
    due_has_time: bool
    completed_at: datetime | None
    created_at: datetime
    updated_at: datetime
    remind_at: datetime | None
    reminded_at: datetime | None
    repeat: str | None
    place: str | None


# Lists are read-only: plain column rows skip building ORM objects for every task.
_TASK_COLUMNS = tuple(getattr(TaskRow, c.key) for c in TaskRow.__table__.columns)


def to_task(row: _TaskFields) -> Task:
    due = None
    if row.due_at is not None:
        due = Due.at_instant(row.due_at) if row.due_has_time else Due.on(row.due_at.date())
    return Task(
        id=row.id,
        user_id=row.user_id,
        number=row.number,
        title=row.title,
        description=row.description,
        priority=Priority(row.priority),
        due=due,
        completed_at=row.completed_at,
        created_at=row.created_at,
        updated_at=row.updated_at,
        remind_at=row.remind_at,
        reminded_at=row.reminded_at,
        repeat=row.repeat,
        place=place_key(row.place),
    )


def _time_columns(draft: TaskDraft) -> dict[str, object]:
    return {
        "remind_at": draft.remind_at,
        "repeat": draft.repeat,
        "place": place_text(draft.place),
    }


def _not_found(number: int) -> TaskNotFound:
    return TaskNotFound(f"You have no task #{number}.")


class SqlTaskStore(SqlStoreBase):
    async def add_task(
        self,
        *,
        user_id: int,
        draft: TaskDraft,
        now: datetime,
        number: int | None = None,
        completed_at: datetime | None = None,
        created_at: datetime | None = None,
    ) -> Task:
        try:
            async with self._tx() as session:
                # The UPDATE takes the user's row lock (PostgreSQL) or the write lock (SQLite):
                # concurrent adds queue here, and a rollback gives the number back, so numbers
                # stay distinct and gapless.
                if number is None:
                    allocated = await session.scalar(
                        update(AppUser)
                        .where(AppUser.id == user_id)
                        .values(next_task_number=AppUser.next_task_number + 1)
                        .returning(AppUser.next_task_number)
                    )
                    if allocated is None:
                        raise StorageError(f"no user {user_id}")
                    number = allocated - 1
                else:
                    await session.execute(
                        update(AppUser)
                        .where(AppUser.id == user_id)
                        .values(
                            next_task_number=case(
                                (AppUser.next_task_number > number, AppUser.next_task_number),
                                else_=number + 1,
                            )
                        )
                    )
                row = TaskRow(
                    user_id=user_id,
                    number=number,
                    title=draft.title,
                    description=draft.description,
                    priority=draft.priority.value,
                    due_at=draft.due.at if draft.due else None,
                    due_has_time=bool(draft.due and draft.due.has_time),
                    completed_at=completed_at,
                    created_at=created_at or now,
                    updated_at=now,
                    **_time_columns(draft),
                )
                session.add(row)
                await session.flush()
                return to_task(row)
        except StorageError as exc:
            if isinstance(exc.__cause__, IntegrityError):
                raise InvalidInput(f"Task #{number} already exists.") from exc
            raise

    async def import_tasks(
        self, *, user_id: int, tasks: Sequence[TaskImport], now: datetime
    ) -> list[Task]:
        async with self._tx() as session:
            # The user's row lock (PostgreSQL) / the write lock (SQLite) keeps concurrent adds out
            # until every imported task has its number.
            next_number = await session.scalar(
                select(AppUser.next_task_number).where(AppUser.id == user_id).with_for_update()
            )
            if next_number is None:
                raise StorageError(f"no user {user_id}")
            numbers = plan_import_numbers(tasks, next_number)
            rows = [
                TaskRow(
                    user_id=user_id,
                    number=number,
                    title=item.draft.title,
                    description=item.draft.description,
                    priority=item.draft.priority.value,
                    due_at=item.draft.due.at if item.draft.due else None,
                    due_has_time=bool(item.draft.due and item.draft.due.has_time),
                    completed_at=item.completed_at,
                    created_at=item.created_at or now,
                    updated_at=now,
                    **_time_columns(item.draft),
                )
                for item, number in zip(tasks, numbers, strict=True)
            ]
            session.add_all(rows)
            await session.execute(
                update(AppUser)
                .where(AppUser.id == user_id)
                .values(next_task_number=max([next_number - 1, *numbers]) + 1)
            )
            await session.flush()
            return [to_task(row) for row in rows]

    async def get_task(self, *, user_id: int, number: int) -> Task:
        async with self._tx() as session:
            row = await session.scalar(
                select(TaskRow).where(TaskRow.user_id == user_id, TaskRow.number == number)
            )
            if row is None:
                raise _not_found(number)
            return to_task(row)

    async def list_tasks(
        self, *, user_id: int, query: TaskQuery, now: datetime, tz: ZoneInfo, limit: int = 200
    ) -> list[Task]:
        stmt = select(*_TASK_COLUMNS).where(TaskRow.user_id == user_id)
        if query.status == "open":
            stmt = stmt.where(TaskRow.completed_at.is_(None))
        elif query.status == "completed":
            stmt = stmt.where(TaskRow.completed_at.is_not(None))
        if query.priority is not None:
            stmt = stmt.where(TaskRow.priority == query.priority.value)
        if query.numbers:
            stmt = stmt.where(TaskRow.number.in_(sorted(query.numbers)))
        if query.has_due is not None or query.narrows_by_due():
            wants_due = query.has_due if query.has_due is not None else True
            stmt = stmt.where(
                TaskRow.due_at.is_not(None) if wants_due else TaskRow.due_at.is_(None)
            )
        # Due windows are in the person's timezone and differ for dates and date-times; the
        # exact test is TaskQuery.matches, run on the user's (already narrowed) rows.
        stmt = stmt.order_by(TaskRow.due_at.is_(None), TaskRow.due_at, TaskRow.number)
        async with self._tx() as session:
            rows = (await session.execute(stmt)).all()
        found = [t for t in map(to_task, rows) if query.matches(t, now=now, tz=tz)]
        return sorted(found, key=lambda task: sort_key(task, tz))[:limit]

    async def update_task(
        self, *, user_id: int, number: int, changes: TaskChanges, now: datetime
    ) -> Task:
        values: dict[str, object] = {"updated_at": now}
        if changes.title is not UNSET:
            values["title"] = changes.title
        if changes.description is not UNSET:
            values["description"] = changes.description
        if isinstance(changes.priority, Priority):
            values["priority"] = changes.priority.value
        if changes.due is not UNSET:
            due = changes.due if isinstance(changes.due, Due) else None
            values["due_at"] = due.at if due else None
            values["due_has_time"] = bool(due and due.has_time)
        if changes.completed_at is not UNSET:
            values["completed_at"] = changes.completed_at
        if changes.remind_at is not UNSET:
            values["remind_at"] = changes.remind_at
        if changes.repeat is not UNSET:
            values["repeat"] = changes.repeat
        if changes.place is not UNSET:
            values["place"] = place_text(changes.place)  # type: ignore[arg-type]
        async with self._tx() as session:
            row = await session.scalar(
                update(TaskRow)
                .where(TaskRow.user_id == user_id, TaskRow.number == number)
                .values(**values)
                .returning(TaskRow)
            )
            if row is None:
                raise _not_found(number)
            return to_task(row)

    async def delete_task(self, *, user_id: int, number: int) -> Task:
        async with self._tx() as session:
            row = await session.scalar(
                delete(TaskRow)
                .where(TaskRow.user_id == user_id, TaskRow.number == number)
                .returning(TaskRow)
            )
            if row is None:
                raise _not_found(number)
            return to_task(row)
