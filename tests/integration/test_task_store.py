"""SqlTaskStore on SQLite and PostgreSQL: numbering, isolation, filters, due dates."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.errors import InvalidInput, TaskNotFound
from bot.identity import UserRef
from bot.tasks import Due, Priority, TaskChanges, TaskDraft, TaskQuery
from storage import migrate
from storage.sql import SqlStorage, open_sql_storage

NOW = datetime(2026, 11, 18, 9, 0, tzinfo=UTC)
UTC_ZONE = ZoneInfo("UTC")


async def make_user(storage: SqlStorage, name: str) -> int:
    user = await storage.users.resolve_user(
        ref=UserRef("console", "local", name), display_name=name, timezone="UTC"
    )
    return user.id


async def test_numbers_are_per_user_and_never_reused(storage: SqlStorage) -> None:
    alice = await make_user(storage, "alice")
    bob = await make_user(storage, "bob")
    tasks = storage.tasks
    for title in ("a", "b", "c"):
        await tasks.add_task(user_id=alice, draft=TaskDraft(title=title), now=NOW)
    first_bob = await tasks.add_task(user_id=bob, draft=TaskDraft(title="x"), now=NOW)
    assert first_bob.number == 1
    await tasks.delete_task(user_id=alice, number=3)
    again = await tasks.add_task(user_id=alice, draft=TaskDraft(title="d"), now=NOW)
    assert again.number == 4


async def test_a_store_call_for_one_user_cannot_touch_another(storage: SqlStorage) -> None:
    alice = await make_user(storage, "alice")
    bob = await make_user(storage, "bob")
    tasks = storage.tasks
    await tasks.add_task(user_id=bob, draft=TaskDraft(title="bob's secret"), now=NOW)
    with pytest.raises(TaskNotFound):
        await tasks.get_task(user_id=alice, number=1)
    with pytest.raises(TaskNotFound):
        await tasks.update_task(
            user_id=alice, number=1, changes=TaskChanges(title="pwned"), now=NOW
        )
    with pytest.raises(TaskNotFound):
        await tasks.delete_task(user_id=alice, number=1)
    assert (
        await tasks.list_tasks(user_id=alice, query=TaskQuery(status="all"), now=NOW, tz=UTC_ZONE)
        == []
    )
    still = await tasks.get_task(user_id=bob, number=1)
    assert still.title == "bob's secret"
    assert not still.completed


async def test_due_dates_round_trip_as_date_or_instant(storage: SqlStorage) -> None:
    alice = await make_user(storage, "alice")
    berlin = ZoneInfo("Europe/Berlin")
    on_date = await storage.tasks.add_task(
        user_id=alice, draft=TaskDraft(title="a", due=Due.on(date(2026, 12, 5))), now=NOW
    )
    at_time = await storage.tasks.add_task(
        user_id=alice,
        draft=TaskDraft(title="b", due=Due.at_instant(datetime(2026, 12, 5, 17, 0, tzinfo=berlin))),
        now=NOW,
    )
    got_date = await storage.tasks.get_task(user_id=alice, number=on_date.number)
    got_time = await storage.tasks.get_task(user_id=alice, number=at_time.number)
    assert got_date.due is not None and got_time.due is not None
    assert (got_date.due.has_time, got_date.due.export(berlin)) == (False, "2026-12-05")
    assert got_time.due.has_time
    assert got_time.due.export(berlin) == "2026-12-05T17:00+01:00"
    assert got_time.created_at.tzinfo is not None


async def test_list_filters_status_priority_and_due_window(storage: SqlStorage) -> None:
    alice = await make_user(storage, "alice")
    add = storage.tasks.add_task
    await add(
        user_id=alice, draft=TaskDraft(title="today", due=Due.on(date(2026, 11, 18))), now=NOW
    )
    await add(
        user_id=alice,
        draft=TaskDraft(title="late", priority=Priority.HIGH, due=Due.on(date(2026, 11, 10))),
        now=NOW,
    )
    await add(user_id=alice, draft=TaskDraft(title="someday", priority=Priority.LOW), now=NOW)
    await add(user_id=alice, draft=TaskDraft(title="done"), now=NOW, completed_at=NOW)

    async def titles(query: TaskQuery) -> list[str]:
        found = await storage.tasks.list_tasks(user_id=alice, query=query, now=NOW, tz=UTC_ZONE)
        return [t.title for t in found]

    assert await titles(TaskQuery()) == ["late", "today", "someday"]
    assert await titles(TaskQuery(status="completed")) == ["done"]
    assert await titles(TaskQuery(priority=Priority.HIGH)) == ["late"]
    assert await titles(TaskQuery(due_before=date(2026, 11, 18), due_after=date(2026, 11, 18))) == [
        "today"
    ]
    assert await titles(TaskQuery(overdue=True)) == ["late"]
    assert len(await titles(TaskQuery(status="all"))) == 4


async def test_update_and_clear_fields(storage: SqlStorage) -> None:
    alice = await make_user(storage, "alice")
    await storage.tasks.add_task(
        user_id=alice, draft=TaskDraft(title="rent", due=Due.on(date(2026, 12, 1))), now=NOW
    )
    updated = await storage.tasks.update_task(
        user_id=alice,
        number=1,
        changes=TaskChanges(title="pay rent", priority=Priority.HIGH, due=None, completed_at=NOW),
        now=NOW,
    )
    assert (updated.title, updated.priority, updated.due, updated.completed) == (
        "pay rent",
        Priority.HIGH,
        None,
        True,
    )


async def test_explicit_numbers_move_the_allocator_and_conflicts_are_refused(
    storage: SqlStorage,
) -> None:
    alice = await make_user(storage, "alice")
    await storage.tasks.add_task(user_id=alice, draft=TaskDraft(title="seven"), now=NOW, number=7)
    with pytest.raises(InvalidInput):
        await storage.tasks.add_task(user_id=alice, draft=TaskDraft(title="dup"), now=NOW, number=7)
    nxt = await storage.tasks.add_task(user_id=alice, draft=TaskDraft(title="next"), now=NOW)
    assert nxt.number == 8


async def test_concurrent_adds_get_distinct_gapless_numbers(storage: SqlStorage) -> None:
    alice = await make_user(storage, "alice")
    # Separate engines behave like separate processes competing for the same user row.
    others = [
        open_sql_storage(str(storage.engine.url.render_as_string(hide_password=False)))
        for _ in range(3)
    ]
    stores = [storage, *others]
    try:
        results = await asyncio.gather(
            *(
                stores[i % len(stores)].tasks.add_task(
                    user_id=alice, draft=TaskDraft(title=f"t{i}"), now=NOW
                )
                for i in range(40)
            )
        )
    finally:
        for other in others:
            await other.close()
    assert sorted(t.number for t in results) == list(range(1, 41))


async def test_schema_upgrade_is_idempotent(storage: SqlStorage) -> None:
    await migrate.upgrade(storage.engine)
    assert await migrate.current(storage.engine) == migrate.head_revision()
