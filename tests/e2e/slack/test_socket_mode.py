"""Socket Mode: the same AsyncApp fed over a WebSocket from a local fake Slack."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import pytest

from adapters.slack import SlackService
from adapters.slack.simulation import payloads
from adapters.slack.simulation.fake_slack import TEAM, FakeSlack
from bot.chat import ChatService
from bot.lifecycle import Lifecycle
from tests.e2e.slack.conftest import BOT_TOKEN, running, slack_settings
from tests.e2e.slack.scripted_agent import ScriptedAgent

pytestmark = pytest.mark.e2e


async def test_socket_mode_acks_envelopes_and_answers(
    fake_slack: FakeSlack, chat: ChatService, agent: ScriptedAgent
) -> None:
    env = {"SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_APP_TOKEN": "xapp-test"}
    service = SlackService(chat, slack_settings(fake_slack, mode="socket"), env=env)
    async with running(service):
        await fake_slack.wait_for("apps.connections.open")
        await fake_slack.socket_envelopes.put(
            {
                "envelope_id": "env-1",
                "type": "events_api",
                "accepts_response_payload": False,
                "retry_attempt": 0,
                "retry_reason": "",
                "payload": payloads.event_body(
                    payloads.mention("<@UBOT> add buy milk", ts="950.1")
                ),
            }
        )
        [post] = await fake_slack.wait_for("chat.postMessage")
        assert post.args["thread_ts"] == "950.1" and post.args["text"] == "Added #1 buy milk"

        await fake_slack.socket_envelopes.put(
            {
                "envelope_id": "env-2",
                "type": "slash_commands",
                "accepts_response_payload": True,
                "payload": {
                    "team_id": TEAM,
                    "channel_id": "C1",
                    "user_id": "U1",
                    "command": "/todo",
                    "text": "",
                    "trigger_id": "t",
                    "api_app_id": "A1",
                    "response_url": fake_slack.response_url("sock"),
                },
            }
        )
        [answer] = await fake_slack.wait_for("response:sock")
        assert "*#1* buy milk" in answer.args["text"]
        acks = await fake_slack.wait_for("socket:ack", 2)
        assert {a.args["envelope_id"] for a in acks} == {"env-1", "env-2"}
        assert service.adapter is not None
        assert await service.adapter.inflight.wait_idle(5)
    await asyncio.sleep(0)
    assert agent.turns[0].text == "add buy milk"


async def test_a_stop_disconnects_then_answers_what_was_accepted(
    fake_slack: FakeSlack, chat: ChatService, agent: ScriptedAgent
) -> None:
    agent.gate = asyncio.Event()  # the turn thinks until the test lets it go
    lifecycle = Lifecycle(drain_seconds=60)
    env = {"SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_APP_TOKEN": "xapp-test"}
    settings = slack_settings(fake_slack, mode="socket")
    service = SlackService(chat, settings, env=env, lifecycle=lifecycle)
    task = asyncio.create_task(service.run())
    try:
        await fake_slack.wait_for("apps.connections.open")
        await fake_slack.socket_envelopes.put(
            {
                "envelope_id": "env-1",
                "type": "events_api",
                "accepts_response_payload": False,
                "payload": payloads.event_body(payloads.mention("<@UBOT> slow think", ts="960.1")),
            }
        )
        await fake_slack.wait_for("socket:ack")
        await until(lambda: len(agent.turns) == 1)
        assert await lifecycle.readiness() == {"slack": True}

        lifecycle.stop("test")
        await until(lambda: fake_slack.socket_closed)  # no new events come this way
        assert not task.done()  # still draining
        agent.gate.set()
        await asyncio.wait_for(task, 60)  # returns by itself once the turn has answered
    finally:
        agent.gate.set()
        task.cancel()
    [post] = fake_slack.called("chat.postMessage")
    assert post.args["thread_ts"] == "960.1" and post.args["text"] == "Finally: think"


async def until(condition: Callable[[], bool]) -> None:
    async with asyncio.timeout(30):
        while not condition():  # noqa: ASYNC110  (state of libraries with nothing to await)
            await asyncio.sleep(0.02)
