"""Reminders end to end in the core, on SQLite and PostgreSQL, with a fake clock.

The toolbox sets reminders and repeat rules the way every agent does; the scheduler claims
and delivers them to a console notifier (or one that fails), as ``run-once`` and ``run`` do.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bot.conversations import User
from bot.errors import PlatformError
from bot.identity import ConversationKey, UserRef
from bot.outcomes import TaskView
from bot.reminders import ConsoleNotifier, Notice, ReminderScheduler
from bot.tools import TaskToolbox
from storage.sql import SqlStorage

NOW = datetime(2026, 11, 18, 9, 0, tzinfo=UTC)  # Wednesday
BERLIN = "Europe/Berlin"


async def person(storage: SqlStorage, name: str = "rita", tz: str = "UTC") -> User:
    return await storage.users.resolve_user(
        ref=UserRef("console", "local", name), display_name=name, timezone=tz
    )


def tools(storage: SqlStorage, user: User, now: datetime) -> TaskToolbox:
    return TaskToolbox(
        tasks=storage.tasks,
        users=storage.users,
        user=user,
        now=now,
        reminders=storage.reminders,
        place=ConversationKey("console", "local", f"user:{user.display_name}", "main"),
    )


async def call(storage: SqlStorage, user: User, now: datetime, name: str, **args: Any) -> Any:
    result = (await tools(storage, user, now).call(name, args)).result
    assert result.get("ok"), result
    return result


def scheduler(storage: SqlStorage, console: Any) -> ReminderScheduler:
    return ReminderScheduler(storage=storage, notifiers={"console": console}, clock=lambda: NOW)


def titles(notices: list[Notice]) -> list[str]:
    return [item.title for notice in notices for item in notice.items]


async def test_a_reminder_fires_at_its_time_once(storage: SqlStorage) -> None:
    rita = await person(storage)
    await call(storage, rita, NOW, "add_task", title="stretch", due="at 5pm")
    console = ConsoleNotifier()
    run = scheduler(storage, console)
    assert (await run.run_once(NOW.replace(hour=16, minute=59))).sent == []
    first = await run.run_once(NOW.replace(hour=17))
    assert titles(first.sent) == ["stretch"]
    assert first.sent[0].items[0].late is False
    assert (await run.run_once(NOW.replace(hour=17))).sent == []
    assert (await run.run_once(NOW.replace(hour=18))).sent == []


async def test_a_date_alone_does_not_remind_unless_asked(storage: SqlStorage) -> None:
    rita = await person(storage)
    plain = await call(storage, rita, NOW, "add_task", title="taxes", due="friday")
    asked = await call(
        storage, rita, NOW, "add_task", title="passport", due="friday", remind_at="friday"
    )
    assert plain["task"]["remind_at"] is None
    assert asked["task"]["remind_at"] == "2026-11-20T09:00+00:00"


async def test_completing_or_deleting_cancels_the_reminder(storage: SqlStorage) -> None:
    rita = await person(storage)
    await call(storage, rita, NOW, "add_task", title="one", due="at 10am")
    await call(storage, rita, NOW, "add_task", title="two", due="at 10am")
    await call(storage, rita, NOW, "complete_task", number=1)
    await call(storage, rita, NOW, "delete_task", number=2)
    console = ConsoleNotifier()
    assert (await scheduler(storage, console).run_once(NOW.replace(hour=11))).sent == []


async def test_downtime_late_and_folded_catch_up(storage: SqlStorage) -> None:
    rita = await person(storage)
    for hour in (1, 2, 3):
        await call(storage, rita, NOW, "update_task", number=(await call(
            storage, rita, NOW, "add_task", title=f"old {hour}"
        ))["task"]["number"], remind_at=f"2026-11-19T{hour:02d}:00")  # fmt: skip
    await call(storage, rita, NOW, "add_task", title="recent", remind_at="2026-11-19T20:00")
    console = ConsoleNotifier()
    # Nothing ran for a day: back up on the 19th at 20:30.
    report = await scheduler(storage, console).run_once(datetime(2026, 11, 19, 20, 30, tzinfo=UTC))
    kinds = sorted(n.kind for n in report.sent)
    assert kinds == ["catch_up", "reminder"]
    catch_up = next(n for n in report.sent if n.kind == "catch_up")
    assert sorted(i.title for i in catch_up.items) == ["old 1", "old 2", "old 3"]
    recent = next(n for n in report.sent if n.kind == "reminder")
    assert recent.items[0].late is True


async def test_recurring_completion_moves_the_task_and_undo_restores(storage: SqlStorage) -> None:
    rita = await person(storage)
    added = await call(
        storage, rita, NOW, "add_task", title="standup notes", repeat="every monday at 10am"
    )
    assert added["task"]["due"] == "2026-11-23T10:00+00:00"
    assert added["task"]["remind_at"] == "2026-11-23T10:00+00:00"
    monday = datetime(2026, 11, 23, 10, 30, tzinfo=UTC)
    done = await call(storage, rita, monday, "complete_task", number=1)
    assert done["task"]["number"] == 1 and not done["task"]["completed"]
    assert done["next_due"] == "2026-11-30T10:00+00:00"
    assert done["task"]["remind_at"] == "2026-11-30T10:00+00:00"
    snapshot = TaskView.from_json(done["before"])
    restored = await tools(storage, rita, monday).restore_task(number=1, snapshot=snapshot)
    assert restored.result["task"]["due"] == "2026-11-23T10:00+00:00"


async def test_repeating_at_nine_stays_at_nine_across_dst(storage: SqlStorage) -> None:
    rita = await person(storage, tz=BERLIN)
    october = datetime(2026, 10, 23, 12, 0, tzinfo=UTC)  # Friday; summer time ends Sunday 25th
    await call(storage, rita, october, "add_task", title="water plants", repeat="daily at 9")
    saturday = datetime(2026, 10, 24, 8, 0, tzinfo=UTC)
    done = await call(storage, rita, saturday, "complete_task", number=1)
    assert done["next_due"] == "2026-10-25T09:00+01:00"  # 9:00 winter time, 8:00 UTC


async def test_timezone_change_keeps_local_wall_time(storage: SqlStorage) -> None:
    rita = await person(storage, tz=BERLIN)
    await call(storage, rita, NOW, "add_task", title="call", remind_at="tomorrow 17:00")
    await call(storage, rita, NOW, "set_timezone", timezone="America/New_York")
    rita = (await storage.users.find_user(ref=UserRef("console", "local", "rita"))) or rita
    listed = await call(storage, rita, NOW, "list_reminders")
    assert listed["reminders"][0]["remind_at"] == "2026-11-19T17:00-05:00"


async def test_snooze_and_clear(storage: SqlStorage) -> None:
    rita = await person(storage)
    await call(storage, rita, NOW, "add_task", title="tea", due="at 9:30")
    snoozed = await call(storage, rita, NOW, "snooze_task", number=1)
    assert snoozed["task"]["remind_at"] == "2026-11-18T10:00+00:00"
    later = await call(storage, rita, NOW, "snooze_task", number=1, until="friday")
    assert later["task"]["remind_at"] == "2026-11-20T09:00+00:00"
    cleared = await call(storage, rita, NOW, "update_task", number=1, remind_at=None)
    assert cleared["task"]["remind_at"] is None


async def test_digest_at_local_eight(storage: SqlStorage) -> None:
    rita = await person(storage, tz=BERLIN)
    await call(storage, rita, NOW, "add_task", title="due today", due="today")
    await call(storage, rita, NOW, "add_task", title="later", due="next week")
    await call(storage, rita, NOW, "set_digest", time="08:00")
    console = ConsoleNotifier()
    run = scheduler(storage, console)
    # 8:00 in Berlin is 7:00 UTC on the 19th; the digest is due then, not before.
    assert (await run.run_once(datetime(2026, 11, 19, 6, 59, tzinfo=UTC))).sent == []
    report = await run.run_once(datetime(2026, 11, 19, 7, 0, tzinfo=UTC))
    assert [n.kind for n in report.sent] == ["digest"]
    assert titles(report.sent) == ["due today"]  # overdue since yesterday; "later" is not due
    assert (await run.run_once(datetime(2026, 11, 19, 7, 1, tzinfo=UTC))).sent == []


async def test_an_empty_day_sends_no_digest_unless_asked(storage: SqlStorage) -> None:
    rita = await person(storage)
    await call(storage, rita, NOW, "set_digest", time="10:00")
    console = ConsoleNotifier()
    report = await scheduler(storage, console).run_once(NOW.replace(hour=10))
    assert report.sent == [] and report.skipped == 1
    after_first = NOW.replace(hour=10, minute=5)
    await call(storage, rita, after_first, "set_digest", time="10:00", always=True)
    report = await scheduler(storage, console).run_once(datetime(2026, 11, 19, 10, tzinfo=UTC))
    assert [n.kind for n in report.sent] == ["digest"]
    await call(storage, rita, NOW, "set_digest", enabled=False)
    assert await storage.reminders.get_digest(user_id=rita.id) is None


class Refusing:
    platform = "console"

    def __init__(self) -> None:
        self.tries = 0

    async def send(self, notice: Notice) -> None:
        self.tries += 1
        raise PlatformError("user left the workspace")


async def test_a_platform_error_is_recorded_not_retried_forever(storage: SqlStorage) -> None:
    rita = await person(storage)
    await call(storage, rita, NOW, "add_task", title="x", remind_at="in 5 minutes")
    refusing = Refusing()
    run = ReminderScheduler(storage=storage, notifiers={"console": refusing}, clock=lambda: NOW)
    report = await run.run_once(NOW + timedelta(minutes=5))
    assert len(report.failed) == 1 and "left" in report.failed[0][1]
    for minutes in (6, 30, 600):
        assert (await run.run_once(NOW + timedelta(minutes=minutes))).failed == []
    assert refusing.tries == 1


async def test_a_claim_left_by_a_dead_process_is_taken_over_after_the_lease(
    storage: SqlStorage,
) -> None:
    rita = await person(storage)
    await call(storage, rita, NOW, "add_task", title="x", remind_at="in 5 minutes")
    due = NOW + timedelta(minutes=5)
    lease = timedelta(minutes=5)
    everything = frozenset({"console"})
    claimed = await storage.reminders.claim_due(
        now=due, limit=10, lease=lease, platforms=everything
    )
    assert len(claimed) == 1  # … and the process dies here, before posting
    assert (
        await storage.reminders.claim_due(now=due, limit=10, lease=lease, platforms=everything)
        == []
    )
    console = ConsoleNotifier()
    report = await scheduler(storage, console).run_once(due + lease + timedelta(seconds=1))
    assert titles(report.sent) == ["x"]
    assert (await scheduler(storage, console).run_once(due + 2 * lease)).sent == []


async def test_next_due_is_the_earliest_pending(storage: SqlStorage) -> None:
    rita = await person(storage)
    await call(storage, rita, NOW, "add_task", title="b", remind_at="in 2 hours")
    await call(storage, rita, NOW, "add_task", title="a", remind_at="in 1 hour")
    found = await storage.reminders.next_due_at(platforms=frozenset({"console"}))
    assert found == NOW + timedelta(hours=1)
    assert await storage.reminders.next_due_at(platforms=frozenset({"slack"})) is None


async def test_only_reachable_platforms_are_claimed(storage: SqlStorage) -> None:
    rita = await person(storage)
    await call(storage, rita, NOW, "add_task", title="x", remind_at="in 1 hour")
    slack_only = ReminderScheduler(
        storage=storage, notifiers={"slack": ConsoleNotifier("slack")}, clock=lambda: NOW
    )
    assert (await slack_only.run_once(NOW + timedelta(hours=2))).sent == []
    console = ConsoleNotifier()
    assert titles((await scheduler(storage, console).run_once(NOW + timedelta(hours=2))).sent) == [
        "x"
    ]


async def test_zone_of_a_date_reminder(storage: SqlStorage) -> None:
    rita = await person(storage, tz=BERLIN)
    added = await call(storage, rita, NOW, "add_task", title="x", remind_at="tomorrow morning")
    assert added["task"]["remind_at"] == "2026-11-19T09:00+01:00"
    assert ZoneInfo(BERLIN)


async def test_a_repeating_task_without_reminder_stays_without_one(storage: SqlStorage) -> None:
    rita = await person(storage)
    await call(storage, rita, NOW, "add_task", title="standup", repeat="every weekday at 9:30")
    await call(storage, rita, NOW, "update_task", number=1, remind_at=None)
    done = await call(storage, rita, NOW.replace(hour=10), "complete_task", number=1)
    assert done["next_due"] == "2026-11-19T09:30+00:00"
    assert done["task"]["remind_at"] is None
