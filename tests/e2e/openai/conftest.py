from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime
from typing import Any

import pytest

from bot.agent import AgentReply, AgentTurn, Tools
from bot.agents.openai_chat import OpenAIAgent
from bot.agents.rules import RulesAgent
from bot.chat import ChatLimits, ChatService
from bot.config import AgentSettings
from bot.conversations import IncomingMessage
from bot.identity import ConversationKey, UserRef
from storage.sql import SqlStorage
from tests.e2e.openai.fake_server import FakeChatServer

NOW = datetime(2026, 11, 18, 9, 0, tzinfo=UTC)
ALICE = UserRef("slack", "T1", "U_ALICE")
BOB = UserRef("slack", "T1", "U_BOB")
THREAD = ConversationKey("slack", "T1", "C1", "1700000000.000100")


class RecordingOffline:
    """The real offline rules agent, recording the turns it is asked to answer."""

    name = "rules"

    def __init__(self) -> None:
        self.rules = RulesAgent()
        self.turns: list[AgentTurn] = []

    async def confident(self, turn: AgentTurn) -> bool:
        return await self.rules.confident(turn)

    async def respond(self, turn: AgentTurn, tools: Tools) -> AgentReply:
        self.turns.append(turn)
        return await self.rules.respond(turn, tools)


@pytest.fixture
async def fake_model() -> AsyncIterator[FakeChatServer]:
    server = FakeChatServer()
    await server.start()
    yield server
    await server.close()


@pytest.fixture
def storage(sqlite_storage: SqlStorage) -> SqlStorage:
    """The real SQL storage on a migrated SQLite file (from tests/conftest.py)."""
    return sqlite_storage


@pytest.fixture
def offline() -> RecordingOffline:
    return RecordingOffline()


@pytest.fixture
async def make_agent(
    fake_model: FakeChatServer, offline: RecordingOffline
) -> AsyncIterator[Callable[..., OpenAIAgent]]:
    agents: list[OpenAIAgent] = []

    def build(
        *, api_key: str | None = None, base_url: str | None = None, **settings: Any
    ) -> OpenAIAgent:
        values: dict[str, Any] = {"model": "fake-model", "timeout": 5.0, "max_retries": 0}
        values.update(settings)
        agent = OpenAIAgent(
            settings=AgentSettings(**values),
            fallback=offline,
            api_key=api_key,
            base_url=base_url or fake_model.base_url,
        )
        agents.append(agent)
        return agent

    yield build
    for agent in agents:
        await agent.aclose()


def chat_service(storage: Any, agent: Any) -> ChatService:
    return ChatService(
        storage=storage, agent=agent, limits=ChatLimits(agent_timeout=30.0), clock=lambda: NOW
    )


def message(text: str, author: UserRef = ALICE, name: str = "Alice") -> IncomingMessage:
    return IncomingMessage(key=THREAD, author=author, text=text, display_name=name, timezone="UTC")
