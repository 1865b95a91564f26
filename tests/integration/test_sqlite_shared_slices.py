"""A long shared transaction on SQLite (a turn that adds hundreds of tasks) lets the event loop
serve other work between its units instead of holding it for the whole turn."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.identity import UserRef
from bot.tasks import TaskDraft, TaskQuery
from storage import migrate
from storage.sql import open_sql_storage


async def test_other_work_runs_while_a_long_shared_transaction_is_open(tmp_path: Path) -> None:
    storage = open_sql_storage(f"sqlite:///{tmp_path}/slices.db")
    await migrate.upgrade(storage.engine)
    try:
        user = await storage.users.resolve_user(
            ref=UserRef("console", "local", "ana"), display_name="ana", timezone="UTC"
        )
        ticks = 0

        async def other_work() -> None:
            nonlocal ticks
            while True:
                ticks += 1
                await asyncio.sleep(0)

        running = asyncio.create_task(other_work())
        await asyncio.sleep(0)
        now = datetime(2026, 11, 18, 9, 0, tzinfo=UTC)
        async with storage.one_transaction():
            before = ticks
            for i in range(400):
                await storage.tasks.add_task(
                    user_id=user.id, draft=TaskDraft(title=f"t{i}"), now=now
                )
            during = ticks - before
        running.cancel()
        assert during > 0
        listed = await storage.tasks.list_tasks(
            user_id=user.id, query=TaskQuery(), now=now, tz=ZoneInfo("UTC")
        )
        assert listed.total == 400
    finally:
        await storage.close()
