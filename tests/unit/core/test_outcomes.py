"""Typed tool outcomes: each renders to the JSON the tools have always returned, reads back
from it, and old stored shapes still load."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.conversations import ToolCall
from bot.outcomes import (
    ChannelResult,
    DigestSet,
    DigestView,
    Failure,
    Outcome,
    RemindersListed,
    Reported,
    Restored,
    TaskChanged,
    TaskPage,
    TaskView,
    TimezoneSet,
    message_of,
    parse_outcome,
    task_of,
)
from bot.tasks import Due, Priority, Task
from bot.tools import task_json

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
TZ = ZoneInfo("Europe/Madrid")


def _task(number: int = 3, **changes: Any) -> Task:
    fields: dict[str, Any] = {
        "id": number,
        "user_id": 1,
        "number": number,
        "title": "renew passport",
        "description": "bring photos",
        "priority": Priority.HIGH,
        "due": Due.on(date(2026, 3, 6)),
        "completed_at": None,
        "created_at": NOW,
        "updated_at": NOW,
        "remind_at": datetime(2026, 3, 5, 17, 0, tzinfo=UTC),
        "repeat": None,
    }
    fields.update(changes)
    return Task(**fields)


def view(number: int = 3, **changes: Any) -> TaskView:
    return TaskView.of(_task(number, **changes), tz=TZ, now=NOW)


DONE = view(completed_at=NOW)
SHORT = TaskView(number=1, title="milk", present=("number", "title"))

# (tool, outcome, the JSON the tools returned for it before outcomes were typed)
CASES: list[tuple[str, Outcome, dict[str, Any]]] = [
    (
        "add_task",
        TaskChanged(task=view()),
        {"ok": True, "task": task_json(_task(), tz=TZ, now=NOW)},
    ),
    (
        "complete_task",
        TaskChanged(task=DONE, before=view()),
        {"ok": True, "task": DONE.as_json(), "before": view().as_json()},
    ),
    (
        "complete_task",
        TaskChanged(task=DONE, already=True),
        {"ok": True, "already": True, "task": DONE.as_json()},
    ),
    (
        "complete_task",
        TaskChanged(task=view(), before=view(), next_due="2026-03-13", next_due_in_words="Fri"),
        {
            "ok": True,
            "task": view().as_json(),
            "before": view().as_json(),
            "next_due": "2026-03-13",
            "next_due_in_words": "Fri",
        },
    ),
    (
        "delete_task",
        TaskChanged(task=view(), deleted=True),
        {"ok": True, "task": view().as_json(), "deleted": True},
    ),
    (
        "list_tasks",
        TaskPage(tasks=(view(1), view(2)), total=30, page=2, pages=3, first=11, last=12),
        {
            "ok": True,
            "count": 2,
            "total": 30,
            "page": 2,
            "pages": 3,
            "first": 11,
            "last": 12,
            "tasks": [view(1).as_json(), view(2).as_json()],
        },
    ),
    (
        "update_task",
        Failure("Which one?", error="ambiguous", candidates=(SHORT,)),
        {
            "ok": False,
            "error": "ambiguous",
            "message": "Which one?",
            "candidates": [{"number": 1, "title": "milk"}],
        },
    ),
    (
        "restore_task",
        Restored(number=4, already=True),
        {"ok": True, "already": True, "number": 4},
    ),
    (
        "restore_task",
        Restored(task=view(), deleted=True),
        {"ok": True, "deleted": True, "task": view().as_json()},
    ),
    (
        "restore_task",
        Restored(task=view(), restored=True),
        {"ok": True, "restored": True, "task": view().as_json()},
    ),
    (
        "restore_task",
        Restored(task=view(), before=DONE),
        {"ok": True, "task": view().as_json(), "before": DONE.as_json()},
    ),
    ("set_timezone", TimezoneSet("Europe/Madrid"), {"ok": True, "timezone": "Europe/Madrid"}),
    (
        "list_reminders",
        RemindersListed(
            reminders=(view(),),
            repeating=(view(5, repeat="FREQ=WEEKLY").with_repeat_in_words("every week"),),
            digest=DigestView("08:00", always=False),
        ),
        {
            "ok": True,
            "reminders": [view().as_json()],
            "repeating": [
                {**view(5, repeat="FREQ=WEEKLY").as_json(), "repeat_in_words": "every week"}
            ],
            "digest": {"time": "08:00", "always": False},
        },
    ),
    (
        "set_digest",
        DigestSet(digest=None, already=True),
        {"ok": True, "digest": None, "already": True},
    ),
    (
        "set_digest",
        DigestSet(digest=DigestView("07:30", always=True)),
        {"ok": True, "digest": {"time": "07:30", "always": True}},
    ),
    (
        "channel_list",
        ChannelResult(inner=TaskChanged(task=view()), list_name="slack/T1/C1", message="Added"),
        {"ok": True, "task": view().as_json(), "list": "slack/T1/C1", "message": "Added"},
    ),
    (
        "channel_list",
        ChannelResult(
            inner=TaskPage(tasks=(view(1),), total=1, first=1, last=1),
            list_name="slack/T1/C1",
            message="On this channel's list (1)",
        ),
        {
            "ok": True,
            "count": 1,
            "total": 1,
            "page": 1,
            "pages": 1,
            "first": 1,
            "last": 1,
            "tasks": [view(1).as_json()],
            "list": "slack/T1/C1",
            "message": "On this channel's list (1)",
        },
    ),
    (
        "assign_task",
        Reported(
            "Assigned #3 to @ana",
            {"assignee": "slack:T1:U2", "assignee_name": "Ana"},
            task=view().without_description(),
        ),
        {
            "ok": True,
            "assignee": "slack:T1:U2",
            "assignee_name": "Ana",
            "task": {k: v for k, v in view().as_json().items() if k != "description"},
            "message": "Assigned #3 to @ana",
        },
    ),
    (
        "forget_me",
        Reported("Sure?", {"confirmed": False}),
        {"ok": True, "confirmed": False, "message": "Sure?"},
    ),
    ("conversation_state", Reported(), {"ok": True}),
]


@pytest.mark.parametrize(("tool", "outcome", "wire"), CASES)
def test_each_outcome_renders_todays_json_and_reads_back(
    tool: str, outcome: Outcome, wire: dict[str, Any]
) -> None:
    assert outcome.as_json() == wire
    assert parse_outcome(tool, wire) == outcome
    call = ToolCall(name=tool, arguments={}, result=wire)
    assert call.outcome == outcome and ToolCall.of(tool, {}, outcome) == call


def test_a_full_view_is_what_task_json_exports() -> None:
    task = _task(remind_at=None, completed_at=NOW)
    assert TaskView.of(task, tz=TZ, now=NOW).as_json() == task_json(task, tz=TZ, now=NOW)
    assert list(view().as_json()) == list(task_json(_task(), tz=TZ, now=NOW))


def test_old_snapshot_without_reminder_keys_stays_without_them() -> None:
    # Written before reminders existed: undo must tell "no such key" from "no reminder".
    old = {k: v for k, v in view().as_json().items() if k not in ("remind_at", "repeat")}
    snapshot = TaskView.from_json(old)
    assert not snapshot.has("remind_at") and snapshot.has("due")
    assert snapshot.remind_at is None and snapshot.as_json() == old


def test_old_list_without_paging_loads_as_one_page() -> None:
    old = {
        "ok": True,
        "count": 2,
        "tasks": [{"number": 1, "title": "a"}, {"number": 2, "title": "b"}],
    }
    page = parse_outcome("list_tasks", old)
    assert isinstance(page, TaskPage)
    assert (page.total, page.page, page.pages, page.first, page.last) == (2, 1, 1, 1, 2)
    assert [t.title for t in page.tasks] == ["a", "b"]


def test_unknown_keys_of_old_rows_survive_a_round_trip() -> None:
    old = {"ok": True, "task": {"number": 2, "title": "x", "colour": "red"}, "note": "kept"}
    changed = parse_outcome("update_task", old)
    assert isinstance(changed, TaskChanged) and changed.task.title == "x"
    assert changed.as_json() == old


def test_shapes_that_fit_no_kind_are_kept_whole() -> None:
    odd = {"ok": True, "tasks": "not a list", "something": 1}
    kept = parse_outcome("update_task", odd)  # no "task": not a TaskChanged
    assert isinstance(kept, Reported) and kept.as_json() == odd
    refused = parse_outcome("mystery", {"message": "no ok key"})
    assert isinstance(refused, Failure) and message_of(refused) == "no ok key"


def test_stored_lists_keep_number_title_and_state_of_each_task() -> None:
    page = TaskPage(tasks=(view(1), view(2, completed_at=NOW)), total=9, first=1, last=2, pages=5)
    stored = ToolCall.of("list_tasks", {"status": "all"}, page).as_stored()
    assert stored["result"]["tasks"] == [
        {"number": 1, "title": "renew passport", "completed": False},
        {"number": 2, "title": "renew passport", "completed": True},
    ]
    assert stored["result"]["total"] == 9 and stored["result"]["pages"] == 5
    again = ToolCall(**stored)
    assert isinstance(again.outcome, TaskPage) and again.outcome.tasks[1].completed
    single = ToolCall.of("list_tasks", {}, TaskPage(tasks=(view(1),), total=1, first=1, last=1))
    assert single.as_stored() == single.as_json()  # one task is kept whole


def test_the_task_an_outcome_is_about() -> None:
    assert task_of(TaskChanged(task=view())) == view()
    assert task_of(ChannelResult(TaskChanged(task=view(4)), "c", "m")) == view(4)
    assert task_of(Restored(number=2, already=True)) is None
    assert task_of(TaskPage(tasks=(view(),), total=1)) is None
    assert message_of(TaskChanged(task=view())) is None


def test_a_view_reads_as_the_mapping_it_renders() -> None:
    assert SHORT["title"] == "milk" and dict(SHORT) == {"number": 1, "title": "milk"}
    assert "due" not in SHORT and SHORT.get("due") is None
