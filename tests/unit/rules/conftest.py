"""A ChatService with the rules agent over the in-memory reference store, on a fixed clock."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest

from bot.agents.rules import RulesAgent
from bot.chat import ChatService
from bot.conversations import IncomingMessage, Reply
from bot.dates import parse_due, zone
from bot.identity import ConversationKey, UserRef
from bot.tasks import Priority, Task, TaskDraft, TaskQuery
from storage.memory import MemoryStorage

NOW = datetime(2026, 11, 18, 9, 0, tzinfo=UTC)  # a Wednesday


@dataclass
class Chat:
    """One person talking to the rules agent in one thread."""

    service: ChatService
    storage: MemoryStorage
    author: UserRef
    key: ConversationKey
    timezone: str = "UTC"

    async def say(self, text: str) -> Reply:
        return await self.service.handle(
            IncomingMessage(key=self.key, author=self.author, text=text, timezone=self.timezone)
        )

    async def user_id(self) -> int:
        user = await self.storage.users.resolve_user(
            ref=self.author, display_name=None, timezone=self.timezone
        )
        return user.id

    async def given(self, *tasks: dict[str, Any]) -> None:
        """Tasks that exist before the conversation, numbered 1, 2, … in order."""
        user_id = await self.user_id()
        tz = zone(self.timezone)
        for spec in tasks:
            due = parse_due(spec["due"], now=NOW, tz=tz) if spec.get("due") else None
            draft = TaskDraft(
                title=spec["title"],
                description=spec.get("description", ""),
                priority=Priority(spec.get("priority", "medium")),
                due=due,
            )
            await self.storage.tasks.add_task(
                user_id=user_id,
                draft=draft,
                now=NOW,
                completed_at=NOW if spec.get("completed") else None,
            )

    async def tasks(self) -> list[Task]:
        return await self.storage.tasks.list_tasks(
            user_id=await self.user_id(),
            query=TaskQuery(status="all"),
            now=NOW,
            tz=zone(self.timezone),
            limit=1000,
        )

    async def task(self, number: int) -> Task | None:
        return next((t for t in await self.tasks() if t.number == number), None)

    async def due(self, number: int) -> str:
        """Task ``number``'s due moment as ISO text ("" when it has none)."""
        task = await self.task(number)
        assert task is not None
        return task.due.at.isoformat() if task.due is not None else ""

    async def titles(self) -> Sequence[str]:
        return [t.title for t in sorted(await self.tasks(), key=lambda t: t.number)]


def read(text: str) -> object:
    """What ``understand`` makes of ``text`` on the fixed clock (naive: the person's time)."""
    from bot.agents.rules.understand import understand

    return understand(text, now=NOW.replace(tzinfo=None))


def titles(intent: object) -> list[str]:
    """The titles of the new tasks ``intent`` adds (it must be an add)."""
    from bot.agents.rules.intents import AddTasks

    assert isinstance(intent, AddTasks), intent
    return [t.title for t in intent.tasks]


@pytest.fixture
def storage() -> MemoryStorage:
    return MemoryStorage()


@pytest.fixture
def service(storage: MemoryStorage) -> ChatService:
    return ChatService(storage=storage, agent=RulesAgent(), clock=lambda: NOW)


@pytest.fixture
def chat(service: ChatService, storage: MemoryStorage) -> Chat:
    return Chat(
        service,
        storage,
        UserRef("console", "local", "ann"),
        ConversationKey("console", "local", "term", "ann"),
    )


@pytest.fixture
def other(service: ChatService, storage: MemoryStorage) -> Chat:
    """Someone else in the same thread."""
    return Chat(
        service,
        storage,
        UserRef("console", "local", "bob"),
        ConversationKey("console", "local", "term", "ann"),
    )
