"""``todobot run [slack] [discord]`` and ``todobot mcp``: serve the platforms."""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Coroutine
from contextlib import AsyncExitStack
from datetime import timedelta
from typing import Any

from bot.chat import utc_now
from bot.cli.wiring import chat_service, opened_storage
from bot.config import Settings, secret
from bot.errors import ConfigError, StorageError
from bot.identity import UserRef
from bot.stores import Storage

log = logging.getLogger(__name__)

PLATFORM_SECRETS = {"slack": "SLACK_BOT_TOKEN", "discord": "DISCORD_TOKEN"}


def choose_platforms(requested: list[str]) -> list[str]:
    if requested:
        return [p for p in dict.fromkeys(requested) if p != "reminders"]
    configured = [name for name, var in PLATFORM_SECRETS.items() if os.environ.get(var)]
    if not configured:
        raise ConfigError(
            "Nothing to run: name a platform (todobot run slack) or set SLACK_BOT_TOKEN / "
            "DISCORD_TOKEN."
        )
    return configured


async def run_platforms(
    settings: Settings, platforms: list[str], *, http: bool | None, port: int | None
) -> int:
    reminders_alone = platforms == ["reminders"]
    chosen = [] if reminders_alone else choose_platforms(platforms)
    check_secrets(settings, chosen, http=http)
    with_reminders = "reminders" in platforms or settings.reminders.enabled
    async with (
        AsyncExitStack() as stack,
        opened_storage(settings) as storage,
        chat_service(settings, storage) as chat,
    ):
        services: list[Coroutine[Any, Any, None]] = []
        if with_reminders:
            from bot.cli.reminders import platform_notifiers, serve_reminders

            notifiers = await platform_notifiers(settings, stack, only=chosen or None)
            services.append(serve_reminders(settings, storage, notifiers))
        if "slack" in chosen:
            from adapters.slack import serve as serve_slack

            services.append(serve_slack(chat, settings, http=http, port=port))
        if "discord" in chosen:
            from adapters.discord import serve as serve_discord

            services.append(serve_discord(chat, settings))
        log.info("serving %s", ", ".join(chosen + (["reminders"] if with_reminders else [])))
        services.append(prune_events_forever(storage, settings.privacy.message_retention_days))
        # A task group: when one service stops (say Discord refuses the token), the others are
        # cancelled and awaited before storage closes, instead of running on alone.
        try:
            async with asyncio.TaskGroup() as group:
                for service in services:
                    group.create_task(service)
        except BaseExceptionGroup as failures:
            raise first_error(failures) from None
    return 0


def check_secrets(settings: Settings, chosen: list[str], *, http: bool | None) -> None:
    """Every secret the chosen platforms need, checked before anything is opened."""
    if "slack" in chosen:
        from adapters.slack import SlackCredentials

        SlackCredentials.from_env(http=settings.slack.mode == "http" if http is None else http)
    if "discord" in chosen:
        secret("DISCORD_TOKEN")


def first_error(group: BaseExceptionGroup[BaseException]) -> BaseException:
    """The first real error in a (possibly nested) exception group."""
    error = group.exceptions[0]
    return first_error(error) if isinstance(error, BaseExceptionGroup) else error


EVENT_RETENTION = timedelta(days=2)
PRUNE_EVERY_SECONDS = 3600.0


async def prune_events_forever(storage: Storage, message_retention_days: int = 0) -> None:
    """Keep the dedup table small: platforms redeliver within minutes, not days; and delete
    conversation history past ``[privacy] message_retention_days`` (never tasks)."""
    while True:
        try:
            removed = await storage.events.prune_events(older_than=utc_now() - EVENT_RETENTION)
            log.info("pruned %d old event ids", removed)
            if message_retention_days and storage.teams is not None:
                cutoff = utc_now() - timedelta(days=message_retention_days)
                pruned = await storage.teams.prune_messages(older_than=cutoff)
                log.info("pruned %d messages older than %d days", pruned, message_retention_days)
        except StorageError:
            log.warning("could not prune old event ids or messages; will try again", exc_info=True)
        await asyncio.sleep(PRUNE_EVERY_SECONDS)


async def run_mcp(settings: Settings, *, user: str) -> int:
    from adapters.mcp import serve_stdio

    ref = UserRef.parse(user)
    async with opened_storage(settings) as storage:
        await serve_stdio(
            storage=storage, user=ref, default_timezone=settings.agent.default_timezone
        )
    return 0
