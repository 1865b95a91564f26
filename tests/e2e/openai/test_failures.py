"""A slow, rate-limited, failing or absent model: bounded waits and an honest offline answer."""

from __future__ import annotations

import asyncio
import logging
import socket
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot import texts
from bot.agent import AgentTurn
from bot.tasks import TaskQuery
from bot.tools import TaskToolbox
from tests.e2e.openai.conftest import ALICE, NOW, chat_service, message
from tests.e2e.openai.fake_server import Hang, Status, completion, tool_call

pytestmark = pytest.mark.e2e


async def _toolbox(storage: Any) -> TaskToolbox:
    user = await storage.users.resolve_user(ref=ALICE, display_name="Alice", timezone="UTC")
    return TaskToolbox(tasks=storage.tasks, users=storage.users, user=user, now=NOW)


def _turn(toolbox: TaskToolbox, text: str) -> AgentTurn:
    return AgentTurn(user=toolbox.user, text=text, history=[], now=NOW, tz=ZoneInfo("UTC"))


async def _titles(storage: Any, toolbox: TaskToolbox) -> list[str]:
    tasks = await storage.tasks.list_tasks(
        user_id=toolbox.user.id, query=TaskQuery(status="all"), now=NOW, tz=ZoneInfo("UTC")
    )
    return [t.title for t in tasks]


async def test_429_with_retry_after_is_waited_out_then_succeeds(
    fake_model, make_agent, storage
) -> None:
    fake_model.play(
        Status(429, {"Retry-After": "1"}, "Rate limit reached"),
        completion("You have no tasks yet."),
    )
    toolbox = await _toolbox(storage)
    reply = await make_agent(max_retries=2).respond(_turn(toolbox, "anything on my list?"), toolbox)

    assert reply.text == "You have no tasks yet."
    assert reply.offline is False
    first, second = fake_model.requests
    # The SDK honoured Retry-After (its own backoff would wait at most 0.5 s here).
    assert second.at - first.at >= 0.95
    assert second.headers["x-stainless-retry-count"] == "1"


async def test_timeout_falls_back_to_the_offline_agent(
    fake_model, make_agent, storage, offline
) -> None:
    # The model would answer after an hour: the reply coming at all shows the timeouts held.
    fake_model.play(Hang(3600), Hang(3600))
    toolbox = await _toolbox(storage)
    reply = await asyncio.wait_for(
        make_agent(timeout=0.2, max_retries=1).respond(
            _turn(toolbox, "add call the plumber"), toolbox
        ),
        120,
    )

    assert len(fake_model.requests) == 2  # the first try and one retry, both timed out
    assert reply.offline is True
    assert reply.text.startswith("Added #1 “call the plumber”")
    assert reply.text.endswith(f"\n\n{texts.offline_notice()}")
    assert [t.text for t in offline.turns] == ["add call the plumber"]
    assert await _titles(storage, toolbox) == ["call the plumber"]


async def test_turn_budget_bounds_a_model_that_never_answers(
    fake_model, make_agent, storage, offline
) -> None:
    # Each request is within its own timeout, but retries would outlast the turn: the agent's
    # share of the turn ends it and still leaves time to answer offline.
    fake_model.play(*[Hang(3600)] * 3)
    toolbox = await _toolbox(storage)
    reply = await asyncio.wait_for(
        make_agent(timeout=2.0, max_retries=2, turn_timeout=1.0).respond(
            _turn(toolbox, "what's up?"), toolbox
        ),
        120,
    )
    # The agent's share of the turn (0.8 s) ended inside the first request's 2 s timeout,
    # so no retry was started.
    assert len(fake_model.requests) == 1
    assert reply.offline is True
    assert reply.text.endswith(texts.offline_notice())


async def test_unreachable_model_falls_back(make_agent, storage, offline) -> None:
    with socket.socket() as sock:  # a port nobody listens on once this closes
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    toolbox = await _toolbox(storage)
    agent = make_agent(base_url=f"http://127.0.0.1:{port}/v1")
    reply = await agent.respond(_turn(toolbox, "add renew domain"), toolbox)
    assert reply.offline is True
    assert reply.text.startswith("Added #1 “renew domain”")
    assert await _titles(storage, toolbox) == ["renew domain"]


async def test_model_that_keeps_failing_falls_back_after_its_retries(
    fake_model, make_agent, storage, offline
) -> None:
    fake_model.play(*[Status(503, {"retry-after-ms": "10"}, "overloaded")] * 3)
    toolbox = await _toolbox(storage)
    reply = await make_agent(max_retries=2).respond(_turn(toolbox, "hello"), toolbox)
    assert len(fake_model.requests) == 3
    assert reply.offline is True
    assert "I keep your todo list" in reply.text
    assert reply.text.endswith(f"\n\n{texts.offline_notice()}")


async def test_failure_after_a_change_reports_it_and_does_not_redo_it(
    fake_model, make_agent, storage, offline
) -> None:
    fake_model.play(
        completion(None, [tool_call("add_task", {"title": "call the plumber"})], usage=(50, 10)),
        Status(500, {}, "boom"),
    )
    toolbox = await _toolbox(storage)
    reply = await make_agent().respond(_turn(toolbox, "add call the plumber"), toolbox)

    assert reply.offline is True
    assert reply.tokens_used == 60
    assert reply.text.startswith("I added #1 “call the plumber”, then lost my connection")
    assert "offline mode" in reply.text
    # The offline agent was not run: it would have added the same task a second time.
    assert offline.turns == []
    assert await _titles(storage, toolbox) == ["call the plumber"]


async def test_failure_after_only_reading_runs_the_offline_agent(
    fake_model, make_agent, storage, offline
) -> None:
    fake_model.play(completion(None, [tool_call("list_tasks", {})]), Status(500, {}, "boom"))
    toolbox = await _toolbox(storage)
    reply = await make_agent().respond(_turn(toolbox, "add call the plumber"), toolbox)
    assert reply.offline is True
    assert len(offline.turns) == 1
    assert await _titles(storage, toolbox) == ["call the plumber"]


async def test_key_is_sent_but_never_logged_or_shown(
    fake_model, make_agent, storage, offline, caplog
) -> None:
    secret = "sk-test-DO-NOT-LEAK-1234567890"
    fake_model.play(Status(401, {}, f"Incorrect API key provided: {secret}"))
    caplog.set_level(logging.DEBUG)
    chat = chat_service(storage, make_agent(api_key=secret))
    reply = await chat.handle(message("hello"))

    assert fake_model.requests[0].headers["Authorization"] == f"Bearer {secret}"
    assert reply.text.endswith(texts.offline_notice())
    assert secret not in reply.text
    assert secret not in caplog.text
    assert "AuthenticationError 401" in caplog.text


async def test_keyless_local_server_gets_a_placeholder_key(fake_model, make_agent, storage) -> None:
    fake_model.play(completion("Hi!"))
    toolbox = await _toolbox(storage)
    await make_agent(api_key=None).respond(_turn(toolbox, "hi"), toolbox)
    assert fake_model.requests[0].headers["Authorization"] == "Bearer no-key-required"


async def test_server_without_usage_reports_no_tokens(fake_model, make_agent, storage) -> None:
    fake_model.play(completion("Hi!", usage=None))
    toolbox = await _toolbox(storage)
    reply = await make_agent().respond(_turn(toolbox, "hi"), toolbox)
    assert reply.tokens_used is None


async def test_usage_reported_without_a_total_is_summed_from_its_parts(
    fake_model: Any, make_agent: Any, storage: Any
) -> None:
    first = completion(None, [tool_call("add_task", {"title": "milk"})])
    first["usage"] = {"prompt_tokens": 10, "completion_tokens": 3}
    final = completion("Added #1 milk")
    final["usage"] = {"prompt_tokens": 12, "completion_tokens": 4}
    fake_model.play(first, final)
    reply = await chat_service(storage, make_agent()).handle(message("add milk"))
    assert not reply.is_error
    assert reply.text == "Added #1 milk"


async def test_a_response_without_a_message_falls_back_offline(
    fake_model: Any, make_agent: Any, storage: Any
) -> None:
    broken = completion("x")
    del broken["choices"][0]["message"]
    fake_model.play(broken)
    reply = await chat_service(storage, make_agent()).handle(message("add milk"))
    assert not reply.is_error
    assert texts.offline_notice() in reply.text
