"""TaskToolbox over the in-memory reference store: validation, results, binding."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.conversations import User
from bot.identity import UserRef
from bot.tools import TaskToolbox, tool_schemas
from storage.memory import MemoryStorage

NOW = datetime(2026, 11, 18, 9, 0, tzinfo=UTC)  # a Wednesday


@pytest.fixture
async def toolbox() -> TaskToolbox:
    storage = MemoryStorage()
    user = await storage.users.resolve_user(
        ref=UserRef("console", "local", "ann"), display_name="ann", timezone="Europe/Berlin"
    )
    return TaskToolbox(tasks=storage.tasks, users=storage.users, user=user, now=NOW)


async def test_add_then_list_restates_the_task(toolbox: TaskToolbox) -> None:
    added = await toolbox.call(
        "add_task", {"title": "renew passport", "due": "2026-11-20T17:00", "priority": "high"}
    )
    assert added.result["ok"]
    task = added.result["task"]
    assert task["number"] == 1
    assert task["due"] == "2026-11-20T17:00+01:00"
    assert task["due_in_words"] == "Friday at 5:00 PM"
    listed = await toolbox.call("list_tasks", {"status": "open", "priority": "high"})
    assert [t["title"] for t in listed.result["tasks"]] == ["renew passport"]
    assert toolbox.changed


@pytest.mark.parametrize(
    ("name", "arguments", "error"),
    [
        ("add_task", {"title": ""}, "invalid_input"),
        ("add_task", {"title": "x" * 501}, "invalid_input"),
        ("add_task", {"title": "x", "priority": "critical"}, "invalid_input"),
        ("add_task", {"title": "x", "due": "the twelfth of never"}, "invalid_date"),
        ("add_task", {"title": "x", "user_id": 2}, "invalid_input"),
        ("complete_task", {"number": 99}, "not_found"),
        ("complete_task", {}, "invalid_input"),
        ("update_task", {"number": 1}, "invalid_input"),
        ("set_timezone", {"timezone": "Mars/Olympus"}, "unknown_timezone"),
        ("drop_database", {}, "invalid_input"),
        ("add_task", "{not json", "invalid_input"),
    ],
)
async def test_bad_calls_become_readable_results(
    toolbox: TaskToolbox, name: str, arguments: object, error: str
) -> None:
    call = await toolbox.call(name, arguments)  # type: ignore[arg-type]
    assert call.result["ok"] is False
    assert call.result["error"] == error
    assert call.result["message"]
    assert not toolbox.changed


async def test_words_resolve_one_task_or_name_the_candidates(toolbox: TaskToolbox) -> None:
    for title in ("pay rent", "buy milk", "buy bread"):
        await toolbox.call("add_task", {"title": title})
    done = await toolbox.call("complete_task", {"query": "the rent"})
    assert done.result["task"]["number"] == 1
    ambiguous = await toolbox.call("delete_task", {"query": "buy"})
    assert ambiguous.result["error"] == "ambiguous"
    assert {c["number"] for c in ambiguous.result["candidates"]} == {2, 3}
    missing = await toolbox.call("delete_task", {"query": "passport"})
    assert missing.result["error"] == "not_found"


async def test_update_appends_notes_and_clears_due(toolbox: TaskToolbox) -> None:
    await toolbox.call("add_task", {"title": "flights", "due": "2026-12-01"})
    await toolbox.call("update_task", {"number": 1, "append_note": "aisle seat"})
    updated = await toolbox.call("update_task", {"number": 1, "clear_due": True})
    assert updated.result["task"]["description"] == "aisle seat"
    assert updated.result["task"]["due"] is None
    assert updated.result["before"]["due"] == "2026-12-01"


async def test_set_timezone_changes_how_dates_are_read(toolbox: TaskToolbox) -> None:
    await toolbox.call("set_timezone", {"timezone": "America/New_York"})
    added = await toolbox.call("add_task", {"title": "x", "due": "2026-11-20T09:00"})
    assert added.result["task"]["due"] == "2026-11-20T09:00-05:00"
    assert isinstance(toolbox.user, User)
    assert toolbox.user.timezone == "America/New_York"


def test_schemas_never_let_a_model_name_a_user() -> None:
    for schema in tool_schemas():
        properties = schema["parameters"].get("properties", {})
        assert not {"user", "user_id", "speaker"} & set(properties), schema["name"]
        assert schema["parameters"].get("additionalProperties") is False


@pytest.mark.parametrize(
    ("name", "arguments"),
    [
        ("complete_task", {"number": 2**31}),
        ("complete_task", {"number": 2**63}),
        ("complete_task", {"number": True}),
        ("add_task", {"title": "a\x00b"}),
        ("add_task", {"title": "two\nlines"}),
        ("update_task", {"number": 1, "due": "  "}),
        ("update_task", {"query": "x\x07"}),
    ],
)
async def test_out_of_range_and_unprintable_arguments_are_refused(
    toolbox: TaskToolbox, name: str, arguments: dict[str, object]
) -> None:
    await toolbox.call("add_task", {"title": "x"})
    call = await toolbox.call(name, arguments)
    assert call.result["ok"] is False
    assert call.result["error"] == "invalid_input"


async def test_multi_line_details_are_allowed(toolbox: TaskToolbox) -> None:
    call = await toolbox.call("add_task", {"title": "flights", "description": "LHR\nJFK"})
    assert call.result["task"]["description"] == "LHR\nJFK"


async def test_tasks_shown_in_a_turn_are_shown_as_they_end_up(toolbox: TaskToolbox) -> None:
    for title in ("dentist", "rent", "milk"):
        await toolbox.call("add_task", {"title": title})
    toolbox.shown_tasks.clear()
    await toolbox.call("list_tasks", {})
    await toolbox.call("complete_task", {"query": "dentist"})
    await toolbox.call("delete_task", {"number": 3})
    assert [(t.number, t.completed) for t in toolbox.shown_tasks] == [(1, True), (2, False)]
