"""todobot's steady turns against the floor: the same SQL through the bare drivers.

Runs the steady cycle of ``benchmarks/turns.py`` (add, list, add, complete, list due today,
delete; 15 open tasks) through ``ChatService`` with the offline rules agent, and records every
statement and transaction each turn sends to the database (on SQLite the driver's own trace of
todobot's connection; on PostgreSQL SQLAlchemy's cursor and transaction events on the turn's
engine and the turn-lock engine). Right after each todobot turn, the
floor replays exactly those statements, in the same transactions, on a twin database that went
through the same history, through the bare driver — synchronous ``sqlite3`` with todobot's
pragmas, or one ``asyncpg`` connection without pool or ORM — and also pays the offline
understanding of the message (``understand``), the part of a turn no storage work can remove.
todobot and floor turns alternate, so load on the machine hits both alike.

    python benchmarks/floor.py [--turns 600] [--postgres-url URL] [--json]

Prints turns/s for both, the ratio (todobot time / floor time), and statements, transactions
and commits per turn. With ``--json`` one object:
``{"sqlite": {"todobot_tps": …, "floor_tps": …, "ratio": …, …}, "postgres": {…}}``.
PostgreSQL runs when ``--postgres-url`` or ``TODOBOT_TEST_POSTGRES_URL`` names a server (two
databases are created for the run and dropped after it).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sqlite3
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import event
from sqlalchemy.engine import Engine

from bot.agents.factory import build_agent
from bot.agents.rules.understand import understand
from bot.chat import ChatService
from bot.config import AgentSettings
from bot.conversations import IncomingMessage
from bot.identity import ConversationKey, UserRef
from storage import migrate
from storage.sql import SqlStorage, open_sql_storage
from storage.sql.engine import SQLITE_BUSY_TIMEOUT_MS, SQLITE_INLINE_PRAGMAS

OPEN_TASKS = 15
CYCLE = (
    "add buy milk tomorrow",
    "what's on my list?",
    "add call the bank friday 3pm high priority",
    "done {a}",
    "what's due today?",
    "delete {b}",
)
KEY = ConversationKey("console", "local", "floor", "main")
USER = UserRef("console", "local", "floor")

Step = tuple[str, str, Any]  # ("sql", statement, parameters) | ("commit"|"rollback", "", None)


@dataclass
class Recorder:
    """What todobot sent to the database, in order, between ``take`` calls."""

    steps: list[Step] = field(default_factory=list)

    def attach_sqlite(self, engine: Engine) -> None:
        """Every statement SQLite runs on todobot's connection, as the driver reports it
        (parameters expanded), whoever issued it: SQLAlchemy, or todobot on the cursor."""

        def trace(statement: str) -> None:
            head = statement.split(None, 1)[0].upper() if statement else ""
            if head == "COMMIT":
                self.steps.append(("commit", "", None))
            elif head == "ROLLBACK":
                self.steps.append(("rollback", "", None))
            elif head != "PRAGMA" and not statement.startswith("--"):
                # ("-- TRIGGER name": a trigger's own statements, which the twin database
                # runs too when the statement that fires it is replayed.)
                self.steps.append(("sql", statement, None))

        @event.listens_for(engine, "connect")
        def _trace(dbapi_connection: Any, _record: Any) -> None:
            dbapi_connection.set_trace_callback(trace)

    def attach_asyncpg(self, engine: Engine) -> None:
        """Every statement todobot sends on asyncpg connections of ``engine``, with the call
        that sent it: SQLAlchemy's (through ``prepare``) and todobot's own on the driver's
        connection (``execute`` of BEGIN/COMMIT, ``fetch…`` of the direct statements)."""

        @event.listens_for(engine, "connect")
        def _trace(dbapi_connection: Any, _record: Any) -> None:
            dbapi_connection._connection = _Traced(dbapi_connection._connection, self)

    def dump(self, steps: list[Step]) -> str:
        return "\n".join(f"{k} {s[:110]}" for k, s, _ in steps)

    def take(self) -> list[Step]:
        steps, self.steps = self.steps, []
        return steps


def _noting(call: str) -> Callable[..., Any]:
    """``_Traced``'s ``call``: notes the statement, then sends it."""

    def noted(self: _Traced, query: str, *args: Any, **kw: Any) -> Any:
        self._recorder.steps.append((call, query, args))
        return getattr(self._conn, call)(query, *args, **kw)

    return noted


class _Traced:
    """An asyncpg connection that notes each statement before sending it (methods of its own
    rather than a wrapper per call: what the recording costs is counted in todobot's time)."""

    execute = _noting("execute")
    fetch = _noting("fetch")
    fetchrow = _noting("fetchrow")
    fetchval = _noting("fetchval")

    def __init__(self, conn: Any, recorder: Recorder) -> None:
        self._conn = conn
        self._recorder = recorder

    def __getattr__(self, name: str) -> Any:
        return getattr(self._conn, name)

    async def prepare(self, query: str, *args: Any, **kw: Any) -> Any:
        prepared = await self._conn.prepare(query, *args, **kw)
        return _TracedPrepared(prepared, query, self._recorder)


class _TracedPrepared:
    def __init__(self, prepared: Any, query: str, recorder: Recorder) -> None:
        self._prepared = prepared
        self._query = query
        self._recorder = recorder

    def __getattr__(self, name: str) -> Any:
        return getattr(self._prepared, name)

    async def fetch(self, *args: Any, **kw: Any) -> Any:
        self._recorder.steps.append(("fetch", self._query, args))
        return await self._prepared.fetch(*args, **kw)


def texts(turns: int) -> list[str]:
    out = []
    first = next_number = OPEN_TASKS + 1
    for i in range(turns):
        step = i % len(CYCLE)
        if step == 0:
            first, next_number = next_number, next_number + 2
        out.append(CYCLE[step].format(a=first, b=first + 1))
    return out


def understand_like_a_turn(text: str) -> None:
    understand(text, now=datetime.now(UTC).replace(tzinfo=None))


# --- the floors -----------------------------------------------------------------------------


class SqliteFloor:
    """Bare synchronous ``sqlite3`` with todobot's pragmas; transactions as recorded."""

    def __init__(self, path: str) -> None:
        self.db = sqlite3.connect(path, isolation_level=None, timeout=SQLITE_BUSY_TIMEOUT_MS / 1000)
        for pragma in SQLITE_INLINE_PRAGMAS:
            self.db.execute(f"PRAGMA {pragma}")

    async def replay(self, steps: list[Step]) -> None:
        db = self.db
        for kind, statement, _ in steps:
            if kind == "sql":
                db.execute(statement).fetchall()
            elif db.in_transaction:
                db.execute("COMMIT" if kind == "commit" else "ROLLBACK")

    async def close(self) -> None:
        self.db.close()


class PostgresFloor:
    """One bare ``asyncpg`` connection: each statement sent as todobot sent it (``execute``
    without values is one simple-protocol round trip, ``fetch…`` a prepared one)."""

    def __init__(self, conn: Any) -> None:
        self.conn = conn

    @classmethod
    async def open(cls, url: str) -> PostgresFloor:
        import asyncpg

        conn = await asyncpg.connect(
            url, server_settings={"plan_cache_mode": "force_custom_plan"}, timeout=10
        )
        return cls(conn)

    async def replay(self, steps: list[Step]) -> None:
        conn = self.conn
        for call, statement, params in steps:
            await getattr(conn, call)(statement, *(params or ()))

    async def close(self) -> None:
        await self.conn.close()


# --- the run --------------------------------------------------------------------------------


async def compare(
    storage: SqlStorage,
    floor: SqliteFloor | PostgresFloor,
    recorder: Recorder,
    turns: int,
) -> dict[str, Any]:
    chat = ChatService(storage=storage, agent=build_agent(AgentSettings(backend="rules")))

    cpu = {"todobot": 0.0, "floor": 0.0}

    async def todobot_turn(text: str) -> float:
        started, cpu_started = time.perf_counter(), time.process_time()
        reply = await chat.handle(IncomingMessage(key=KEY, author=USER, text=text))
        elapsed = time.perf_counter() - started
        cpu["todobot"] += time.process_time() - cpu_started
        if reply.is_error:
            raise SystemExit(f"todobot turn failed: {reply.text}")
        return elapsed

    # The same history on both: todobot's set-up turns are replayed on the floor's twin.
    for i in range(OPEN_TASKS):
        await todobot_turn(f"add chore {i} friday")
    await floor.replay(recorder.take())
    warm = texts(len(CYCLE) * 2)
    for text in warm:
        await todobot_turn(text)
        await floor.replay(recorder.take())

    todobot_total = floor_total = 0.0
    cpu["todobot"] = 0.0
    statements = transactions = commits = 0
    for text in texts(turns + len(warm))[len(warm) :]:
        todobot_total += await todobot_turn(text)
        steps = recorder.take()
        counts = _count(steps)
        statements += counts[0]
        transactions += counts[1]
        commits += counts[2]
        started, cpu_started = time.perf_counter(), time.process_time()
        understand_like_a_turn(text)
        await floor.replay(steps)
        floor_total += time.perf_counter() - started
        cpu["floor"] += time.process_time() - cpu_started
    return {
        "todobot_tps": round(turns / todobot_total, 1),
        "floor_tps": round(turns / floor_total, 1),
        "ratio": round(todobot_total / floor_total, 2),
        "statements_per_turn": round(statements / turns, 2),
        "transactions_per_turn": round(transactions / turns, 2),
        "commits_per_turn": round(commits / turns, 2),
        # This process's CPU per turn: less disturbed by a loaded machine than the wall clock.
        "todobot_cpu_ms": round(cpu["todobot"] / turns * 1000, 3),
        "floor_cpu_ms": round(cpu["floor"] / turns * 1000, 3),
        "turns": turns,
    }


_CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SET LOCAL", "SAVEPOINT", "RELEASE")


def _count(steps: list[Step]) -> tuple[int, int, int]:
    """Statements, transactions and commits. On SQLite a transaction ends with a recorded
    commit or rollback; on PostgreSQL with the COMMIT or ROLLBACK statement. The turn lock's
    statements count as statements, outside any transaction (autocommit)."""
    statements = transactions = commits = 0
    in_tx = False
    for kind, statement, _ in steps:
        if kind in ("commit", "rollback"):
            if in_tx:
                transactions += 1
                commits += kind == "commit"
                in_tx = False
            continue
        head = statement.lstrip().upper()
        if head.startswith(("COMMIT", "ROLLBACK")) and not head.startswith("ROLLBACK TO"):
            transactions += 1
            commits += head.startswith("COMMIT")
            in_tx = False
            continue
        if head.startswith(_CONTROL):
            continue
        statements += 1
        in_tx = True  # (SQLite: ended by the recorded commit or rollback)
    return statements, transactions, commits


def attach_all(storage: SqlStorage, recorder: Recorder) -> None:
    engine = storage.database.engine
    if isinstance(engine, Engine):
        recorder.attach_sqlite(engine)
        return
    recorder.attach_asyncpg(engine.sync_engine)
    locks = getattr(storage, "_locks", None)
    lock_engine = getattr(locks, "_engine", None)
    if lock_engine is not None:
        recorder.attach_asyncpg(lock_engine.sync_engine)


async def run_sqlite(turns: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        twin = f"{tmp}/floor.db"
        storage = open_sql_storage(f"sqlite:///{tmp}/todobot.db")
        await migrate.upgrade(storage.engine)
        await _migrated_twin(f"sqlite:///{twin}")
        recorder = Recorder()
        attach_all(storage, recorder)
        floor = SqliteFloor(twin)
        try:
            return await compare(storage, floor, recorder, turns)
        finally:
            await floor.close()
            await storage.close()


async def run_postgres(server: str, turns: int) -> dict[str, Any]:
    async with _databases(server, 2) as (mine, twin):
        storage = open_sql_storage(mine)
        await migrate.upgrade(storage.engine)
        await storage.engine.dispose()  # connections are traced from their start
        await _migrated_twin(twin)
        recorder = Recorder()
        attach_all(storage, recorder)
        floor = await PostgresFloor.open(twin)
        try:
            return await compare(storage, floor, recorder, turns)
        finally:
            await floor.close()
            await storage.close()


async def _migrated_twin(url: str) -> None:
    other = open_sql_storage(url)
    try:
        await migrate.upgrade(other.engine)
    finally:
        await other.close()


class _databases:
    """``count`` fresh PostgreSQL databases on ``server``, dropped afterwards."""

    def __init__(self, server: str, count: int) -> None:
        self.server = server.replace("postgresql+asyncpg://", "postgresql://")
        self.names = [f"todobot_floor_{uuid.uuid4().hex[:8]}" for _ in range(count)]

    async def _admin(self, sql: Callable[[str], str]) -> None:
        import asyncpg

        admin = await asyncpg.connect(self.server, timeout=10)
        try:
            for name in self.names:
                await admin.execute(sql(name))
        finally:
            await admin.close()

    async def __aenter__(self) -> list[str]:
        await self._admin(lambda n: f'CREATE DATABASE "{n}"')
        base = self.server.rpartition("/")[0]
        return [f"{base}/{n}" for n in self.names]

    async def __aexit__(self, *_: object) -> None:
        await self._admin(lambda n: f'DROP DATABASE IF EXISTS "{n}" WITH (FORCE)')


async def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--turns", type=int, default=600)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--postgres-url", default=os.environ.get("TODOBOT_TEST_POSTGRES_URL"))
    args = parser.parse_args()
    results: dict[str, dict[str, Any]] = {"sqlite": await run_sqlite(args.turns)}
    if args.postgres_url:
        results["postgres"] = await run_postgres(args.postgres_url, args.turns)
    if args.json:
        print(json.dumps(results))
        return
    for backend, row in results.items():
        print(
            f"{backend:>8}: todobot {row['todobot_tps']:>7} turns/s  floor {row['floor_tps']:>7} "
            f"turns/s  ratio {row['ratio']:.2f}  per turn: {row['statements_per_turn']} "
            f"statements, {row['transactions_per_turn']} transactions, "
            f"{row['commits_per_turn']} commits; CPU/turn {row['todobot_cpu_ms']} ms vs "
            f"{row['floor_cpu_ms']} ms"
        )


if __name__ == "__main__":
    asyncio.run(main())
