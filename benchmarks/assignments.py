"""Assignment notices in the reminder poll: what open assignments cost an idle poll.

With 0, 1,000 and 20,000 assignments open (told, not yet done), the median time of one idle
scheduler poll (``next_due_at`` + an empty ``claim_due``) on SQLite, side by side. Outcomes
(done / declined) are read from a partial index of just the due ones (migration 0006), so the
ratio should stay near 1 however many assignments are open.

    python benchmarks/assignments.py [--polls 50]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import insert

from storage import migrate
from storage.sql import SqlStorage, open_sql_storage
from storage.sql.models import AppUser, TaskAssignment, TaskRow, UserIdentity

NOW = datetime(2026, 11, 18, 9, 0, tzinfo=UTC)
PLATFORMS = frozenset({"console"})


async def fill(storage: SqlStorage, count: int) -> None:
    def work(conn: object) -> None:
        c = conn  # type: ignore[assignment]
        c.execute(
            insert(AppUser),
            [  # type: ignore[attr-defined]
                {
                    "id": i,
                    "display_name": f"u{i}",
                    "timezone": "UTC",
                    "created_at": NOW,
                    "next_task_number": 2,
                }
                for i in (1, 2)
            ],
        )
        c.execute(
            insert(UserIdentity),
            [  # type: ignore[attr-defined]
                {"platform": "console", "tenant": "local", "external_id": f"u{i}", "user_id": i}
                for i in (1, 2)
            ],
        )
        tasks = [
            {
                "id": n,
                "user_id": 2,
                "number": n,
                "title": f"t{n}",
                "description": "",
                "priority": "medium",
                "due_has_time": False,
                "created_at": NOW,
                "updated_at": NOW,
            }
            for n in range(1, count + 1)
        ]
        if tasks:
            c.execute(insert(TaskRow), tasks)  # type: ignore[attr-defined]
            c.execute(
                insert(TaskAssignment),
                [  # type: ignore[attr-defined]
                    {
                        "task_id": n,
                        "assignee_user_id": 2,
                        "assigner_user_id": 1,
                        "task_number": n,
                        "title": f"t{n}",
                        "state": "open",
                        "notified_at": NOW,
                        "created_at": NOW,
                    }
                    for n in range(1, count + 1)
                ],
            )

    await storage.database.run(work)  # type: ignore[arg-type]


async def idle_poll_ms(count: int, polls: int) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        storage = open_sql_storage(f"sqlite+aiosqlite:///{tmp}/b.db")
        await migrate.upgrade(storage.engine)
        try:
            await fill(storage, count)
            times = []
            for _ in range(polls):
                started = time.perf_counter()
                await storage.reminders.next_due_at(platforms=PLATFORMS)
                await storage.reminders.claim_due(
                    now=NOW,
                    limit=200,
                    lease=timedelta(minutes=5),
                    platforms=PLATFORMS,
                )
                times.append((time.perf_counter() - started) * 1000)
            return statistics.median(times)
        finally:
            await storage.close()


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--polls", type=int, default=50)
    args = parser.parse_args()
    results = {n: await idle_poll_ms(n, args.polls) for n in (0, 1_000, 20_000)}
    for n, ms in results.items():
        print(
            f"open assignments {n:>6}: idle poll median {ms:7.2f} ms "
            f"(x{ms / results[0]:.1f} of none)"
        )


if __name__ == "__main__":
    asyncio.run(main())
