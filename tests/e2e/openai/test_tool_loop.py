"""The tool-calling loop against a fake OpenAI-compatible server and the real ``openai`` client."""

from __future__ import annotations

import json
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.agent import AgentTurn
from bot.tasks import TaskDraft, TaskQuery
from bot.tools import TaskToolbox, tool_schemas
from tests.e2e.openai.conftest import ALICE, BOB, NOW, chat_service, message
from tests.e2e.openai.fake_server import completion, tool_call

pytestmark = pytest.mark.e2e


async def _toolbox(storage: Any, titles: tuple[str, ...] = ()) -> TaskToolbox:
    user = await storage.users.resolve_user(ref=ALICE, display_name="Alice", timezone="UTC")
    for title in titles:
        await storage.tasks.add_task(user_id=user.id, draft=TaskDraft(title=title), now=NOW)
    return TaskToolbox(tasks=storage.tasks, users=storage.users, user=user, now=NOW)


def _turn(toolbox: TaskToolbox, text: str) -> AgentTurn:
    return AgentTurn(user=toolbox.user, text=text, history=[], now=NOW, tz=ZoneInfo("UTC"))


def _tool_messages(body: dict[str, Any]) -> list[dict[str, Any]]:
    return [m for m in body["messages"] if m["role"] == "tool"]


async def _open_titles(storage: Any, toolbox: TaskToolbox) -> list[tuple[int, str, bool]]:
    tasks = await storage.tasks.list_tasks(
        user_id=toolbox.user.id, query=TaskQuery(status="all"), now=NOW, tz=ZoneInfo("UTC")
    )
    return sorted((t.number, t.title, t.completed) for t in tasks)


async def test_single_tool_call_then_final_answer(fake_model, make_agent, storage) -> None:
    fake_model.play(
        completion(
            None,
            [tool_call("add_task", {"title": "renew passport", "due": "2026-11-20"}, "call_a")],
            usage=(100, 20),
        ),
        completion("Added #1 “renew passport”, due Fri 20 Nov.", usage=(150, 12)),
    )
    toolbox = await _toolbox(storage)
    reply = await make_agent().respond(_turn(toolbox, "renew my passport by friday"), toolbox)

    assert reply.text == "Added #1 “renew passport”, due Fri 20 Nov."
    assert reply.offline is False
    assert reply.tokens_used == 282
    assert await _open_titles(storage, toolbox) == [(1, "renew passport", False)]
    assert [c.name for c in toolbox.calls] == ["add_task"]
    assert toolbox.calls[0].result["task"]["due"] == "2026-11-20"

    first, second = fake_model.bodies
    assert first["model"] == "fake-model"
    assert first["tools"] == [{"type": "function", "function": s} for s in tool_schemas()]
    # The second request repeats the model's tool call and answers it by id.
    echoed = second["messages"][-2]
    assert echoed["role"] == "assistant"
    assert [c["id"] for c in echoed["tool_calls"]] == ["call_a"]
    (answer,) = _tool_messages(second)
    assert answer["tool_call_id"] == "call_a"
    assert json.loads(answer["content"])["task"]["title"] == "renew passport"
    assert not fake_model.exhausted


async def test_two_parallel_tool_calls_are_both_answered(fake_model, make_agent, storage) -> None:
    fake_model.play(
        completion(
            None,
            [
                tool_call("complete_task", {"number": 1}, "call_one"),
                tool_call("complete_task", {"number": 3}, "call_three"),
            ],
        ),
        completion("Done: #1 and #3."),
    )
    toolbox = await _toolbox(storage, ("water plants", "call mom", "pay rent"))
    reply = await make_agent().respond(_turn(toolbox, "done 1 and 3"), toolbox)

    assert reply.text == "Done: #1 and #3."
    assert await _open_titles(storage, toolbox) == [
        (1, "water plants", True),
        (2, "call mom", False),
        (3, "pay rent", True),
    ]
    answers = _tool_messages(fake_model.bodies[1])
    assert [a["tool_call_id"] for a in answers] == ["call_one", "call_three"]
    assert all(json.loads(a["content"])["ok"] for a in answers)


async def test_unknown_tool_becomes_an_error_result_the_model_reads(
    fake_model, make_agent, storage
) -> None:
    fake_model.play(
        completion(None, [tool_call("delete_everything", {}, "call_x")]),
        completion("I can't do that, but I can delete tasks one at a time."),
    )
    toolbox = await _toolbox(storage, ("keep me",))
    reply = await make_agent().respond(_turn(toolbox, "wipe it all"), toolbox)

    assert reply.text.startswith("I can't do that")
    (answer,) = _tool_messages(fake_model.bodies[1])
    assert answer["tool_call_id"] == "call_x"
    result = json.loads(answer["content"])
    assert result["ok"] is False
    assert "no tool named 'delete_everything'" in result["message"]
    assert await _open_titles(storage, toolbox) == [(1, "keep me", False)]


async def test_malformed_arguments_are_reported_and_the_model_recovers(
    fake_model, make_agent, storage
) -> None:
    fake_model.play(
        completion(None, [tool_call("add_task", '{"title": "buy milk"', "call_bad")]),
        completion(None, [tool_call("add_task", {"title": "buy milk"}, "call_good")]),
        completion("Added #1 “buy milk”."),
    )
    toolbox = await _toolbox(storage)
    reply = await make_agent().respond(_turn(toolbox, "add buy milk"), toolbox)

    assert reply.text == "Added #1 “buy milk”."
    bad = json.loads(_tool_messages(fake_model.bodies[1])[0]["content"])
    assert bad == {"ok": False, "error": "invalid_input", "message": bad["message"]}
    assert "not valid JSON" in bad["message"]
    assert [a["tool_call_id"] for a in _tool_messages(fake_model.bodies[2])] == [
        "call_bad",
        "call_good",
    ]
    # The raw string is kept with the failed call, so the stored record shows what was sent.
    assert toolbox.calls[0].arguments == {"raw": '{"title": "buy milk"'}
    assert await _open_titles(storage, toolbox) == [(1, "buy milk", False)]


async def test_round_cap_stops_the_loop_and_reports_what_was_done(
    fake_model, make_agent, storage
) -> None:
    fake_model.play(
        completion(None, [tool_call("add_task", {"title": "step one"})]),
        completion(None, [tool_call("list_tasks", {})]),
        completion(None, [tool_call("add_task", {"title": "never run"})]),
    )
    toolbox = await _toolbox(storage)
    reply = await make_agent(max_rounds=3).respond(_turn(toolbox, "do many things"), toolbox)

    assert len(fake_model.requests) == 3
    assert [c.name for c in toolbox.calls] == ["add_task", "list_tasks"]
    assert "added #1 “step one”" in reply.text
    assert "more steps than I allow" in reply.text
    assert reply.offline is False
    assert await _open_titles(storage, toolbox) == [(1, "step one", False)]


async def test_round_cap_with_nothing_done_says_so(fake_model, make_agent, storage) -> None:
    fake_model.play(*[completion(None, [tool_call("list_tasks", {})]) for _ in range(2)])
    toolbox = await _toolbox(storage)
    reply = await make_agent(max_rounds=2).respond(_turn(toolbox, "hmm"), toolbox)
    assert "stopped without changing anything" in reply.text
    assert len(fake_model.requests) == 2


async def test_history_is_labelled_by_speaker_through_the_chat_service(
    fake_model, make_agent, storage
) -> None:
    fake_model.play(
        completion(None, [tool_call("add_task", {"title": "book the venue"}, "call_v")]),
        completion("Added #1 “book the venue”."),
        completion("Alice added “book the venue”; your own list is empty."),
    )
    chat = chat_service(storage, make_agent())
    first = await chat.handle(message("please add book the venue"))
    second = await chat.handle(message("what did she add?", author=BOB, name="Bob"))

    assert first.text == "Added #1 “book the venue”."
    assert [c.name for c in first.tool_calls] == ["add_task"]
    assert second.text.startswith("Alice added")
    messages = fake_model.bodies[2]["messages"]
    assert messages[0]["role"] == "system"
    assert "You are answering Bob" in messages[0]["content"]
    assert "Wednesday 18 November 2026, 09:00" in messages[0]["content"]
    assert messages[1:] == [
        {"role": "user", "content": "[Alice] please add book the venue"},
        {
            "role": "assistant",
            "content": "Added #1 “book the venue”.\n[tools used: add_task ok #1 “book the venue”]",
        },
        {"role": "user", "content": "[Bob] what did she add?"},
    ]
    assert all("tools" in body for body in fake_model.bodies)


async def test_tool_calls_and_tokens_are_stored_with_the_reply(
    fake_model, make_agent, storage
) -> None:
    from sqlalchemy import select

    from storage.sql.models import MessageRow

    fake_model.play(
        completion(None, [tool_call("add_task", {"title": "book the venue"})], usage=(90, 10)),
        completion("Added #1 “book the venue”.", usage=(120, 8)),
    )
    reply = await chat_service(storage, make_agent()).handle(message("add book the venue"))
    assert reply.text == "Added #1 “book the venue”."

    async with storage.engine.connect() as conn:
        rows = (
            await conn.execute(
                select(
                    MessageRow.role,
                    MessageRow.content,
                    MessageRow.tool_calls,
                    MessageRow.tokens_used,
                ).order_by(MessageRow.id)
            )
        ).all()
    (user_row, assistant_row) = rows
    assert user_row.role == "user" and user_row.tokens_used is None
    assert assistant_row.role == "assistant"
    assert assistant_row.content == reply.text
    assert assistant_row.tokens_used == 228
    (stored_call,) = assistant_row.tool_calls
    assert stored_call["name"] == "add_task"
    assert stored_call["arguments"] == {"title": "book the venue"}
    assert stored_call["result"]["ok"] is True


async def test_a_flood_of_calls_in_one_response_is_bounded(fake_model, make_agent, storage) -> None:
    from bot.agents.openai_chat import MAX_CALLS_PER_ROUND

    flood = [tool_call("add_task", {"title": f"t{n}"}, f"call_{n}") for n in range(25)]
    fake_model.play(completion(None, flood), completion("Added 20; ask again for the rest."))
    toolbox = await _toolbox(storage)
    await make_agent().respond(_turn(toolbox, "add 25 things"), toolbox)

    answers = _tool_messages(fake_model.bodies[1])
    assert [a["tool_call_id"] for a in answers] == [f"call_{n}" for n in range(25)]
    assert len(toolbox.calls) == MAX_CALLS_PER_ROUND == 20
    assert json.loads(answers[20]["content"])["error"] == "too_many_calls"
    assert len(await _open_titles(storage, toolbox)) == 20
