"""The in-memory reference store follows the reminder rules of the SQL stores."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.identity import UserRef
from bot.reminders import ConsoleNotifier, ReminderScheduler
from bot.tools import TaskToolbox
from storage.memory import MemoryStorage

NOW = datetime(2026, 11, 18, 9, 0, tzinfo=UTC)


async def test_memory_store_delivers_once_and_folds_old_ones() -> None:
    storage = MemoryStorage()
    user = await storage.users.resolve_user(
        ref=UserRef("console", "local", "rita"), display_name="rita", timezone="UTC"
    )
    box = TaskToolbox(
        tasks=storage.tasks, users=storage.users, user=user, now=NOW, reminders=storage.reminders
    )
    for hour in (10, 11):
        assert (await box.call("add_task", {"title": f"t{hour}", "due": f"at {hour}am"})).result[
            "ok"
        ]
    await box.call("add_task", {"title": "late", "remind_at": "2026-11-20T12:00"})
    console = ConsoleNotifier()
    run = ReminderScheduler(storage=storage, notifiers={"console": console}, clock=lambda: NOW)
    first = await run.run_once(NOW + timedelta(days=2, hours=4))  # 20th 13:00: 10 & 11 are old
    assert sorted(n.kind for n in first.sent) == ["catch_up", "reminder"]
    assert (await run.run_once(NOW + timedelta(days=3))).sent == []
    assert await storage.reminders.next_due_at(platforms=frozenset({"console"})) is None
