"""Alembic environment: migrations run through ``run_sync`` on an async engine.

``storage.migrate`` hands over an open connection (``config.attributes["connection"]``); the
``alembic`` command line instead builds an engine from ``sqlalchemy.url`` / ``DATABASE_URL``.
Batch mode is on so SQLite can ALTER tables.
"""

from __future__ import annotations

import asyncio
import os
from typing import Any

from alembic import context
from sqlalchemy.engine import Connection

from storage.sql.engine import create_sql_engine
from storage.sql.models import metadata
from storage.sql.types import UTCDateTime

config = context.config
target_metadata = metadata


def _render_item(type_: str, obj: Any, autogen_context: Any) -> str | bool:
    # Migrations stay independent of application code: the UTC wrapper is a plain
    # timezone-aware DateTime in the schema.
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def _configure(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,
        compare_type=True,
        render_item=_render_item,
    )
    with context.begin_transaction():
        context.run_migrations()


async def _run_with_new_engine(url: str) -> None:
    engine = create_sql_engine(url)
    try:
        async with engine.begin() as conn:
            await conn.run_sync(_configure)
    finally:
        await engine.dispose()


def run() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _configure(connection)
        return
    url = os.environ.get("DATABASE_URL") or config.get_main_option("sqlalchemy.url")
    if not url:
        raise SystemExit("Set DATABASE_URL (or sqlalchemy.url) to run alembic directly.")
    asyncio.run(_run_with_new_engine(url))


if context.is_offline_mode():
    raise SystemExit("Offline (SQL script) migrations are not supported; use `todobot db`.")
run()
