"""Alembic migrations on SQLite and PostgreSQL."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from storage import migrate
from storage.sql import open_sql_storage
from storage.sql.models import Base


async def test_upgrade_downgrade_upgrade_and_models_match(database_url: str) -> None:
    storage = open_sql_storage(database_url)
    try:
        await migrate.upgrade(storage.engine)
        assert await migrate.current(storage.engine) == migrate.head_revision()
        await migrate.downgrade(storage.engine, "base")
        assert await migrate.current(storage.engine) is None
        async with storage.engine.connect() as conn:
            tables = await conn.run_sync(lambda c: inspect(c).get_table_names())
        assert set(tables) <= {"alembic_version"}
        await migrate.upgrade(storage.engine)
        async with storage.engine.connect() as conn:
            diff = await conn.run_sync(
                lambda c: compare_metadata(
                    MigrationContext.configure(c, opts={"compare_type": True}), Base.metadata
                )
            )
        assert diff == []
    finally:
        await storage.close()
