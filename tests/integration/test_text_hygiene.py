"""Characters that would break storage or mislead a reader, from any platform."""

from __future__ import annotations

from datetime import UTC, datetime

import pydantic
import pytest

from bot.chat import ChatService
from bot.conversations import IncomingMessage
from bot.identity import ConversationKey, UserRef
from bot.tools.schemas import AddTaskArgs, UpdateTaskArgs
from storage.sql import SqlStorage
from tests.support.agents import ScriptAgent

KEY = ConversationKey("slack", "T1", "C1", "1.0")
ANN = UserRef("slack", "T1", "U1")


async def test_a_lone_surrogate_is_stored_as_a_replacement_and_answered(
    sqlite_storage: SqlStorage,
) -> None:
    # JSON may carry "\ud800" and platforms pass it on; SQLite and PostgreSQL cannot store it.
    chat = ChatService(storage=sqlite_storage, agent=ScriptAgent())
    reply = await chat.handle(IncomingMessage(key=KEY, author=ANN, text="hi \ud800 there"))
    assert not reply.is_error
    assert reply.text == "echo: hi \ufffd there"
    conversation = await sqlite_storage.conversations.open_conversation(
        key=KEY, now=datetime.now(UTC)
    )
    stored = await sqlite_storage.conversations.recent_messages(
        conversation_id=conversation.id, limit=10, char_budget=10_000
    )
    assert [m.content for m in stored] == ["hi \ufffd there", "echo: hi \ufffd there"]


def test_bidirectional_controls_are_removed_from_tool_arguments() -> None:
    added = AddTaskArgs.model_validate(
        {"title": "pay invoice\u202egnp.exe", "description": "\u2067note\u2069"}
    )
    assert (added.title, added.description) == ("pay invoicegnp.exe", "note")
    assert UpdateTaskArgs.model_validate({"number": 1, "title": "\u202dx"}).title == "x"


def test_a_title_of_only_bidirectional_controls_is_refused() -> None:
    with pytest.raises(pydantic.ValidationError, match="at least 1 character"):
        AddTaskArgs.model_validate({"title": "\u202e\u202c"})
