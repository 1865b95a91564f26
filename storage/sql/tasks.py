"""Tasks, always scoped to one user; per-user numbers allocated in the same transaction.

Each method is one unit of work of Core statements (see ``storage.sql.session``); the
statements that do not depend on the call are built once, here.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from functools import lru_cache
from types import SimpleNamespace
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from sqlalchemy import (
    bindparam,
    case,
    delete,
    insert,
    select,
    update,
)
from sqlalchemy.engine import Connection

from bot.errors import InvalidInput, StorageError, TaskNotFound
from bot.tasks import (
    UNSET,
    Due,
    Priority,
    Task,
    TaskChanges,
    TaskDraft,
    TaskImport,
    TaskPage,
    TaskQuery,
    plan_import_numbers,
)
from storage.sql import direct, driver
from storage.sql.direct import Direct
from storage.sql.imports import import_staged
from storage.sql.models import AppUser, TaskRow
from storage.sql.places import place_key, place_text
from storage.sql.session import Database, violated_constraint
from storage.sql.task_order import TASK_COLUMNS as _TASK_COLUMNS
from storage.sql.task_order import ListShape, due_bounds, list_statements, mention_params

_TASK = TaskRow.__table__
_MINE = (TaskRow.user_id == bindparam("user_id"), TaskRow.number == bindparam("number"))

_ALLOCATE = (
    update(AppUser)
    .where(AppUser.id == bindparam("uid"))
    .values(next_task_number=AppUser.next_task_number + 1)
    .returning(AppUser.next_task_number)
)
_MOVE_ALLOCATOR_PAST = (
    update(AppUser)
    .where(AppUser.id == bindparam("uid"))
    .values(
        next_task_number=case(
            (AppUser.next_task_number > bindparam("taken"), AppUser.next_task_number),
            else_=bindparam("taken") + 1,
        )
    )
)
_GET = Direct(select(*_TASK_COLUMNS).where(*_MINE))
_DELETE = Direct(delete(_TASK).where(*_MINE).returning(*_TASK_COLUMNS))
# A new task and its number in one statement: the allocator's UPDATE (which takes the
# user's row lock) feeds the INSERT.
_ALLOCATED = (
    update(AppUser)
    .where(AppUser.id == bindparam("user_id"))
    .values(next_task_number=AppUser.next_task_number + 1)
    .returning((AppUser.next_task_number - 1).label("number"))
    .cte("allocated")
)
_NEW_TASK_COLUMNS = [c.name for c in _TASK.c if c.name not in ("id", "number")]
_INSERT_NUMBERED = Direct(
    insert(_TASK)
    .from_select(
        [*_NEW_TASK_COLUMNS, "number"],
        select(
            *[bindparam(name, type_=_TASK.c[name].type) for name in _NEW_TASK_COLUMNS],
            _ALLOCATED.c.number,
        ),
    )
    .returning(*_TASK_COLUMNS)
)
_INSERT = Direct(insert(_TASK).returning(*_TASK_COLUMNS), insert_columns=True)
_NEXT_NUMBER_LOCKED = (
    select(AppUser.next_task_number).where(AppUser.id == bindparam("uid")).with_for_update()
)
_SET_NEXT_NUMBER = (
    update(AppUser).where(AppUser.id == bindparam("uid")).values(next_task_number=bindparam("n"))
)


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


def _not_found(number: int) -> TaskNotFound:
    return TaskNotFound(f"You have no task #{number}.")


def _row_values(
    user_id: int,
    number: int,
    draft: TaskDraft,
    *,
    now: datetime,
    completed_at: datetime | None,
    created_at: datetime | None,
) -> dict[str, Any]:
    return {
        "user_id": user_id,
        "number": number,
        "title": draft.title,
        "description": draft.description,
        "priority": draft.priority.value,
        "due_at": draft.due.at if draft.due else None,
        "due_has_time": bool(draft.due and draft.due.has_time),
        "completed_at": completed_at,
        "created_at": created_at or now,
        "updated_at": now,
        "remind_at": draft.remind_at,
        "reminded_at": None,
        "repeat": draft.repeat,
        "place": place_text(draft.place),
    }


@lru_cache(maxsize=64)
def _update_statement(fields: frozenset[str]) -> Direct:
    """UPDATE … RETURNING for a set of changed columns, built once per set."""
    # An UPDATE's parameters may not be named like its columns.
    return Direct(
        update(TaskRow)
        .where(TaskRow.user_id == bindparam("owner"), TaskRow.number == bindparam("task"))
        .values({name: bindparam(f"new_{name}") for name in sorted(fields)})
        .returning(*_TASK_COLUMNS)
    )


# Tasks from which a list's page is read off the event loop's thread on SQLite.
LONG_LIST = 1_000


class SqlTaskStore:
    def __init__(self, db: Database) -> None:
        self._db = db

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
        def work(conn: Connection) -> Task:
            # The UPDATE takes the user's row lock (PostgreSQL) or the write lock (SQLite):
            # concurrent adds queue here, and a rollback gives the number back, so numbers
            # stay distinct and gapless.
            sqlite = conn.dialect.name == "sqlite"
            if number is None and not sqlite:
                fields = _row_values(
                    user_id, 0, draft, now=now, completed_at=completed_at, created_at=created_at
                )
                del fields["number"]
                row = _INSERT_NUMBERED.one_or_none(conn, fields)
                if row is None:
                    raise StorageError(f"no user {user_id}")
                return to_task(row)
            if number is None:
                found = driver.execute(conn, driver.ALLOCATE_NUMBER, (user_id,)).fetchone()
                allocated = None if found is None else found[0]
                if allocated is None:
                    raise StorageError(f"no user {user_id}")
                chosen = allocated - 1
            else:
                conn.execute(_MOVE_ALLOCATOR_PAST, {"uid": user_id, "taken": number})
                chosen = number
            values = _row_values(
                user_id, chosen, draft, now=now, completed_at=completed_at, created_at=created_at
            )
            if sqlite:
                # The new row is what was written, plus its id.
                row_id = driver.insert(conn, "task", values)
                return to_task(SimpleNamespace(id=row_id, **values))
            return to_task(_INSERT.one_or_none(conn, values))

        try:
            return await self._db.run(work, conflicts=number is not None)
        except StorageError as exc:
            if violated_constraint(exc):
                raise InvalidInput(f"Task #{number} already exists.") from exc
            raise

    async def import_tasks(
        self, *, user_id: int, tasks: Sequence[TaskImport], now: datetime
    ) -> list[Task]:
        if self._db.dialect == "sqlite":
            # Staged outside SQLite's one write lock, so live turns go on meanwhile.
            def values(item: TaskImport) -> dict[str, Any]:
                # The same columns as every other way a task is added (number set later).
                return _row_values(
                    user_id,
                    0,
                    item.draft,
                    now=now,
                    completed_at=item.completed_at,
                    created_at=item.created_at,
                )

            rows = await import_staged(
                self._db, user_id=user_id, tasks=tasks, now=now, row_values=values
            )
            return [to_task(row) for row in rows]

        def work(conn: Connection) -> list[Task]:
            # The user's row lock (PostgreSQL) / the write lock (SQLite) keeps concurrent adds
            # out until every imported task has its number.
            next_number = conn.execute(_NEXT_NUMBER_LOCKED, {"uid": user_id}).scalar()
            if next_number is None:
                raise StorageError(f"no user {user_id}")
            numbers = plan_import_numbers(tasks, next_number)
            rows = [
                _row_values(
                    user_id,
                    number,
                    item.draft,
                    now=now,
                    completed_at=item.completed_at,
                    created_at=item.created_at,
                )
                for item, number in zip(tasks, numbers, strict=True)
            ]
            if rows:
                conn.execute(insert(_TASK), rows)
            conn.execute(
                _SET_NEXT_NUMBER, {"uid": user_id, "n": max([next_number - 1, *numbers]) + 1}
            )
            found = conn.execute(
                select(*_TASK_COLUMNS).where(
                    TaskRow.user_id == user_id, TaskRow.number.in_(numbers)
                )
            ).all()
            by_number = {row.number: to_task(row) for row in found}
            return [by_number[n] for n in numbers]

        return await self._db.run(work)

    async def get_task(self, *, user_id: int, number: int) -> Task:
        def work(conn: Connection) -> Task:
            row = _GET.one_or_none(conn, {"user_id": user_id, "number": number})
            if row is None:
                raise _not_found(number)
            return to_task(row)

        return await self._db.run(work, write=False)

    async def list_tasks(
        self,
        *,
        user_id: int,
        query: TaskQuery,
        now: datetime,
        tz: ZoneInfo,
        limit: int = 200,
        offset: int = 0,
    ) -> TaskPage:
        bounds = due_bounds(query, now=now, tz=tz) if query.narrows_by_due() else {}
        page, count = list_statements(
            ListShape(
                status=query.status,
                priority=query.priority is not None,
                numbers=bool(query.numbers),
                has_due=query.has_due,
                bounds=tuple(sorted(bounds)),
                order=query.order,
                zone=str(tz),
                year=now.year,
                mentions=tuple(len(m.fragments) for m in query.mentions),
            )
        )
        params: dict[str, Any] = {"user_id": user_id, "limit": limit, "offset": offset, **bounds}
        if query.priority is not None:
            params["priority"] = query.priority.value
        if query.numbers:
            params["numbers"] = sorted(query.numbers)
        if query.mentions:
            params.update(mention_params(query))

        def work(conn: Connection) -> TaskPage:
            tasks = [to_task(row) for row in direct.for_statement(page).all(conn, params)]
            if offset == 0 and len(tasks) < limit:
                return TaskPage(tasks)  # the whole list fitted: no need to count it
            return TaskPage(tasks, total=conn.execute(count, params).scalar_one())

        return await self._db.run(work, write=False, heavy=await self._is_long(user_id))

    async def _is_long(self, user_id: int) -> bool:
        """Whether ``user_id``'s list is long enough that a page of it (sorting every row,
        or a word filter reading every title) should leave the event loop's thread (SQLite).
        Counting is an index range, a fraction of a millisecond at 10,000 tasks; the hand-off
        to a thread costs more than a short list's whole read, so short lists stay."""
        if self._db.dialect != "sqlite":
            return False

        def work(conn: Connection) -> bool:
            found = driver.execute(conn, driver.COUNT_TASKS, (user_id, LONG_LIST)).fetchone()
            return bool(found and found[0] >= LONG_LIST)

        return await self._db.run(work, write=False)

    async def update_task(
        self, *, user_id: int, number: int, changes: TaskChanges, now: datetime
    ) -> Task:
        values: dict[str, Any] = {"updated_at": now}
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
        statement = _update_statement(frozenset(values))
        params = {f"new_{name}": value for name, value in values.items()}
        params.update(owner=user_id, task=number)

        def work(conn: Connection) -> Task:
            row = statement.one_or_none(conn, params)
            if row is None:
                raise _not_found(number)
            return to_task(row)

        return await self._db.run(work)

    async def delete_task(self, *, user_id: int, number: int) -> Task:
        def work(conn: Connection) -> Task:
            row = _DELETE.one_or_none(conn, {"user_id": user_id, "number": number})
            if row is None:
                raise _not_found(number)
            return to_task(row)

        return await self._db.run(work)
