"""The real discord.py bot (through ``adapters.discord.serve``) against the local fake Discord."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import pytest

from adapters.discord import serve
from adapters.discord.simulation.fake_discord import TOKEN, FakeDiscord, running_fake
from bot.chat import ChatService
from bot.config import DiscordSettings, Settings
from storage.sql import SqlStorage
from tests.support.agents import ScriptAgent

pytestmark = pytest.mark.e2e


@dataclass
class Running:
    fake: FakeDiscord
    chat: ChatService
    agent: ScriptAgent
    task: asyncio.Task[None]


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    async with running_fake() as server:
        yield server


@pytest.fixture
def agent() -> ScriptAgent:
    return ScriptAgent()


@pytest.fixture
def chat(sqlite_storage: SqlStorage, agent: ScriptAgent) -> ChatService:
    return ChatService(storage=sqlite_storage, agent=agent)


@pytest.fixture
def token(monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("DISCORD_TOKEN", TOKEN)
    return TOKEN


def settings_for(fake: FakeDiscord, **options: Any) -> Settings:
    options.setdefault("api_url", fake.url)
    options.setdefault("gateway_url", fake.gateway_url)
    return Settings(discord=DiscordSettings(**options))


@contextlib.asynccontextmanager
async def running_bot(
    fake: FakeDiscord, chat: ChatService, **options: Any
) -> AsyncIterator[asyncio.Task[None]]:
    """``serve`` running until the fake has handed it the server; cancelled afterwards."""
    fake.guild_ready.clear()
    task = asyncio.create_task(serve(chat, settings_for(fake, **options)))
    ready = asyncio.create_task(fake.guild_ready.wait())
    try:
        await asyncio.wait({task, ready}, timeout=10, return_when=asyncio.FIRST_COMPLETED)
        if task.done():
            task.result()  # start-up failed: raise it here
        assert ready.done(), "the bot did not connect within 10 s"
        yield task
    finally:
        ready.cancel()
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


@pytest.fixture
async def bot(
    fake: FakeDiscord, chat: ChatService, agent: ScriptAgent, token: str
) -> AsyncIterator[Running]:
    async with running_bot(fake, chat) as task:
        yield Running(fake=fake, chat=chat, agent=agent, task=task)
