"""Replies rendered as Slack messages."""

from __future__ import annotations

from datetime import UTC, datetime

from adapters.slack import blocks, mapping
from bot.conversations import Reply, ToolCall
from bot.tasks import Priority, Task

NOW = datetime(2030, 1, 1, tzinfo=UTC)


def task(number: int, title: str = "t", *, done: bool = False) -> Task:
    return Task(
        id=number,
        user_id=1,
        number=number,
        title=title,
        description="",
        priority=Priority.MEDIUM,
        due=None,
        completed_at=NOW if done else None,
        created_at=NOW,
        updated_at=NOW,
    )


def actions(message: blocks.OutgoingMessage) -> list[dict]:  # type: ignore[type-arg]
    return [b for b in message.blocks if b["type"] == "actions"]


def test_reply_with_tasks_gets_complete_and_delete_buttons_for_open_ones() -> None:
    reply = Reply(
        text="Here <you> go", tasks=[task(1, "milk"), task(2, done=True), task(1, "milk")]
    )
    [message] = blocks.to_messages(reply, owner="U1")

    assert message.text == "Here &lt;you&gt; go"
    [row] = actions(message)
    assert row["block_id"] == "task:1"
    assert [(e["action_id"], e["value"]) for e in row["elements"]] == [
        ("todo_complete", "U1:1"),
        ("todo_delete", "U1:1"),
    ]
    assert row["elements"][1]["confirm"]["style"] == "danger"


def test_tasks_finished_or_deleted_in_the_same_turn_get_no_buttons() -> None:
    calls = [
        ToolCall("complete_task", {"number": 1}, {"ok": True, "task": {"number": 1}}),
        ToolCall("delete_task", {"number": 2}, {"ok": False, "message": "no"}),
    ]
    reply = Reply(text="ok", tasks=[task(1), task(2)], tool_calls=calls)
    [message] = blocks.to_messages(reply, owner="U1")
    assert [r["block_id"] for r in actions(message)] == ["task:2"]


def test_error_replies_have_no_buttons() -> None:
    reply = Reply(text="Sorry", tasks=[task(1)], is_error=True)
    assert actions(blocks.to_messages(reply, owner="U1")[0]) == []


def test_many_tasks_are_capped_within_the_block_limit() -> None:
    reply = Reply(text="all", tasks=[task(n) for n in range(1, 31)])
    [message] = blocks.to_messages(reply, owner="U1")
    assert len(actions(message)) == blocks.MAX_TASK_BUTTONS
    assert len(message.blocks) <= 50
    assert "10 more" in message.blocks[-1]["elements"][0]["text"]


def test_button_text_stays_within_slack_limits() -> None:
    [message] = blocks.to_messages(Reply(text="x", tasks=[task(1, "t" * 500)]), owner="U1")
    assert len(actions(message)[0]["elements"][0]["text"]["text"]) <= 75


def test_long_text_is_split_and_capped_with_buttons_on_the_last_message() -> None:
    reply = Reply(text="\n".join("w" * 99 for _ in range(400)), tasks=[task(1)])
    messages = blocks.to_messages(reply, owner="U1")
    assert len(messages) == blocks.MAX_MESSAGES
    assert messages[-1].text.endswith("…")
    assert all(
        len(b["text"]["text"]) <= 3000 for m in messages for b in m.blocks if b["type"] == "section"
    )
    assert [len(actions(m)) for m in messages] == [0, 0, 0, 0, 1]


def test_task_list_message() -> None:
    tasks = [
        {"number": 3, "title": "<b>", "priority": "high", "due_in_words": "Friday"},
        {"number": 4, "title": "plain", "priority": "medium", "due_in_words": None},
    ]
    call = ToolCall(
        "list_tasks", {}, {"ok": True, "tasks": tasks, "total": 2, "page": 1, "pages": 1}
    )
    [message] = blocks.task_list_messages(call, owner="U1")
    lines = message.text.splitlines()
    assert lines[0] == "Your open tasks (2):"
    assert lines[1:3] == ["*#3* &lt;b&gt; · due Friday · high priority", "*#4* plain"]
    assert "/todo" in lines[-1]
    assert [r["block_id"] for r in actions(message)] == ["task:3", "task:4"]


def _page(page: int, pages: int) -> ToolCall:
    tasks = [{"number": n, "title": f"t{n}"} for n in range(25 * page - 24, 25 * page + 1)]
    result = {
        "ok": True,
        "tasks": tasks,
        "total": 60,
        "page": page,
        "pages": pages,
        "first": 25 * page - 24,
        "last": 25 * page,
    }
    return ToolCall("list_tasks", {"status": "open", "page": page}, result)


def test_a_page_of_a_long_list_shows_the_true_total_and_a_next_page_button() -> None:
    messages = blocks.task_list_messages(_page(2, 3), owner="U1")
    assert messages[0].text.splitlines()[0] == "Your open tasks — showing 26–50 of 60:"
    [button] = [
        e
        for m in messages
        for a in actions(m)
        for e in a["elements"]
        if e["action_id"] == blocks.PAGE_ACTION
    ]
    assert button["text"]["text"] == "Next page (3 of 3)"
    assert mapping.parse_page_button_value(button["value"]) == (
        "U1",
        {"status": "open", "page": 3},
    )


def test_a_reply_listing_a_page_gets_the_button_but_not_on_the_last_page() -> None:
    reply = Reply(text="Your open tasks — showing 1–25 of 60:", tool_calls=[_page(1, 3)])
    pages = [
        e["action_id"]
        for m in blocks.to_messages(reply, owner="U1")
        for a in actions(m)
        for e in a["elements"]
    ]
    assert pages == [blocks.PAGE_ACTION]
    last = Reply(text="…", tool_calls=[_page(3, 3)])
    assert not [a for m in blocks.to_messages(last, owner="U1") for a in actions(m)]


def test_a_forged_page_button_value_is_refused() -> None:
    assert mapping.parse_page_button_value("not json") is None
    assert mapping.parse_page_button_value('{"owner": "", "list": {}}') is None
    assert mapping.parse_page_button_value('{"owner": "U1", "list": []}') is None


def test_settle_task_block_replaces_only_that_task() -> None:
    [message] = blocks.to_messages(Reply(text="x", tasks=[task(1), task(2)]), owner="U1")
    settled = blocks.settle_task_block(message.blocks, 2, "done")
    assert [b["type"] for b in settled] == ["section", "actions", "context"]
    assert settled[2] == {
        "type": "context",
        "block_id": "task:2",
        "elements": [{"type": "mrkdwn", "text": "done"}],
    }
    assert message.blocks[2]["type"] == "actions"  # the input is left as it was
