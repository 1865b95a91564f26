"""``todobot run [slack] [discord]`` and ``todobot mcp``: serve the platforms.

Every service of ``run`` is a coroutine that serves until ``lifecycle.stopping`` (SIGTERM or
SIGINT), then stops taking new work, lets what it accepted finish (counted in
``lifecycle.inflight``, at most ``[run] drain_seconds``), cleans up and returns; the process
then exits 0. A service that fails stops the others (a task group) and the process exits
non-zero with one line.

A new service (the reminders scheduler) follows the same shape: take ``lifecycle`` (wait on
``lifecycle.wait_stopping()``, count deliveries in ``lifecycle.inflight.track()``, add a
readiness check if it has something to report) and count in ``metrics``
(``metrics.reminder("due")``, ``"sent"``, ``"late"``), then append it to ``services``.
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Callable, Coroutine
from contextlib import AsyncExitStack
from datetime import datetime, timedelta
from typing import Any

from bot.chat import utc_now
from bot.cli.wiring import chat_service, opened_storage
from bot.cli.workspaces import installation_store, oauth_configured, purge_uninstalled
from bot.config import PrivacySettings, Settings, secret
from bot.errors import ConfigError, StorageError
from bot.health import HealthServer
from bot.identity import ConversationKey, UserRef
from bot.lifecycle import Lifecycle
from bot.metrics import Metrics, PrometheusMetrics
from bot.stores import Storage
from storage.sql import SqlStorage

log = logging.getLogger(__name__)

PLATFORM_SECRETS = {"slack": "SLACK_BOT_TOKEN", "discord": "DISCORD_TOKEN"}
RUNNABLE = (*PLATFORM_SECRETS, "reminders")


def choose_platforms(requested: list[str]) -> list[str]:
    """The platforms named, or (none named) those whose token is in the environment."""
    unknown = [name for name in requested if name not in RUNNABLE]
    if unknown:
        raise ConfigError(f"Cannot run {unknown[0]!r}: choose from {', '.join(RUNNABLE)}.")
    if requested:
        return [p for p in dict.fromkeys(requested) if p != "reminders"]
    configured = [name for name, var in PLATFORM_SECRETS.items() if os.environ.get(var)]
    if oauth_configured() and "slack" not in configured:
        configured.insert(0, "slack")  # many workspaces: no bot token, an install flow
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
    lifecycle = Lifecycle(drain_seconds=settings.run.drain_seconds)
    metrics = PrometheusMetrics()
    with lifecycle.signals_handled():
        async with (
            AsyncExitStack() as stack,
            opened_storage(settings) as storage,
            chat_service(settings, storage, metrics=metrics) as chat,
        ):
            watch_storage(lifecycle, metrics, storage)
            installations = installation_store(storage)
            services: list[Coroutine[Any, Any, None]] = []
            if with_reminders:
                from bot.cli.reminders import platform_notifiers, serve_reminders

                notifiers = await platform_notifiers(
                    settings, stack, only=chosen or None, installations=installations
                )
                services.append(serve_reminders(settings, storage, notifiers, lifecycle=lifecycle))
            if "slack" in chosen:
                from adapters.slack import serve as serve_slack

                services.append(
                    serve_slack(
                        chat,
                        settings,
                        http=http,
                        port=port,
                        lifecycle=lifecycle,
                        installations=installations,
                    )
                )
            if "discord" in chosen:
                from adapters.discord import serve as serve_discord

                services.append(serve_discord(chat, settings, lifecycle=lifecycle))
            services.append(prune_events(storage, lifecycle, settings.privacy))
            health = await start_health(settings, lifecycle, metrics)
            log.info("serving %s", ", ".join(chosen + (["reminders"] if with_reminders else [])))
            try:
                await run_services(services, lifecycle)
            finally:
                if health is not None:
                    await health.close()
    return 0


async def run_services(services: list[Coroutine[Any, Any, None]], lifecycle: Lifecycle) -> None:
    """Run the services together until they have all returned (after a stop and a drain).

    A task group: when one fails (say Discord refuses the token), the others are cancelled
    and awaited before storage closes, instead of running on alone.
    """
    try:
        async with asyncio.TaskGroup() as group:
            for service in services:
                group.create_task(service)
    except BaseExceptionGroup as failures:
        lifecycle.stop("a service failed")
        raise first_error(failures) from None


async def start_health(
    settings: Settings, lifecycle: Lifecycle, metrics: Metrics
) -> HealthServer | None:
    """The probe endpoints on ``[run] health_port``, when it is set."""
    if settings.run.health_port is None:
        return None
    server = HealthServer(
        lifecycle, metrics, host=settings.run.health_host, port=settings.run.health_port
    )
    await server.start()
    return server


# A conversation key no platform uses: reading it touches the database and finds nothing.
_PROBE_KEY = ConversationKey("probe", "", "", "")


def watch_storage(lifecycle: Lifecycle, metrics: Metrics, storage: Storage) -> None:
    """Readiness asks the database a question; metrics read the connection pool."""

    async def database_answers() -> bool:
        await storage.conversations.find_conversation(key=_PROBE_KEY)
        return True

    lifecycle.add_readiness_check("database", database_answers)
    pool = getattr(getattr(storage, "engine", None), "pool", None)
    if pool is not None and hasattr(pool, "checkedout") and hasattr(pool, "size"):
        metrics.watch_pool(in_use=pool.checkedout, size=pool.size)


def check_secrets(settings: Settings, chosen: list[str], *, http: bool | None) -> None:
    """Every secret the chosen platforms need, checked before anything is opened."""
    if "slack" in chosen:
        from adapters.slack import SlackCredentials

        SlackCredentials.from_env(http=settings.slack.mode == "http" if http is None else http)
        if oauth_configured():
            from storage.sql.token_cipher import TokenCipher

            TokenCipher.from_env()  # a malformed key fails here, before anything is opened
    if "discord" in chosen:
        secret("DISCORD_TOKEN")


def first_error(group: BaseExceptionGroup[BaseException]) -> BaseException:
    """The first real error in a (possibly nested) exception group."""
    error = group.exceptions[0]
    return first_error(error) if isinstance(error, BaseExceptionGroup) else error


EVENT_RETENTION = timedelta(days=2)
PRUNE_EVERY_SECONDS = 3600.0


async def prune_events(
    storage: Storage,
    lifecycle: Lifecycle,
    privacy: PrivacySettings | None = None,
    *,
    clock: Callable[[], datetime] = utc_now,
) -> None:
    """Until the process stops, hourly: keep the dedup table small (platforms redeliver
    within minutes, not days), delete conversation history past ``[privacy]
    message_retention_days`` (never tasks), and the data of Slack workspaces uninstalled more
    than ``uninstall_grace_days`` ago."""
    privacy = privacy or PrivacySettings(message_retention_days=0)
    while not lifecycle.stopping:
        await prune_once(storage, privacy, now=clock())
        try:
            await asyncio.wait_for(lifecycle.wait_stopping(), PRUNE_EVERY_SECONDS)
        except TimeoutError:
            continue


async def prune_once(storage: Storage, privacy: PrivacySettings, *, now: datetime) -> None:
    """One round of ``prune_events``; a database failure is logged and tried next hour."""
    retention = privacy.message_retention_days
    try:
        removed = await storage.events.prune_events(older_than=now - EVENT_RETENTION)
        log.info("pruned %d old event ids", removed)
        if retention and storage.teams is not None:
            pruned = await storage.teams.prune_messages(older_than=now - timedelta(days=retention))
            log.info("pruned %d messages older than %d days", pruned, retention)
        if isinstance(storage, SqlStorage):
            await purge_uninstalled(storage, now=now, grace_days=privacy.uninstall_grace_days)
    except StorageError:
        log.warning("could not prune old event ids or messages; will try again", exc_info=True)


async def run_mcp(settings: Settings, *, user: str) -> int:
    from adapters.mcp import serve_stdio

    ref = UserRef.parse(user)
    async with opened_storage(settings) as storage:
        await serve_stdio(
            storage=storage, user=ref, default_timezone=settings.agent.default_timezone
        )
    return 0
