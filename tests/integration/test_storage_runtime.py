"""How units of work reach the database: SQLite driven from the event loop without blocking
it, PostgreSQL connections replaced without a pre-ping, the schema checked without Alembic."""

from __future__ import annotations

import asyncio
import sqlite3
import sys
from asyncio.subprocess import PIPE
from datetime import UTC, datetime
from pathlib import Path

import asyncpg
import pytest
from sqlalchemy.engine import make_url

from bot.chat import ChatService
from bot.conversations import IncomingMessage
from bot.errors import StorageError
from bot.identity import ConversationKey, UserRef
from bot.tasks import TaskDraft
from storage import migrate
from storage.sql import SqlStorage, open_sql_storage
from tests.support.agents import ScriptAgent

NOW = datetime(2026, 11, 18, 9, 0, tzinfo=UTC)
KEY = ConversationKey("console", "local", "ann", "main")
ANN = UserRef("console", "local", "ann")


def _path(url: str) -> str:
    return str(make_url(url).database)


def _draft(title: str) -> TaskDraft:
    return TaskDraft(title=title)


async def test_a_locked_sqlite_database_is_waited_for_without_blocking_the_loop(
    sqlite_storage: SqlStorage, sqlite_url: str
) -> None:
    user = await sqlite_storage.users.resolve_user(ref=ANN, display_name="ann", timezone="UTC")
    other = sqlite3.connect(
        _path(sqlite_url), isolation_level=None
    )  # another process, as SQLite sees it
    other.execute("BEGIN IMMEDIATE")
    adding = asyncio.create_task(
        sqlite_storage.tasks.add_task(user_id=user.id, draft=TaskDraft(title="x"), now=NOW)
    )
    # While the add waits for the lock, the loop keeps serving other work (a SQLite busy
    # timeout would hold the whole thread inside the driver instead).
    ticks = 0
    for _ in range(20):
        await asyncio.sleep(0.01)
        ticks += 1
    assert ticks == 20 and not adding.done()
    other.execute("COMMIT")
    task = await asyncio.wait_for(adding, 5)
    assert task.number == 1
    other.close()


async def test_a_sqlite_lock_held_too_long_is_a_storage_error(
    sqlite_storage: SqlStorage, sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    user = await sqlite_storage.users.resolve_user(ref=ANN, display_name="ann", timezone="UTC")
    monkeypatch.setattr(sqlite_storage.database, "_busy_timeout", 0.2)
    other = sqlite3.connect(_path(sqlite_url), isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(StorageError):
            await sqlite_storage.tasks.add_task(
                user_id=user.id, draft=TaskDraft(title="x"), now=NOW
            )
    finally:
        other.execute("ROLLBACK")
        other.close()
    again = await sqlite_storage.tasks.add_task(
        user_id=user.id, draft=TaskDraft(title="y"), now=NOW
    )
    assert again.number == 1  # the failed add gave its number back


@pytest.mark.postgres
async def test_a_connection_the_server_dropped_is_replaced_without_a_pre_ping(
    postgres_url: str,
) -> None:
    storage = open_sql_storage(postgres_url)
    await migrate.upgrade(storage.engine)
    chat = ChatService(storage=storage, agent=ScriptAgent())
    try:
        first = await chat.handle(IncomingMessage(key=KEY, author=ANN, text='{"reply": "one"}'))
        assert first.text.startswith("one")
        # The server ends every session of ours (a restart, an idle timeout, a failover).
        admin = await asyncpg.connect(postgres_url)
        try:
            await admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        finally:
            await admin.close()
        second = await chat.handle(IncomingMessage(key=KEY, author=ANN, text='{"reply": "two"}'))
        assert not second.is_error, second.text
        assert second.text.startswith("two")
    finally:
        await storage.close()


def test_the_known_head_is_alembics_head() -> None:
    migrate.known_head.cache_clear()
    assert migrate.known_head() == migrate.head_revision()


async def test_an_up_to_date_database_starts_without_alembic(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'todobot.db'}"
    storage = open_sql_storage(url)
    await migrate.upgrade(storage.engine)
    await storage.close()
    probe = (
        "import asyncio, sys\n"
        "from bot.cli.wiring import ensure_schema\n"
        "from storage.sql import open_sql_storage\n"
        "async def main():\n"
        f"    storage = open_sql_storage({url!r})\n"
        "    await ensure_schema(storage)\n"
        "    await storage.close()\n"
        "asyncio.run(main())\n"
        "print('alembic' in sys.modules)\n"
    )
    child = await asyncio.create_subprocess_exec(
        sys.executable, "-c", probe, stdout=PIPE, stderr=PIPE
    )
    out, err = await asyncio.wait_for(child.communicate(), 60)
    assert out.decode().strip() == "False", err.decode()
