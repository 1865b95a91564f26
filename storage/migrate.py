"""Schema migrations from inside the program: upgrade, downgrade, current revision."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine

import migrations
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


async def _run(engine: AsyncEngine, action: Any, *args: Any) -> Any:
    config = alembic_config()

    def in_sync(connection: Connection) -> Any:
        config.attributes["connection"] = connection
        return action(connection, config, *args)

    try:
        async with engine.begin() as conn:
            return await conn.run_sync(in_sync)
    except SQLAlchemyError as exc:
        raise translate(exc) from exc
    except OSError as exc:
        raise translate(exc) from exc


async def upgrade(engine: AsyncEngine, revision: str = "head") -> None:
    await _run(engine, lambda _c, cfg, rev: command.upgrade(cfg, rev), revision)


async def downgrade(engine: AsyncEngine, revision: str) -> None:
    await _run(engine, lambda _c, cfg, rev: command.downgrade(cfg, rev), revision)


async def current(engine: AsyncEngine) -> str | None:
    def read(connection: Connection, _cfg: Config) -> str | None:
        return MigrationContext.configure(connection).get_current_revision()

    result: str | None = await _run(engine, read)
    return result
