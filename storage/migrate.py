"""Schema migrations from inside the program: upgrade, downgrade, current revision.

Alembic is imported only to migrate (it is a third of a start-up otherwise): the revision a
database is at is one query (``schema_revision``), and the newest revision this program
knows is read from the migration files' ``revision`` / ``down_revision`` lines
(``known_head``, checked against Alembic's own answer by the tests).
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import SQLAlchemyError

import migrations
from bot.errors import InvalidInput, StorageError
from storage.sql.engine import create_sql_engine
from storage.sql.session import Database, translate

if TYPE_CHECKING:
    from alembic.config import Config
    from sqlalchemy.ext.asyncio import AsyncEngine

_VERSIONS = Path(migrations.__file__).parent / "versions"
_REVISION = re.compile(r"^revision(?::\s*str)?\s*=\s*[\"']([^\"']+)[\"']", re.MULTILINE)
_DOWN = re.compile(r"^down_revision(?::[^=]*)?=\s*(?:[\"']([^\"']+)[\"']|None)", re.MULTILINE)


@lru_cache(maxsize=1)
def known_head() -> str:
    """The newest migration in ``migrations/versions``: the one no other one revises."""
    revisions: set[str] = set()
    revised: set[str] = set()
    for path in _VERSIONS.glob("*.py"):
        source = path.read_text(encoding="utf-8")
        found = _REVISION.search(source)
        if found is None:
            continue
        revisions.add(found[1])
        down = _DOWN.search(source)
        if down is not None and down[1]:
            revised.add(down[1])
    heads = revisions - revised
    if len(heads) != 1:
        raise StorageError(f"the migrations have {len(heads)} heads: {sorted(heads)}")
    return heads.pop()


async def schema_revision(database: Database) -> str | None:
    """The revision the database is at (None: never migrated), in one query."""

    def read(conn: Connection) -> str | None:
        if conn.dialect.name == "sqlite":
            exists = conn.exec_driver_sql(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version'"
            ).first()
        else:
            exists = conn.exec_driver_sql("SELECT to_regclass('alembic_version')").scalar()
        if not exists:
            return None
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()

    return await database.run(read, write=False)


def alembic_config() -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(Path(migrations.__file__).parent))
    config.set_main_option("file_template", "%%(year)d_%%(month).2d_%%(day).2d_%%(rev)s_%%(slug)s")
    return config


def head_revision() -> str:
    """The head as Alembic computes it (imports Alembic; ``known_head`` does not)."""
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


async def run_with_migration_connection(engine: AsyncEngine, action: Any, *args: Any) -> Any:
    """Run ``action(connection, alembic_config, *args)`` in one transaction, as migrations run.

    On SQLite the connection has foreign keys off: batch migrations rebuild a table (copy,
    drop, rename), and with foreign keys on, the DROP would delete every row that refers to it
    (ON DELETE CASCADE). References are checked before the transaction commits instead.
    """
    from alembic.util import CommandError

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
        if not sqlite:
            # A migration may rewrite a big table: the turn's statement timeout is not for it.
            connection.exec_driver_sql("SET LOCAL statement_timeout = 0")
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
    from alembic import command

    await run_with_migration_connection(
        engine, lambda _c, cfg, rev: command.upgrade(cfg, rev), revision
    )


async def downgrade(engine: AsyncEngine, revision: str) -> None:
    from alembic import command

    await run_with_migration_connection(
        engine, lambda _c, cfg, rev: command.downgrade(cfg, rev), revision
    )


async def current(engine: AsyncEngine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    def read(connection: Connection, _cfg: Config) -> str | None:
        return MigrationContext.configure(connection).get_current_revision()

    result: str | None = await run_with_migration_connection(engine, read)
    return result
