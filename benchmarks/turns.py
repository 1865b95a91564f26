"""Turns through ``ChatService`` with the offline agent, on SQLite and PostgreSQL.

For conversations that already hold 10, 1,000 and 100,000 messages, drives turns one after
another and prints turns/second and p50/p99 latency. Loading history must not grow with the
conversation, so p50 at 100,000 should stay close to p50 at 10.

    python benchmarks/turns.py [--json] [--turns 300] [--postgres-url URL]

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

from sqlalchemy import insert

from bot.agents.factory import build_agent
from bot.chat import ChatService
from bot.config import AgentSettings
from bot.conversations import IncomingMessage
from bot.identity import ConversationKey, UserRef
from storage import migrate
from storage.sql import SqlStorage, open_sql_storage
from storage.sql.models import MessageRow

SIZES = (10, 1_000, 100_000)
MESSAGES = (
    "add buy milk tomorrow",
    "what's on my list?",
    "add call the bank friday 3pm high priority",
    "done 1",
    "what's due today?",
    "delete 2",
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


async def measure(storage: SqlStorage, size: int, turns: int) -> dict[str, Any]:
    chat = ChatService(storage=storage, agent=build_agent(AgentSettings(backend="rules")))
    user = UserRef("console", "local", f"bench-{size}")
    key = ConversationKey("console", "local", f"bench-{size}", "main")
    await seed(storage, key, user, size)
    for text in MESSAGES:  # warm-up: connections, caches, dateparser
        await chat.handle(IncomingMessage(key=key, author=user, text=text))
    latencies = []
    started = time.perf_counter()
    for i in range(turns):
        text = MESSAGES[i % len(MESSAGES)]
        t0 = time.perf_counter()
        reply = await chat.handle(IncomingMessage(key=key, author=user, text=text))
        latencies.append(time.perf_counter() - t0)
        if reply.is_error:
            raise SystemExit(f"turn failed: {reply.text}")
    elapsed = time.perf_counter() - started
    latencies.sort()
    return {
        "messages_before": size,
        "turns": turns,
        "turns_per_second": round(turns / elapsed, 1),
        "p50_ms": round(statistics.median(latencies) * 1000, 2),
        "p99_ms": round(latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000, 2),
    }


async def run_backend(url: str, turns: int) -> list[dict[str, Any]]:
    storage = open_sql_storage(url)
    try:
        await migrate.upgrade(storage.engine)
        return [await measure(storage, size, turns) for size in SIZES]
    finally:
        await storage.close()


async def with_postgres(server: str, turns: int) -> list[dict[str, Any]]:
    import asyncpg

    server = server.replace("postgresql+asyncpg://", "postgresql://")
    name = f"todobot_bench_{uuid.uuid4().hex[:8]}"
    admin = await asyncpg.connect(server, timeout=10)
    await admin.execute(f'CREATE DATABASE "{name}"')
    await admin.close()
    try:
        return await run_backend(f"{server.rpartition('/')[0]}/{name}", turns)
    finally:
        admin = await asyncpg.connect(server, timeout=10)
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--turns", type=int, default=300)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--postgres-url", default=os.environ.get("TODOBOT_TEST_POSTGRES_URL"))
    args = parser.parse_args()
    results: dict[str, list[dict[str, Any]]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        results["sqlite"] = await run_backend(f"sqlite+aiosqlite:///{tmp}/bench.db", args.turns)
    if args.postgres_url:
        results["postgresql"] = await with_postgres(args.postgres_url, args.turns)
    for rows in results.values():
        small, large = rows[0]["p50_ms"], rows[-1]["p50_ms"]
        rows.append({"p50_ratio_100k_vs_10": round(large / small, 2)})
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
            else:
                print(f"  p50 ratio 100k/10: {row['p50_ratio_100k_vs_10']}")


if __name__ == "__main__":
    asyncio.run(main())
