"""Alembic migrations on SQLite and PostgreSQL."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from storage import migrate
from storage.sql import open_sql_storage
from storage.sql.models import metadata


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
                    MigrationContext.configure(c, opts={"compare_type": True}), metadata
                )
            )
        assert diff == []
    finally:
        await storage.close()


async def test_sqlite_table_rebuilds_keep_the_rows_that_refer_to_them(sqlite_url: str) -> None:
    """A batch migration that rebuilds ``app_user`` must not cascade-delete tasks."""
    from datetime import UTC, datetime

    from alembic.operations import Operations

    from bot.identity import UserRef
    from bot.tasks import TaskDraft

    storage = open_sql_storage(sqlite_url)
    try:
        await migrate.upgrade(storage.engine)
        user = await storage.users.resolve_user(
            ref=UserRef("console", "local", "ann"), display_name="ann", timezone="UTC"
        )
        await storage.tasks.add_task(
            user_id=user.id, draft=TaskDraft(title="keep me"), now=datetime.now(UTC)
        )

        def rebuild_app_user(connection: object, _config: object) -> None:
            operations = Operations(MigrationContext.configure(connection))  # type: ignore[arg-type]
            with operations.batch_alter_table("app_user", recreate="always"):
                pass

        await migrate.run_with_migration_connection(storage.engine, rebuild_app_user)
        assert await storage.tasks.get_task(user_id=user.id, number=1)
        assert await storage.users.find_user(ref=UserRef("console", "local", "ann")) == user
    finally:
        await storage.close()
