"""Bulk imports on SQLite: staged outside the write lock, published in one short transaction.

SQLite has one writer at a time. An import written row by row inside one transaction held
the write lock for the whole file (seconds for 100,000 tasks), and every turn of the running
bot failed meanwhile. So the rows are first written, in batches, to a TEMP table of this
connection — its own database, which takes no lock on the main one — and then published with
one ``INSERT … SELECT`` in a single write transaction: the only time the lock is held, and the
import is still all or nothing (a taken number rolls the whole of it back).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from datetime import datetime
from itertools import islice
from typing import Any

from sqlalchemy import Integer, bindparam, column, select, table
from sqlalchemy.engine import Connection

from bot.errors import InvalidInput, StorageError
from bot.tasks import TaskImport, plan_import_numbers
from storage.sql import driver
from storage.sql.models import TaskRow
from storage.sql.session import Database

STAGE_BATCH = 5_000

_NEXT_NUMBER = "SELECT next_task_number FROM app_user WHERE id = ?"
# Numbers given by the file stay; the others move up when the list grew while staging.
_SHIFT = "UPDATE temp.staged_task SET number = number + ? WHERE explicit = 0"
_TAKEN_BELOW = "SELECT number FROM temp.staged_task WHERE explicit = 1 AND number < ? LIMIT 5"
_SET_NEXT = "UPDATE app_user SET next_task_number = ? WHERE id = ?"
_DROP = "DROP TABLE IF EXISTS temp.staged_task"


class _Statements:
    """The staging statements for a task's columns (as ``row_values`` gives them)."""

    def __init__(self, columns: Sequence[str]) -> None:
        names = ", ".join(columns)
        self.create = (
            "CREATE TEMP TABLE staged_task (seq INTEGER PRIMARY KEY, explicit INTEGER NOT NULL, "
            f"number INTEGER NOT NULL, {names})"
        )
        marks = ", ".join("?" for _ in range(len(columns) + 3))
        self.stage = (
            f"INSERT INTO temp.staged_task (seq, explicit, number, {names}) VALUES ({marks})"
        )
        self.publish = (
            f"INSERT INTO task (user_id, number, {names}) "
            f"SELECT ?, number, {names} FROM temp.staged_task ORDER BY seq"
        )


_STAGED = table("staged_task", column("seq", Integer), column("number", Integer), schema="temp")
_READ_BACK = (
    select(*TaskRow.__table__.columns)
    .join(_STAGED, _STAGED.c.number == TaskRow.number)
    .where(TaskRow.user_id == bindparam("uid"))
    .order_by(_STAGED.c.seq)
)


RowValues = Callable[[TaskImport], dict[str, Any]]
_OWN = ("user_id", "number")  # set by the publishing statement, not staged per row


async def import_staged(
    db: Database,
    *,
    user_id: int,
    tasks: Sequence[TaskImport],
    now: datetime,
    row_values: RowValues,
) -> list[Any]:
    """Import ``tasks`` for ``user_id`` (see the module docstring); the rows as stored, in
    the order given. ``row_values`` gives a task's column values, as any added task has."""

    def next_number(conn: Connection) -> int:
        found = driver.execute(conn, _NEXT_NUMBER, (user_id,)).fetchone()
        if found is None:
            raise StorageError(f"no user {user_id}")
        return int(found[0])

    # Numbers planned against the list as it is now (a bad file fails before anything runs).
    planned_from = await db.run(next_number, write=False)
    numbers = plan_import_numbers(tasks, planned_from)

    if not tasks:
        return []
    columns = [name for name in row_values(tasks[0]) if name not in _OWN]
    statements = _Statements(columns)

    def staged(seq: int, item: TaskImport, number: int) -> tuple[Any, ...]:
        values = row_values(item)
        own = (seq, int(item.number is not None), number)
        return own + tuple(driver.stored(values[name]) for name in columns)

    def start(conn: Connection) -> None:
        raw = driver.cursor(conn)
        raw.execute(_DROP)
        raw.execute(statements.create)

    # Temp-table writes run in deferred transactions (``write=False``): no write lock taken.
    await db.run(start, write=False)
    rows = iter(enumerate(zip(tasks, numbers, strict=True)))

    def stage(batch: list[tuple[Any, ...]]) -> Any:
        return lambda conn: driver.cursor(conn).executemany(statements.stage, batch)

    try:
        while batch := [staged(seq, item, n) for seq, (item, n) in islice(rows, STAGE_BATCH)]:
            await db.run(stage(batch), write=False)
            await asyncio.sleep(0)  # let live work on this loop run between batches

        def publish(conn: Connection) -> None:
            raw = driver.cursor(conn)
            current = next_number(conn)
            if current != planned_from:
                # Tasks were added while the import was staged: plan again from here.
                explicit = [t.number for t in tasks if t.number is not None]
                taken = [r[0] for r in raw.execute(_TAKEN_BELOW, (current,))]
                if taken:
                    raise InvalidInput(
                        f"Task numbers {', '.join(map(str, taken))} were taken meanwhile."
                    )
                was = max([planned_from - 1, *explicit]) + 1
                now_from = max([current - 1, *explicit]) + 1
                raw.execute(_SHIFT, (now_from - was,))
                replanned = plan_import_numbers(tasks, current)
            else:
                replanned = numbers
            raw.execute(statements.publish, (user_id,))
            raw.execute(_SET_NEXT, (max([current - 1, *replanned]) + 1, user_id))

        await db.run(publish)
        return await db.run(
            lambda conn: list(conn.execute(_READ_BACK, {"uid": user_id}).all()), write=False
        )
    finally:
        await db.run(lambda conn: driver.cursor(conn).execute(_DROP), write=False)
