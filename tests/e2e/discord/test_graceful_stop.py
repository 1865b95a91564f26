"""Stopping the Discord bot while turns run: it leaves the gateway, lets every accepted turn
post its answer, then returns (the process exits 0)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from adapters.discord import serve
from adapters.discord.simulation import payloads as p
from adapters.discord.simulation.fake_discord import FakeDiscord
from bot.chat import ChatService
from bot.lifecycle import Lifecycle
from storage.sql import SqlStorage
from tests.e2e.discord.conftest import settings_for
from tests.support.agents import ScriptAgent

pytestmark = pytest.mark.e2e

TURNS = 5


def mention(text: str) -> dict[str, Any]:
    return p.message(f"<@{p.BOT_ID}> {text}", mentions=(p.BOT_USER,))


async def _count(agent: ScriptAgent) -> int:
    return len(agent.turns)


async def until(probe: Callable[[], Awaitable[object]], wanted: object) -> None:
    """Poll ``probe`` until it gives ``wanted`` (what discord.py does has no event to wait on)."""
    async with asyncio.timeout(30):
        while await probe() != wanted:  # noqa: ASYNC110
            await asyncio.sleep(0.02)


async def test_stop_leaves_the_gateway_and_answers_what_was_accepted(
    fake: FakeDiscord, sqlite_storage: SqlStorage, token: str
) -> None:
    gate = asyncio.Event()
    agent = ScriptAgent(gate=gate)  # every turn waits until the test lets it go
    lifecycle = Lifecycle(drain_seconds=60)
    chat = ChatService(storage=sqlite_storage, agent=agent)
    service = asyncio.create_task(serve(chat, settings_for(fake), lifecycle=lifecycle))
    try:
        await asyncio.wait_for(fake.guild_ready.wait(), 30)
        await until(lambda: lifecycle.readiness(), {"discord": True})
        messages = [mention(f"task {n}") for n in range(TURNS)]
        for message in messages:
            await fake.dispatch("MESSAGE_CREATE", message)
        await until(lambda: _count(agent), TURNS)

        lifecycle.stop("test")
        await fake.wait_for(lambda _: fake.socket_closed, within=30)  # no new messages
        assert await lifecycle.readiness() == {"discord": False}
        assert not service.done()  # still draining
        gate.set()
        await asyncio.wait_for(service, 60)  # returns: no "disconnected" error
    finally:
        gate.set()
        service.cancel()
    for number, message in enumerate(messages):
        # Each answer in the thread started from its message (a thread's id is its message's).
        assert fake.find("POST", rf"/channels/{p.CHANNEL_ID}/messages/{message['id']}/threads")
        replies = fake.find("POST", rf"/channels/{message['id']}/messages")
        assert [r.content for r in replies] == [f"echo: task {number}"]
