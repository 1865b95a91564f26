"""Reminder queue figures, on SQLite and PostgreSQL.

1. Poll cost: with 1,000 and then 100,000 reminders pending in the future, the median time of
   one scheduler poll while nothing is due (``next_due_at`` + an empty ``claim_due``), and of
   a poll that claims 10 due reminders. The ratio 100k / 1k should stay near 1: a poll is an
   index range scan of what is due, not a scan of what is pending.
2. Delivery lag: 1,000 reminders due at the same moment, the scheduler running as in
   ``todobot run`` (sleeping until the next due item); p50/p99 of (posted − due).

    python benchmarks/reminders.py [--json] [--postgres-url URL] [--polls 200]

PostgreSQL runs when ``--postgres-url`` or ``TODOBOT_TEST_POSTGRES_URL`` names a server; a
database is created for the run and dropped after it.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import insert, text

from bot.identity import UserRef
from bot.reminders import Notice, ReminderScheduler
from bot.reminders.scheduler import SchedulerSettings
from storage import migrate
from storage.sql import SqlStorage, open_sql_storage
from storage.sql.models import TaskRow

USERS = 100
LEASE = timedelta(minutes=5)
CONSOLE = frozenset({"console"})


async def make_users(storage: SqlStorage) -> list[int]:
    ids = []
    for index in range(USERS):
        user = await storage.users.resolve_user(
            ref=UserRef("console", "local", f"u{index}"), display_name=f"u{index}", timezone="UTC"
        )
        ids.append(user.id)
    return ids


async def add_reminders(
    storage: SqlStorage, users: list[int], count: int, at: datetime, start: int
) -> None:
    """``count`` tasks reminding at ``at`` (+ a second each, spread over the users)."""
    batch = []
    for offset in range(count):
        number = start + offset
        batch.append(
            {
                "user_id": users[number % USERS],
                "number": number + 1,
                "title": f"task {number}",
                "description": "",
                "priority": "medium",
                "due_has_time": False,
                "created_at": at,
                "updated_at": at,
                "remind_at": at + timedelta(seconds=offset % 3600),
            }
        )
        if len(batch) == 5000:
            await _insert(storage, batch)
            batch = []
    if batch:
        await _insert(storage, batch)


async def _insert(storage: SqlStorage, rows: list[dict[str, Any]]) -> None:
    async with storage.engine.begin() as connection:
        await connection.execute(insert(TaskRow), rows)
        if storage.dialect == "postgresql" and len(rows) > 100:
            # Autovacuum analyses a table after a load this size; a benchmark cannot wait for
            # it, and without statistics the planner guesses the reminder index is useless.
            await connection.execute(text("ANALYZE task"))


async def one_poll(storage: SqlStorage, now: datetime) -> float:
    started = time.perf_counter()
    await storage.reminders.next_due_at(platforms=CONSOLE)
    await storage.reminders.claim_due(now=now, limit=200, lease=LEASE, platforms=CONSOLE)
    return time.perf_counter() - started


async def poll_cost(url: str, polls: int) -> dict[str, Any]:
    storage = open_sql_storage(url)
    await migrate.upgrade(storage.engine)
    try:
        users = await make_users(storage)
        now = datetime(2026, 11, 18, 9, 0, tzinfo=UTC)
        future = now + timedelta(days=30)
        figures: dict[str, Any] = {}
        pending = 0
        for size in (1_000, 100_000):
            await add_reminders(storage, users, size - pending, future, start=pending * 10)
            pending = size
            idle = sorted([await one_poll(storage, now) for _ in range(polls)])
            claims = []
            for round_ in range(20):
                due_at = now - timedelta(minutes=1)
                await add_reminders(
                    storage, users, 10, due_at, start=10_000_000 + size + round_ * 10
                )
                claims.append(await one_poll(storage, now))
            figures[f"idle_poll_ms_{size}"] = round(statistics.median(idle) * 1000, 3)
            figures[f"claim10_poll_ms_{size}"] = round(statistics.median(claims) * 1000, 3)
        figures["idle_ratio_100k_vs_1k"] = round(
            figures["idle_poll_ms_100000"] / figures["idle_poll_ms_1000"], 2
        )
        figures["claim_ratio_100k_vs_1k"] = round(
            figures["claim10_poll_ms_100000"] / figures["claim10_poll_ms_1000"], 2
        )
        return figures
    finally:
        await storage.close()


class Recording:
    """A notifier that notes how long after its due time each reminder was handed over."""

    platform = "console"

    def __init__(self, count: int) -> None:
        self.lags: list[float] = []
        self.count = count
        self.all_in = asyncio.Event()

    async def send(self, notice: Notice) -> None:
        now = datetime.now(UTC)
        self.lags.extend((now - i.fire_at).total_seconds() for i in notice.items if i.fire_at)
        if len(self.lags) >= self.count:
            self.all_in.set()


async def delivery_lag(url: str, count: int = 1000) -> dict[str, Any]:
    storage = open_sql_storage(url, pool_size=10)
    await migrate.upgrade(storage.engine)
    try:
        users = await make_users(storage)
        due = datetime.now(UTC) + timedelta(seconds=3)
        batch = [
            {
                "user_id": users[i % USERS], "number": i + 1, "title": f"t{i}", "description": "",
                "priority": "medium", "due_has_time": False, "created_at": due, "updated_at": due,
                "remind_at": due,
            }
            for i in range(count)
        ]  # fmt: skip
        await _insert(storage, batch)
        recording = Recording(count)
        scheduler = ReminderScheduler(
            storage=storage,
            notifiers={"console": recording},
            settings=SchedulerSettings(poll_max=timedelta(seconds=30)),
            clock=lambda: datetime.now(UTC),
        )
        stop = asyncio.Event()
        runner = asyncio.create_task(scheduler.run_forever(stop))
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(recording.all_in.wait(), timeout=120)
        stop.set()
        await runner
        lags = sorted(recording.lags)
        return {
            "delivered": len(lags),
            "lag_p50_ms": round(lags[len(lags) // 2] * 1000, 1) if lags else None,
            "lag_p99_ms": round(lags[int(len(lags) * 0.99) - 1] * 1000, 1) if lags else None,
        }
    finally:
        await storage.close()


async def postgres_database(server: str) -> tuple[str, str]:
    import asyncpg

    name = f"todobot_bench_{uuid.uuid4().hex[:10]}"
    conn = await asyncpg.connect(server.replace("postgresql+asyncpg://", "postgresql://"))
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    base = server.replace("postgresql://", "postgresql+asyncpg://").rsplit("/", 1)[0]
    return f"{base}/{name}", name


async def drop_database(server: str, name: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(server.replace("postgresql+asyncpg://", "postgresql://"))
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--polls", type=int, default=200)
    parser.add_argument("--postgres-url", default=os.environ.get("TODOBOT_TEST_POSTGRES_URL"))
    args = parser.parse_args()
    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as folder:
        for label, name in (("sqlite_poll", "poll.db"), ("sqlite_lag", "lag.db")):
            url = f"sqlite+aiosqlite:///{Path(folder) / name}"
            runner = poll_cost(url, args.polls) if label.endswith("poll") else delivery_lag(url)
            results[label] = await runner
    if args.postgres_url:
        for label in ("postgres_poll", "postgres_lag"):
            url, name = await postgres_database(args.postgres_url)
            try:
                runner = poll_cost(url, args.polls) if label.endswith("poll") else delivery_lag(url)
                results[label] = await runner
            finally:
                await drop_database(args.postgres_url, name)
    if args.json:
        print(json.dumps(results))
        return
    for label, figures in results.items():
        print(f"{label:15s} " + "  ".join(f"{k}={v}" for k, v in figures.items()))


if __name__ == "__main__":
    asyncio.run(main())
