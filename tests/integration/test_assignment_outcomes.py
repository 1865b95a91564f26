"""The outcome poll reads only assignments whose task is done or gone (migration 0006: the
task's completion mirrored by a trigger, a partial index of the due outcomes), on SQLite and
PostgreSQL: every way the task changes is seen, and only once."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import event, select, update

from storage.sql import SqlStorage
from storage.sql.models import TaskAssignment, TaskRow
from tests.integration.test_teams import NOW, call, console, run


async def mirrored(storage: SqlStorage) -> dict[str, bool]:
    def work(conn: object) -> dict[str, bool]:
        rows = conn.execute(  # type: ignore[attr-defined]
            select(TaskAssignment.title, TaskAssignment.task_completed_at)
        )
        return {r.title: r.task_completed_at is not None for r in rows}

    return await storage.database.run(work, write=False)  # type: ignore[arg-type]


async def test_completion_is_mirrored_both_ways_and_told_once(storage: SqlStorage) -> None:
    alice, bob = console("alice"), console("bob")
    await call(storage, alice, "assign_task", assignee="@bob", title="order chairs")
    await call(storage, alice, "assign_task", assignee="@bob", title="book the room")
    await run(storage, NOW)
    assert await mirrored(storage) == {"order chairs": False, "book the room": False}

    # Done, then reopened before any poll: nothing to tell.
    assert (await call(storage, bob, "complete_task", number=1))["ok"]
    assert await mirrored(storage) == {"order chairs": True, "book the room": False}
    assert (await call(storage, bob, "reopen_task", number=1))["ok"]
    assert await mirrored(storage) == {"order chairs": False, "book the room": False}
    assert await run(storage, NOW + timedelta(minutes=1)) == []

    # Done by a statement no tool wrote (an import, an operator): the trigger still sees it.
    def complete_directly(conn: object) -> None:
        conn.execute(  # type: ignore[attr-defined]
            update(TaskRow).where(TaskRow.title == "book the room").values(completed_at=NOW)
        )

    await storage.database.run(complete_directly)  # type: ignore[arg-type]
    assert (await call(storage, bob, "complete_task", number=1))["ok"]
    told = await run(storage, NOW + timedelta(minutes=2))
    assert sorted((n["to"], n["kind"]) for n in told) == [
        ("alice", "assigned-done"),
        ("alice", "assigned-done"),
    ]
    assert await run(storage, NOW + timedelta(minutes=3)) == []


async def test_the_outcome_poll_reads_the_partial_index(sqlite_storage: SqlStorage) -> None:
    """SQLite's planner uses a partial index only when the query spells its WHERE the same:
    the poll's own statement is captured and explained."""
    await call(sqlite_storage, console("alice"), "assign_task", assignee="@bob", title="x")
    seen: list[tuple[str, Any]] = []
    engine = sqlite_storage.database.engine  # type: ignore[attr-defined]

    def capture(_c: Any, _cur: Any, statement: str, params: Any, *_rest: Any) -> None:
        if "task_completed_at IS NOT NULL" in statement and statement.startswith("SELECT"):
            seen.append((statement, params))

    event.listen(engine, "before_cursor_execute", capture)
    try:
        await run(sqlite_storage, NOW)
    finally:
        event.remove(engine, "before_cursor_execute", capture)
    assert seen  # the poll asked (once per pass of the scheduler)

    def plan(conn: Any) -> str:
        raw = conn.connection.driver_connection
        rows = raw.execute("EXPLAIN QUERY PLAN " + seen[0][0], seen[0][1]).fetchall()
        return " ".join(str(r[-1]) for r in rows)

    found = await sqlite_storage.database.run(plan, write=False)
    assert "USING INDEX ix_task_assignment_outcome_due" in found, found
