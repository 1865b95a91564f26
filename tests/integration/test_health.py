"""``/healthz``, ``/readyz`` and ``/metrics`` of a serving process, over real HTTP and a real
database (what ``todobot run`` wires: ``watch_storage`` and a ``HealthServer``)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
import pytest

from bot.chat import ChatService
from bot.cli.run import watch_storage
from bot.conversations import IncomingMessage
from bot.health import HealthServer
from bot.identity import ConversationKey, UserRef
from bot.lifecycle import Lifecycle
from bot.metrics import Metrics, PrometheusMetrics
from storage.sql import SqlStorage
from tests.conftest import _admin, _postgres_server, fresh_postgres_database, migrated_storage
from tests.support.agents import ScriptAgent

KEY = ConversationKey("discord", "", "D1", "D1")
ANN = UserRef("discord", "", "1")


@pytest.fixture
async def served(storage: SqlStorage) -> AsyncIterator[tuple[str, Lifecycle, Metrics]]:
    lifecycle, metrics = Lifecycle(drain_seconds=1), PrometheusMetrics()
    watch_storage(lifecycle, metrics, storage)
    server = HealthServer(lifecycle, metrics, host="127.0.0.1", port=0)
    await server.start()
    try:
        yield f"http://127.0.0.1:{server.port}", lifecycle, metrics
    finally:
        await server.close()


async def get(url: str) -> tuple[int, str]:
    async with aiohttp.ClientSession() as session, session.get(url) as response:
        return response.status, await response.text()


async def test_alive_and_ready_then_unready_while_stopping(
    served: tuple[str, Lifecycle, Metrics],
) -> None:
    base, lifecycle, _ = served
    assert await get(f"{base}/healthz") == (200, '{"ok": true}')
    status, body = await get(f"{base}/readyz")
    assert status == 200 and '"database": true' in body
    lifecycle.stop("test")
    status, body = await get(f"{base}/readyz")
    assert status == 503 and '"stopping": true' in body
    assert (await get(f"{base}/healthz"))[0] == 200  # alive while it drains


async def test_metrics_count_turns_by_platform_and_outcome(
    served: tuple[str, Lifecycle, Metrics], storage: SqlStorage
) -> None:
    base, _, metrics = served
    chat = ChatService(storage=storage, agent=ScriptAgent(), metrics=metrics)
    for event in ("E1", "E1", "E2"):  # one redelivery
        text = "hello" if event == "E1" else '{"raise": true}'
        await chat.handle(IncomingMessage(key=KEY, author=ANN, text=text, event_id=event))
    metrics.reminder("due", 2)
    metrics.reminder("sent")
    status, body = await get(f"{base}/metrics")
    assert status == 200
    lines = body.splitlines()
    assert 'todobot_turns_total{outcome="answered",platform="discord"} 1.0' in lines
    assert 'todobot_turns_total{outcome="duplicate",platform="discord"} 1.0' in lines
    assert 'todobot_turns_total{outcome="failed",platform="discord"} 1.0' in lines
    assert 'todobot_deduped_events_total{platform="discord"} 1.0' in lines
    assert 'todobot_errors_total{kind="agent_RuntimeError"} 1.0' in lines
    assert 'todobot_turn_seconds_count{outcome="answered",platform="discord"} 1.0' in lines
    assert any(line.startswith('todobot_db_pool_connections{state="size"}') for line in lines)
    assert "todobot_reminders_due_total 2.0" in lines
    assert "todobot_reminders_sent_total 1.0" in lines
    assert "todobot_reminders_late_total 0.0" in lines
    assert "hello" not in body


@pytest.mark.postgres
async def test_readyz_turns_unready_when_the_database_goes_away() -> None:
    async with fresh_postgres_database() as url, migrated_storage(url) as storage:
        lifecycle, metrics = Lifecycle(), PrometheusMetrics()
        watch_storage(lifecycle, metrics, storage)
        server = HealthServer(lifecycle, metrics, host="127.0.0.1", port=0)
        await server.start()
        base = f"http://127.0.0.1:{server.port}"
        try:
            assert (await get(f"{base}/readyz"))[0] == 200
            name = url.rpartition("/")[2]
            await _admin(_postgres_server(), f'DROP DATABASE "{name}" WITH (FORCE)')
            status, body = await get(f"{base}/readyz")
            assert status == 503 and '"database": false' in body
            assert (await get(f"{base}/healthz"))[0] == 200
        finally:
            await server.close()
