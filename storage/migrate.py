"""Schema migrations from inside the program: upgrade, downgrade, current revision."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy.engine import Connection
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine

import migrations
from bot.errors import InvalidInput, StorageError
from storage.sql.engine import create_sql_engine
from storage.sql.session import translate


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(Path(migrations.__file__).parent))
    config.set_main_option("file_template", "%%(year)d_%%(month).2d_%%(day).2d_%%(rev)s_%%(slug)s")
    return config


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


async def run_with_migration_connection(engine: AsyncEngine, action: Any, *args: Any) -> Any:
    """Run ``action(connection, alembic_config, *args)`` in one transaction, as migrations run.

    On SQLite the connection has foreign keys off: batch migrations rebuild a table (copy,
    drop, rename), and with foreign keys on, the DROP would delete every row that refers to it
    (ON DELETE CASCADE). References are checked before the transaction commits instead.
    """
    config = alembic_config()
    sqlite = engine.dialect.name == "sqlite"
    target = (
        create_sql_engine(
            engine.url.render_as_string(hide_password=False), enforce_foreign_keys=False
        )
        if sqlite
        else engine
    )

    def in_sync(connection: Connection) -> Any:
        config.attributes["connection"] = connection
        result = action(connection, config, *args)
        if sqlite:
            broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
            if broken:
                raise StorageError(f"the migration left {len(broken)} broken references")
        return result

    try:
        async with target.begin() as conn:
            return await conn.run_sync(in_sync)
    except CommandError as exc:
        raise InvalidInput(f"Migration refused: {exc}") from exc
    except (SQLAlchemyError, OSError) as exc:
        raise translate(exc) from exc
    finally:
        if target is not engine:
            await target.dispose()


async def upgrade(engine: AsyncEngine, revision: str = "head") -> None:
    await run_with_migration_connection(
        engine, lambda _c, cfg, rev: command.upgrade(cfg, rev), revision
    )


async def downgrade(engine: AsyncEngine, revision: str) -> None:
    await run_with_migration_connection(
        engine, lambda _c, cfg, rev: command.downgrade(cfg, rev), revision
    )


async def current(engine: AsyncEngine) -> str | None:
    def read(connection: Connection, _cfg: Config) -> str | None:
        return MigrationContext.configure(connection).get_current_revision()

    result: str | None = await run_with_migration_connection(engine, read)
    return result
