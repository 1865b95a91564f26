"""The hybrid backend as the CLI builds it: real rules agent, real client, fake model server."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import pytest

from bot import texts
from bot.agents.factory import build_agent
from bot.agents.hybrid import HybridAgent
from bot.config import AgentSettings
from bot.tasks import TaskQuery
from tests.e2e.openai.conftest import NOW, chat_service, message
from tests.e2e.openai.fake_server import FakeChatServer, Status, completion, tool_call

pytestmark = pytest.mark.e2e

VAGUE = "the dentist thing is sorted, and push the car one to next week"


@pytest.fixture
async def hybrid(fake_model: FakeChatServer) -> AsyncIterator[HybridAgent]:
    settings = AgentSettings(
        backend="hybrid", base_url=fake_model.base_url, model="fake-model", max_retries=0
    )
    agent = build_agent(settings, env={})
    assert isinstance(agent, HybridAgent)
    yield agent
    await agent.aclose()


async def _tasks(storage: Any, user_id: int) -> list[tuple[int, str, bool, str | None]]:
    tasks = await storage.tasks.list_tasks(
        user_id=user_id, query=TaskQuery(status="all"), now=NOW, tz=NOW.tzinfo
    )
    return sorted(
        (t.number, t.title, t.completed, t.due.export(NOW.tzinfo) if t.due else None) for t in tasks
    )


async def test_confident_messages_cost_no_model_call_and_the_rest_go_to_the_model(
    fake_model, hybrid, storage
) -> None:
    chat = chat_service(storage, hybrid)
    first = await chat.handle(message("add book dentist appointment"))
    second = await chat.handle(message("add take the car for its service"))
    assert first.tool_calls[0].name == second.tool_calls[0].name == "add_task"
    assert fake_model.requests == []

    fake_model.play(
        completion(
            None,
            [
                tool_call("complete_task", {"query": "dentist"}, "call_d"),
                tool_call("update_task", {"query": "car", "due": "2026-11-25"}, "call_c"),
            ],
            usage=(300, 40),
        ),
        completion("Done: #1 “book dentist appointment”; #2 is now due Wed 25 Nov."),
    )
    reply = await chat.handle(message(VAGUE))

    assert reply.text.startswith("Done: #1")
    assert len(fake_model.requests) == 2
    assert await _tasks(storage, reply.user_id) == [
        (1, "book dentist appointment", True, None),
        (2, "take the car for its service", False, "2026-11-25"),
    ]
    # The model sees the turns the rules agent answered, labelled, with what their tools did.
    sent = fake_model.bodies[0]["messages"]
    assert sent[1] == {"role": "user", "content": "[Alice] add book dentist appointment"}
    assert sent[2]["role"] == "assistant"
    assert "[tools used: add_task ok #1 “book dentist appointment”]" in sent[2]["content"]
    assert sent[-1] == {"role": "user", "content": f"[Alice] {VAGUE}"}
    answered = [m["tool_call_id"] for m in fake_model.bodies[1]["messages"] if m["role"] == "tool"]
    assert answered == ["call_d", "call_c"]
    assert all(
        json.loads(m["content"])["ok"]
        for m in fake_model.bodies[1]["messages"]
        if m["role"] == "tool"
    )


async def test_when_the_model_is_down_the_rules_agent_answers_in_offline_mode(
    fake_model, hybrid, storage
) -> None:
    fake_model.play(Status(503, {"x-should-retry": "false"}, "down"))
    reply = await chat_service(storage, hybrid).handle(message(VAGUE))
    assert len(fake_model.requests) == 1
    assert reply.text.endswith(texts.offline_notice())
    assert not reply.is_error
