"""Turns through ``ChatService`` with the offline agent, on SQLite and PostgreSQL.

For conversations that already hold 10, 1,000 and 100,000 messages, drives turns one after
another and prints p50/p99 latency and turns/second (loading history must not grow with the
conversation, so p50 at 100,000 should stay close to p50 at 10). Then drives turns in several
conversations at once, as a team's workspace does, and prints the throughput.

Each person starts with 15 open tasks and a steady mix of adding, listing, completing and
deleting, so the list stays the size people really keep. Last, the turns that change tasks
(add, done, delete) for a person with 10 and with 10,000 open tasks, and with 1 and 10,000
people in the database: their latency must not grow with either.

    python benchmarks/turns.py [--json] [--turns 300] [--concurrency 8] [--postgres-url URL]

PostgreSQL runs when ``--postgres-url`` or ``TODOBOT_TEST_POSTGRES_URL`` names a server; a
database is created for the run and dropped after it.
"""

from __future__ import annotations

import argparse
import asyncio
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

from sqlalchemy import func, insert, select

from bot.agents.factory import build_agent
from bot.chat import ChatService
from bot.config import AgentSettings
from bot.conversations import IncomingMessage
from bot.identity import ConversationKey, UserRef
from bot.tasks import TaskDraft, TaskImport
from storage import migrate
from storage.sql import SqlStorage, open_sql_storage
from storage.sql.models import AppUser, MessageRow, TaskRow, UserIdentity

SIZES = (10, 1_000, 100_000)
OPEN_TASKS = 15
# One cycle adds two tasks and removes them again; {a} and {b} are their numbers.
CYCLE = (
    "add buy milk tomorrow",
    "what's on my list?",
    "add call the bank friday 3pm high priority",
    "done {a}",
    "what's due today?",
    "delete {b}",
)
SEED_CHUNK = 5_000


async def seed(storage: SqlStorage, key: ConversationKey, user: UserRef, count: int) -> None:
    """Give the conversation ``count`` earlier messages (bulk insert, not turns)."""
    now = datetime.now(UTC) - timedelta(days=30)
    account = await storage.users.resolve_user(ref=user, display_name="bench", timezone="UTC")
    conv = await storage.conversations.open_conversation(key=key, now=now)
    rows = [
        {
            "conversation_id": conv.id,
            "user_id": account.id,
            "role": "user" if i % 2 == 0 else "assistant",
            "content": f"earlier message {i} " + "x" * 60,
            "created_at": now + timedelta(milliseconds=i),
        }
        for i in range(count)
    ]
    async with storage.engine.begin() as conn:
        for start in range(0, len(rows), SEED_CHUNK):
            await conn.execute(insert(MessageRow), rows[start : start + SEED_CHUNK])


def new_chat(storage: SqlStorage) -> ChatService:
    return ChatService(storage=storage, agent=build_agent(AgentSettings(backend="rules")))


async def start_person(
    chat: ChatService, storage: SqlStorage, name: str, history: int
) -> tuple[ConversationKey, UserRef]:
    user = UserRef("console", "local", name)
    key = ConversationKey("console", "local", name, "main")
    await seed(storage, key, user, history)
    for i in range(OPEN_TASKS):
        await chat.handle(IncomingMessage(key=key, author=user, text=f"add chore {i} friday"))
    return key, user


async def converse(
    chat: ChatService, key: ConversationKey, user: UserRef, turns: int
) -> list[float]:
    """Run ``turns`` turns of the steady cycle; returns each turn's latency in seconds."""
    latencies = []
    first = next_number = OPEN_TASKS + 1
    for i in range(turns):
        step = i % len(CYCLE)
        if step == 0:
            first, next_number = next_number, next_number + 2
        text = CYCLE[step].format(a=first, b=first + 1)
        t0 = time.perf_counter()
        reply = await chat.handle(IncomingMessage(key=key, author=user, text=text))
        latencies.append(time.perf_counter() - t0)
        if reply.is_error:
            raise SystemExit(f"turn failed: {reply.text}")
    return latencies


def percentile(sorted_values: list[float], share: float) -> float:
    return sorted_values[min(len(sorted_values) - 1, int(len(sorted_values) * share))]


def summary(latencies: list[float], elapsed: float) -> dict[str, Any]:
    ordered = sorted(latencies)
    return {
        "turns": len(ordered),
        "turns_per_second": round(len(ordered) / elapsed, 1),
        "p50_ms": round(statistics.median(ordered) * 1000, 2),
        "p99_ms": round(percentile(ordered, 0.99) * 1000, 2),
    }


async def measure(storage: SqlStorage, size: int, turns: int) -> dict[str, Any]:
    """One conversation that already holds ``size`` messages, turns one after another."""
    chat = new_chat(storage)
    key, user = await start_person(chat, storage, f"bench-{size}", size)
    await converse(chat, key, user, len(CYCLE))  # warm-up: connections, caches, dateparser
    started = time.perf_counter()
    latencies = await converse(chat, key, user, turns)
    return {"messages_before": size, **summary(latencies, time.perf_counter() - started)}


async def measure_concurrent(storage: SqlStorage, people: int, turns: int) -> dict[str, Any]:
    """``people`` conversations at once, each taking its turns in order."""
    chat = new_chat(storage)
    started_people = [
        await start_person(chat, storage, f"team-{people}-{i}", 10) for i in range(people)
    ]
    per_person = max(len(CYCLE), turns // people)
    started = time.perf_counter()
    results = await asyncio.gather(
        *(converse(chat, key, user, per_person) for key, user in started_people)
    )
    latencies = [x for r in results for x in r]
    return {
        "concurrent_conversations": people,
        **summary(latencies, time.perf_counter() - started),
    }


# Turns that do not list: their cost must not grow with the person's tasks or the team.
CHANGES = ("add buy milk tomorrow", "done {a}", "add call the bank friday 3pm", "delete {b}")


async def changes(
    chat: ChatService, key: ConversationKey, user: UserRef, first: int, turns: int
) -> list[float]:
    latencies = []
    for i in range(turns):
        step = i % len(CHANGES)
        base = first + (i // len(CHANGES)) * 2
        text = CHANGES[step].format(a=base, b=base + 1)
        t0 = time.perf_counter()
        reply = await chat.handle(IncomingMessage(key=key, author=user, text=text))
        latencies.append(time.perf_counter() - t0)
        if reply.is_error:
            raise SystemExit(f"turn failed: {reply.text}")
    return latencies


async def measure_scale(storage: SqlStorage, turns: int) -> list[dict[str, Any]]:
    """Adding, completing and deleting for a person with 10 and with 10,000 open tasks, and
    with 1 and 10,000 people in the database (each with a few tasks)."""
    chat = new_chat(storage)
    rows = []
    for tasks in (10, 10_000):
        name = f"tasks-{tasks}"
        account = await storage.users.resolve_user(
            ref=UserRef("console", "local", name), display_name=name, timezone="UTC"
        )
        drafts = [TaskImport(TaskDraft(title=f"chore {i}")) for i in range(tasks)]
        await storage.tasks.import_tasks(user_id=account.id, tasks=drafts, now=datetime.now(UTC))
        key = ConversationKey("console", "local", name, "main")
        user = UserRef("console", "local", name)
        await changes(chat, key, user, tasks + 1, len(CHANGES) * 2)  # warm-up
        started = time.perf_counter()
        latencies = await changes(chat, key, user, tasks + 1 + len(CHANGES), turns)
        rows.append({"open_tasks": tasks, **summary(latencies, time.perf_counter() - started)})
    for people in (1, 10_000):
        await seed_people(storage, people)
        name = f"people-{people}"
        key = ConversationKey("console", "local", name, "main")
        user = UserRef("console", "local", name)
        await changes(chat, key, user, 1, len(CHANGES) * 2)
        started = time.perf_counter()
        latencies = await changes(chat, key, user, 1 + len(CHANGES), turns)
        rows.append({"people": people, **summary(latencies, time.perf_counter() - started)})
    return rows


async def seed_people(storage: SqlStorage, count: int) -> None:
    """``count`` people in the database (bulk insert), each with three tasks."""
    now = datetime.now(UTC)
    async with storage.engine.begin() as conn:
        existing = (await conn.execute(select(func.count()).select_from(AppUser))).scalar_one()
        people = [
            {"display_name": f"p{i}", "timezone": "UTC", "next_task_number": 4, "created_at": now}
            for i in range(existing, count)
        ]
        for start in range(0, len(people), SEED_CHUNK):
            await conn.execute(insert(AppUser), people[start : start + SEED_CHUNK])
        ids = (await conn.execute(select(AppUser.id))).scalars().all()
        identities = [
            {"platform": "slack", "tenant": "T1", "external_id": f"U{i}", "user_id": i} for i in ids
        ]
        tasks = [
            {"user_id": i, "number": n, "title": f"t{n}", "created_at": now, "updated_at": now}
            for i in ids
            for n in (1, 2, 3)
        ]
        for rows, table in ((identities, UserIdentity), (tasks, TaskRow)):
            for start in range(0, len(rows), SEED_CHUNK):
                await conn.execute(
                    insert(table).prefix_with("OR IGNORE")
                    if storage.dialect == "sqlite"
                    else pg_insert_ignore(table),
                    rows[start : start + SEED_CHUNK],
                )


def pg_insert_ignore(table: Any) -> Any:
    from sqlalchemy.dialects.postgresql import insert as pg_insert

    return pg_insert(table).on_conflict_do_nothing()


async def run_backend(url: str, turns: int, concurrency: int) -> list[dict[str, Any]]:
    storage = open_sql_storage(url)
    try:
        await migrate.upgrade(storage.engine)
        rows = [await measure(storage, size, turns) for size in SIZES]
        rows.append(await measure_concurrent(storage, concurrency, turns))
        rows.extend(await measure_scale(storage, turns))
        return rows
    finally:
        await storage.close()


async def with_postgres(server: str, turns: int, concurrency: int) -> list[dict[str, Any]]:
    import asyncpg

    server = server.replace("postgresql+asyncpg://", "postgresql://")
    name = f"todobot_bench_{uuid.uuid4().hex[:8]}"
    admin = await asyncpg.connect(server, timeout=10)
    await admin.execute(f'CREATE DATABASE "{name}"')
    await admin.close()
    try:
        return await run_backend(f"{server.rpartition('/')[0]}/{name}", turns, concurrency)
    finally:
        admin = await asyncpg.connect(server, timeout=10)
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--turns", type=int, default=300)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--postgres-url", default=os.environ.get("TODOBOT_TEST_POSTGRES_URL"))
    args = parser.parse_args()
    results: dict[str, list[dict[str, Any]]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        results["sqlite"] = await run_backend(
            f"sqlite+aiosqlite:///{tmp}/bench.db", args.turns, args.concurrency
        )
    if args.postgres_url:
        results["postgresql"] = await with_postgres(args.postgres_url, args.turns, args.concurrency)
    for rows in results.values():
        small, large = rows[0]["p50_ms"], rows[len(SIZES) - 1]["p50_ms"]
        by_tasks = [r["p50_ms"] for r in rows if "open_tasks" in r]
        by_people = [r["p50_ms"] for r in rows if "people" in r]
        rows.append(
            {
                "p50_ratio_100k_vs_10": round(large / small, 2),
                "p50_ratio_10k_tasks_vs_10": round(by_tasks[1] / by_tasks[0], 2),
                "p50_ratio_10k_people_vs_1": round(by_people[1] / by_people[0], 2),
            }
        )
    if args.json:
        print(json.dumps(results, indent=2))
        return
    for backend, rows in results.items():
        print(f"{backend}:")
        for row in rows:
            if "messages_before" in row:
                print(
                    f"  {row['messages_before']:>7,} msgs: {row['turns_per_second']:>7} "
                    f"turns/s  p50 {row['p50_ms']:>6} ms  p99 {row['p99_ms']:>6} ms"
                )
            elif "open_tasks" in row or "people" in row:
                what = (
                    f"{row['open_tasks']:,} open tasks"
                    if "open_tasks" in row
                    else f"{row['people']:,} people"
                )
                print(
                    f"  add/done/delete with {what}: {row['turns_per_second']} turns/s  "
                    f"p50 {row['p50_ms']} ms  p99 {row['p99_ms']} ms"
                )
            elif "concurrent_conversations" in row:
                print(
                    f"  {row['concurrent_conversations']} conversations at once: "
                    f"{row['turns_per_second']} turns/s  p50 {row['p50_ms']} ms  "
                    f"p99 {row['p99_ms']} ms"
                )
            else:
                print(
                    f"  p50 ratios: 100k/10 messages {row['p50_ratio_100k_vs_10']}, "
                    f"10k/10 tasks {row['p50_ratio_10k_tasks_vs_10']}, "
                    f"10k/1 people {row['p50_ratio_10k_people_vs_1']}"
                )


if __name__ == "__main__":
    asyncio.run(main())
