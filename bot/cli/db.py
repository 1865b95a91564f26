"""``todobot db upgrade | downgrade REV | current``."""

from __future__ import annotations

from bot.cli.wiring import opened_storage
from bot.config import Settings
from storage import migrate


async def run_db(settings: Settings, action: str, revision: str | None) -> str:
    async with opened_storage(settings, migrate_sqlite=False) as storage:
        if action == "upgrade":
            await migrate.upgrade(storage.engine, revision or "head")
        elif action == "downgrade":
            assert revision is not None
            await migrate.downgrade(storage.engine, revision)
        current = await migrate.current(storage.engine)
        head = migrate.head_revision()
        marker = " (head)" if current == head else f" (head is {head})"
        return f"{current or 'base'}{marker}\ndatabase: {storage.engine.url!r}"
