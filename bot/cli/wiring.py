"""The composition root: builds storage, agent and ``ChatService`` from settings.

This is the one place where the core meets SQLAlchemy-backed storage and the adapters.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import datetime

from bot.agents.factory import build_agent
from bot.chat import ChatLimits, ChatService, utc_now
from bot.config import Settings
from bot.errors import ConfigError
from bot.metrics import Metrics
from storage import migrate
from storage.sql import SqlStorage, open_sql_storage

log = logging.getLogger(__name__)


@asynccontextmanager
async def opened_storage(
    settings: Settings, *, migrate_sqlite: bool = True
) -> AsyncIterator[SqlStorage]:
    """Storage for the configured database, schema checked (SQLite is upgraded in place)."""
    storage = open_sql_storage(
        settings.database_url(),
        pool_size=settings.database.pool_size,
        connect_timeout=settings.database.connect_timeout,
        echo=settings.database.echo,
        lock_wait_seconds=settings.agent.turn_timeout * 2,
    )
    try:
        if migrate_sqlite:
            await ensure_schema(storage)
        yield storage
    finally:
        await storage.close()


async def ensure_schema(storage: SqlStorage) -> None:
    """Bring an embedded SQLite database up to date; refuse to run on a stale PostgreSQL one.

    An up-to-date database costs one query; Alembic is loaded only to migrate.
    """
    current = await migrate.schema_revision(storage.database)
    head = migrate.known_head()
    if current == head:
        return
    if storage.dialect == "sqlite":
        log.info("upgrading the SQLite schema from %s to %s", current, head)
        await migrate.upgrade(storage.engine)
        return
    raise ConfigError(
        f"The database schema is at {current or 'nothing'}, this program needs {head}: "
        "run `todobot db upgrade` first."
    )


@asynccontextmanager
async def chat_service(
    settings: Settings,
    storage: SqlStorage,
    *,
    clock: Callable[[], datetime] = utc_now,
    metrics: Metrics | None = None,
) -> AsyncIterator[ChatService]:
    """A ``ChatService`` for the duration of a command; its agent is closed afterwards."""
    chat = build_chat(settings, storage, clock=clock, metrics=metrics)
    try:
        yield chat
    finally:
        await chat.aclose()


def build_chat(
    settings: Settings,
    storage: SqlStorage,
    *,
    clock: Callable[[], datetime] = utc_now,
    metrics: Metrics | None = None,
) -> ChatService:
    agent_settings = settings.agent
    return ChatService(
        storage=storage,
        agent=build_agent(agent_settings),
        default_timezone=agent_settings.default_timezone,
        limits=ChatLimits(
            history_messages=agent_settings.history_messages,
            history_chars=agent_settings.history_chars,
            max_message_chars=agent_settings.max_message_chars,
            agent_timeout=agent_settings.turn_timeout,
        ),
        clock=clock,
        remind_at_due_time=settings.reminders.at_due_time,
        metrics=metrics,
    )
