"""Database waits are bounded, and a lock that is not released in time is "busy" — not
"cannot reach the database" (what people were told while an import held SQLite's lock)."""

from __future__ import annotations

import sqlite3

import asyncpg
import pytest
from sqlalchemy import text

from bot.errors import StorageBusy
from bot.identity import UserRef
from storage.sql import WaitLimits, open_sql_storage
from tests.conftest import migrated_storage

ANN = UserRef("console", "local", "ann")


async def test_sqlite_locked_by_another_process_past_the_busy_timeout_is_busy(
    sqlite_url: str,
) -> None:
    async with migrated_storage(sqlite_url) as setup:
        user = await setup.users.resolve_user(ref=ANN, display_name="Ann", timezone="UTC")
    storage = open_sql_storage(sqlite_url, limits=WaitLimits(busy=0.3))
    other = sqlite3.connect(sqlite_url.split("///", 1)[1], isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")  # another process holds the write lock
        with pytest.raises(StorageBusy):
            await storage.users.set_timezone(user_id=user.id, timezone="Europe/Paris")
        other.execute("ROLLBACK")
        changed = await storage.users.set_timezone(user_id=user.id, timezone="Europe/Paris")
        assert changed.timezone == "Europe/Paris"
    finally:
        other.close()
        await storage.close()


@pytest.mark.postgres
async def test_postgres_sessions_carry_the_limits_and_a_held_row_lock_is_busy(
    postgres_url: str,
) -> None:
    async with migrated_storage(postgres_url) as setup:
        user = await setup.users.resolve_user(ref=ANN, display_name="Ann", timezone="UTC")
    storage = open_sql_storage(postgres_url, limits=WaitLimits(statement=7, lock=0.5, pool=2))
    other = await asyncpg.connect(postgres_url)
    try:
        async with storage.engine.connect() as conn:
            assert await conn.scalar(text("SHOW statement_timeout")) == "7s"
            assert await conn.scalar(text("SHOW lock_timeout")) == "500ms"
        async with other.transaction():
            await other.execute("SELECT 1 FROM app_user WHERE id = $1 FOR UPDATE", user.id)
            with pytest.raises(StorageBusy):
                await storage.users.set_timezone(user_id=user.id, timezone="Europe/Paris")
        changed = await storage.users.set_timezone(user_id=user.id, timezone="Europe/Paris")
        assert changed.timezone == "Europe/Paris"
    finally:
        await other.close()
        await storage.close()
