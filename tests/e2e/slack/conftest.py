"""The Slack adapter running for real: its HTTP server on 127.0.0.1, Bolt's ``AsyncApp``,
``slack_sdk`` clients talking to a local fake Slack, and signed requests like Slack's."""

from __future__ import annotations

import asyncio
import contextlib
import json
import socket
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import aiohttp
import pytest

from adapters.slack import SlackService
from adapters.slack.simulation import payloads
from adapters.slack.simulation.fake_slack import FakeSlack
from bot.chat import ChatService
from bot.config import Settings, SlackSettings
from bot.metrics import PrometheusMetrics
from bot.stores import Storage
from storage.sql import SqlStorage
from tests.e2e.slack.scripted_agent import ScriptedAgent

BOT_TOKEN = "xoxb-test"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Answer:
    status: int
    text: str
    seconds: float

    def json(self) -> Any:
        return json.loads(self.text) if self.text else None


@dataclass
class SlackHarness:
    fake: FakeSlack
    service: SlackService
    session: aiohttp.ClientSession
    base: str
    chat: ChatService
    agent: ScriptedAgent
    storage: Storage

    async def post(
        self,
        body: str,
        *,
        content_type: str,
        headers: dict[str, str] | None = None,
        signed: bool = True,
    ) -> Answer:
        all_headers = {"Content-Type": content_type, **(payloads.sign(body) if signed else {})}
        all_headers.update(headers or {})
        started = time.monotonic()
        async with self.session.post(
            f"{self.base}/slack/events", data=body.encode(), headers=all_headers
        ) as response:
            text = await response.text()
        return Answer(response.status, text, time.monotonic() - started)

    async def event(
        self,
        event: dict[str, Any],
        *,
        event_id: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> Answer:
        body = json.dumps(payloads.event_body(event, event_id=event_id))
        return await self.post(body, content_type="application/json", headers=headers)

    async def command(
        self, text: str, *, response: str = "cmd", user: str = "U1", channel: str = "C1"
    ) -> Answer:
        body = payloads.command_form(
            text, response_url=self.fake.response_url(response), user=user, channel=channel
        )
        return await self.post(body, content_type="application/x-www-form-urlencoded")

    async def interact(self, payload: dict[str, Any]) -> Answer:
        return await self.post(
            payloads.interactive_form(payload), content_type="application/x-www-form-urlencoded"
        )

    async def settle(self) -> None:
        """Wait until every listener started by the requests so far has finished."""
        assert self.service.adapter is not None
        await asyncio.sleep(0.05)
        assert await self.service.adapter.inflight.wait_idle(10)


@pytest.fixture
async def fake_slack() -> AsyncIterator[FakeSlack]:
    fake = FakeSlack()
    await fake.start()
    yield fake
    await fake.stop()


@pytest.fixture
def agent() -> ScriptedAgent:
    return ScriptedAgent()


@pytest.fixture
def storage(sqlite_storage: SqlStorage) -> Storage:
    """A migrated SQLite file: the adapter runs on the real storage."""
    return sqlite_storage


@pytest.fixture
def chat(storage: Storage, agent: ScriptedAgent) -> ChatService:
    return ChatService(storage=storage, agent=agent, metrics=PrometheusMetrics())


def slack_settings(fake: FakeSlack, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "api_url": fake.url,
        "mode": "http",
        "http_host": "127.0.0.1",
        "timeout": 5,
    }
    values.update(overrides)
    return Settings(slack=SlackSettings(**values))


@contextlib.asynccontextmanager
async def running(service: SlackService) -> AsyncIterator[asyncio.Task[None]]:
    task = asyncio.create_task(service.run())
    try:
        yield task
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


async def wait_healthy(session: aiohttp.ClientSession, base: str, task: asyncio.Task[None]) -> None:
    async with asyncio.timeout(10):
        while True:
            if task.done():
                task.result()  # the service stopped: show why
            with contextlib.suppress(aiohttp.ClientConnectionError):
                async with session.get(f"{base}/healthz") as response:
                    if response.status == 200:
                        return
            await asyncio.sleep(0.02)


@contextlib.asynccontextmanager
async def serving(
    fake: FakeSlack, chat: ChatService, agent: ScriptedAgent, storage: Storage
) -> AsyncIterator[SlackHarness]:
    """The Slack adapter in HTTP mode on a free port, healthy, against ``fake``."""
    port = free_port()
    env = {"SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_SIGNING_SECRET": payloads.SIGNING_SECRET}
    service = SlackService(chat, slack_settings(fake), port=port, env=env)
    base = f"http://127.0.0.1:{port}"
    async with aiohttp.ClientSession() as session, running(service) as task:
        await wait_healthy(session, base, task)
        yield SlackHarness(fake, service, session, base, chat, agent, storage)


@pytest.fixture
async def slack(
    fake_slack: FakeSlack, chat: ChatService, agent: ScriptedAgent, storage: Storage
) -> AsyncIterator[SlackHarness]:
    async with serving(fake_slack, chat, agent, storage) as harness:
        yield harness
