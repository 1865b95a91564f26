"""Starting up: secrets checked before connecting, ``serve`` from the environment, health."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping

import aiohttp
import pytest

from adapters.slack import SlackService, serve
from adapters.slack.simulation import payloads
from adapters.slack.simulation.fake_slack import FakeSlack
from bot.chat import ChatService
from bot.config import Settings, SlackSettings
from bot.errors import ConfigError, PlatformError
from tests.e2e.slack.conftest import BOT_TOKEN, free_port, running, slack_settings, wait_healthy

pytestmark = pytest.mark.e2e

FULL_ENV = {
    "SLACK_BOT_TOKEN": BOT_TOKEN,
    "SLACK_APP_TOKEN": "xapp-test",
    "SLACK_SIGNING_SECRET": payloads.SIGNING_SECRET,
}


def without(name: str) -> Mapping[str, str]:
    return {k: v for k, v in FULL_ENV.items() if k != name}


@pytest.mark.parametrize(
    ("http", "missing"),
    [
        (True, "SLACK_BOT_TOKEN"),
        (True, "SLACK_SIGNING_SECRET"),
        (False, "SLACK_BOT_TOKEN"),
        (False, "SLACK_APP_TOKEN"),
    ],
)
async def test_a_missing_secret_is_one_line_naming_it_before_connecting(
    fake_slack: FakeSlack, chat: ChatService, http: bool, missing: str
) -> None:
    service = SlackService(chat, slack_settings(fake_slack), http=http, env=without(missing))
    with pytest.raises(ConfigError) as raised:
        await service.run()

    assert str(raised.value).startswith(f"{missing} is not set")
    assert "\n" not in str(raised.value)
    assert fake_slack.calls == []


async def test_a_rejected_token_is_a_config_error(fake_slack: FakeSlack, chat: ChatService) -> None:
    env = dict(FULL_ENV, SLACK_BOT_TOKEN="xoxb-revoked")
    service = SlackService(chat, slack_settings(fake_slack), http=True, env=env)
    with pytest.raises(ConfigError, match="Slack rejected SLACK_BOT_TOKEN") as raised:
        await service.run()
    assert "xoxb-revoked" not in str(raised.value)  # secrets never reach a message


async def test_serve_reads_the_environment_and_answers_health_checks(
    fake_slack: FakeSlack, chat: ChatService, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in FULL_ENV.items():
        monkeypatch.setenv(name, value)
    port = free_port()
    settings = slack_settings(fake_slack, http_port=port, mode="socket")
    task = asyncio.create_task(serve(chat, settings, http=True))
    try:
        async with aiohttp.ClientSession() as session:
            await wait_healthy(session, f"http://127.0.0.1:{port}", task)
            async with session.get(f"http://127.0.0.1:{port}/healthz") as response:
                assert await response.json() == {"ok": True}
            async with session.get(f"http://127.0.0.1:{port}/slack/events") as response:
                assert response.status == 405
    finally:
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
    assert [c.method for c in fake_slack.calls] == ["auth.test"]


async def test_running_service_stops_cleanly_when_cancelled(
    fake_slack: FakeSlack, chat: ChatService
) -> None:
    port = free_port()
    service = SlackService(chat, slack_settings(fake_slack), port=port, env=FULL_ENV)
    async with aiohttp.ClientSession() as session, running(service) as task:
        await wait_healthy(session, f"http://127.0.0.1:{port}", task)
    assert task.cancelled()
    with pytest.raises(aiohttp.ClientConnectionError):
        async with aiohttp.ClientSession() as session:
            await session.get(f"http://127.0.0.1:{port}/healthz")


async def test_unreachable_slack_is_a_platform_error_naming_the_url(chat: ChatService) -> None:
    closed = f"http://127.0.0.1:{free_port()}/api/"
    settings = Settings(slack=SlackSettings(api_url=closed, mode="http", timeout=2))
    service = SlackService(chat, settings, http=True, env=FULL_ENV)
    with pytest.raises(PlatformError, match="Cannot reach the Slack Web API at") as raised:
        await service.run()
    assert closed in str(raised.value)
