"""Splitting long answers and wording the results of typed commands."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from adapters.discord import texts
from adapters.discord.rendering import (
    action_text,
    button_numbers,
    decode_list_query,
    encode_list_query,
    next_page_arguments,
    split_text,
)
from bot.conversations import Reply, ToolCall
from bot.tasks import Priority, Task

NOW = datetime(2025, 6, 2, 9, 0, tzinfo=UTC)


def task(number: int, *, done: bool = False) -> Task:
    return Task(
        id=number,
        user_id=1,
        number=number,
        title=f"task {number}",
        description="",
        priority=Priority.MEDIUM,
        due=None,
        completed_at=NOW if done else None,
        created_at=NOW,
        updated_at=NOW,
    )


def test_short_text_is_one_message() -> None:
    assert split_text("  hello  ") == ["hello"]
    assert split_text("   ") == []


def test_long_text_breaks_at_lines_and_loses_nothing() -> None:
    lines = [f"line {i} " + "x" * 90 for i in range(60)]
    text = "\n".join(lines)
    parts = split_text(text)
    assert len(parts) > 1
    assert all(len(part) <= 2000 for part in parts)
    assert "\n".join(parts).split("\n") == lines


def test_text_without_line_breaks_breaks_at_spaces_or_hard() -> None:
    words = " ".join(["word"] * 1000)
    parts = split_text(words)
    assert all(len(part) <= 2000 for part in parts)
    assert " ".join(parts) == words
    solid = "y" * 4500
    assert [len(part) for part in split_text(solid)] == [2000, 2000, 500]


def test_runaway_text_stops_after_max_parts_and_says_so() -> None:
    parts = split_text("z" * 50_000, max_parts=3)
    assert len(parts) == 3
    assert parts[-1].endswith("…")
    assert all(len(part) <= 2000 for part in parts)


@pytest.mark.parametrize("limit", [10, 37, 2000])
def test_every_piece_fits(limit: int) -> None:
    text = "alpha beta\ngamma " * 300
    assert all(0 < len(part) <= limit for part in split_text(text, limit=limit, max_parts=10_000))


def test_buttons_for_open_tasks_once_each_at_most_25() -> None:
    reply = Reply(text="", tasks=[task(1), task(2, done=True), task(1), task(3)])
    assert button_numbers(reply) == [1, 3]
    many = Reply(text="", tasks=[task(n) for n in range(1, 40)])
    assert button_numbers(many) == list(range(1, 26))


def _result(name: str, arguments: dict[str, object], result: dict[str, object]) -> Reply:
    return Reply(text="", tool_calls=[ToolCall(name, arguments, result)])


def test_action_text_words_each_tool_result() -> None:
    milk = {
        "number": 4,
        "title": "milk",
        "priority": "high",
        "due_in_words": "tomorrow",
        "completed": False,
    }
    assert action_text(_result("add_task", {}, {"ok": True, "task": milk})) == (
        "Added **#4** milk — due tomorrow · high"
    )
    listed = action_text(
        _result("list_tasks", {"status": "open"}, {"ok": True, "count": 1, "tasks": [milk]})
    )
    assert listed == "Your open tasks:\n**#4** milk — due tomorrow · high"
    empty = action_text(_result("list_tasks", {"status": "open"}, {"ok": True, "tasks": []}))
    assert empty == texts.task_list([], "open")
    done = action_text(_result("complete_task", {"number": 4}, {"ok": True, "task": milk}))
    assert done == "Done: **#4** milk ✅"
    again = action_text(_result("complete_task", {}, {"ok": True, "already": True, "task": milk}))
    assert again == "**#4** milk was already done."
    zone = action_text(_result("set_timezone", {}, {"ok": True, "timezone": "Europe/Berlin"}))
    assert "Europe/Berlin" in zone


def test_action_text_shows_the_reason_of_a_failure() -> None:
    reply = Reply(
        text="You have no task #9.",
        is_error=True,
        tool_calls=[ToolCall("complete_task", {"number": 9}, {"ok": False})],
    )
    assert action_text(reply) == "You have no task #9."
    assert action_text(Reply(text="", is_error=True)) == texts.apology()


def test_thread_names_fit_discords_limit() -> None:
    assert texts.thread_name("  add   milk ") == "add milk"
    assert texts.thread_name("") == "todo"
    long = texts.thread_name("word " * 100)
    assert len(long) <= 100 and long.endswith("…")


def _listed(page: int, pages: int, arguments: dict[str, object] | None = None) -> Reply:
    tasks = [task(n) for n in range(25 * page - 24, 25 * page + 1)]
    result = {
        "ok": True,
        "tasks": [{"number": t.number, "title": t.title} for t in tasks],
        "total": 60,
        "page": page,
        "pages": pages,
        "first": 25 * page - 24,
        "last": 25 * page,
    }
    call = ToolCall("list_tasks", {"status": "open", **(arguments or {})}, result)
    return Reply(text="", tool_calls=[call], tasks=tasks)


def test_a_long_list_gets_a_next_page_and_one_complete_button_fewer() -> None:
    reply = _listed(1, 3, {"priority": "high", "due_before": "2026-12-31", "overdue": True})
    following = next_page_arguments(reply)
    assert following == {
        "status": "open",
        "priority": "high",
        "due_before": "2026-12-31",
        "overdue": True,
        "page": 2,
    }
    assert len(button_numbers(reply)) == 24
    assert next_page_arguments(_listed(3, 3)) is None
    assert action_text(reply).startswith("Your open tasks — showing 1–25 of 60:")


def test_list_filters_survive_the_custom_id_and_forged_ids_are_refused() -> None:
    arguments = {
        "status": "completed",
        "priority": "low",
        "due_after": "2026-01-02",
        "due_before": "2026-12-31",
        "overdue": True,
        "has_due": False,
        "sort": "newest",
        "page": 4000,
    }
    encoded = encode_list_query(arguments)
    assert len(f"todo:page:{2**64}:{encoded}") <= 100
    assert decode_list_query(encoded) == arguments
    assert decode_list_query("s=o,x=1,n=2") is None
    assert decode_list_query("s=o") is None
    assert decode_list_query("n=0") is None
