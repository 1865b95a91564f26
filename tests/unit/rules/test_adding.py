"""New tasks from many phrasings: titles, details, priorities, dates, several at once."""

from __future__ import annotations

from datetime import datetime

import pytest

from bot.agents.rules.intents import AddTasks, NewTask
from bot.agents.rules.understand import understand
from bot.tasks import Priority

NOW = datetime(2026, 11, 18, 9, 0)


def added(text: str) -> tuple[NewTask, ...]:
    intent = understand(text, now=NOW)
    assert isinstance(intent, AddTasks), f"{text!r} was read as {intent!r}"
    return intent.tasks


def one(text: str) -> NewTask:
    tasks = added(text)
    assert len(tasks) == 1, tasks
    return tasks[0]


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("add order new glasses", "order new glasses"),
        ("Add: order new glasses", "order new glasses"),
        ("add task - order new glasses", "order new glasses"),
        ("remind me to order new glasses", "order new glasses"),
        ("remnd me to order new glasses", "order new glasses"),
        ("i need to order new glasses", "order new glasses"),
        ("I have to order new glasses", "order new glasses"),
        ("gotta order new glasses", "order new glasses"),
        ("todo: order new glasses", "order new glasses"),
        ("to-do - order new glasses", "order new glasses"),
        ("put “order new glasses” on my list", "order new glasses"),
        ("could you add order new glasses please", "order new glasses"),
        ("can u add order new glasses pls", "order new glasses"),
        ("new task – order new glasses", "order new glasses"),
        ("new todo: order new glasses", "order new glasses"),
        ("order new glasses, add that", "order new glasses"),
        ("order new glasses - add it to my list", "order new glasses"),
        ("order new glasses to my todo list", "order new glasses"),
        ("ad order new glasses", "order new glasses"),
        ("addd order new glasses", "order new glasses"),
        ("don't let me forget to order new glasses", "order new glasses"),
        ("note to self: order new glasses", "order new glasses"),
        ("jot down order new glasses", "order new glasses"),
        ("make a reminder to order new glasses", "order new glasses"),
        ("hey, add order new glasses", "order new glasses"),
        ("@todobot add order new glasses", "order new glasses"),
    ],
)
def test_many_ways_to_add(text: str, title: str) -> None:
    task = one(text)
    assert task.title == title
    assert task.due is None and task.priority is None and not task.description


@pytest.mark.parametrize(
    ("text", "title", "details"),
    [
        (
            "add call the garage: ask about winter tyres",
            "call the garage",
            "ask about winter tyres",
        ),
        ("add call the garage - note: winter tyres", "call the garage", "winter tyres"),
        ("add call the garage (note: winter tyres)", "call the garage", "winter tyres"),
        ("add call the garage with note winter tyres", "call the garage", "winter tyres"),
        ("add call the garage. details: winter tyres", "call the garage", "winter tyres"),
        (
            "add call the garage. They close at 6 on weekdays",
            "call the garage",
            "They close at 6 on weekdays",
        ),
    ],
)
def test_details_after_a_colon_or_note(text: str, title: str, details: str) -> None:
    task = one(text)
    assert task.title == title
    assert details in task.description


@pytest.mark.parametrize(
    ("text", "title", "priority"),
    [
        ("add fix the heater, urgent", "fix the heater", Priority.HIGH),
        ("add fix the heater asap", "fix the heater", Priority.HIGH),
        ("add fix the heater !!", "fix the heater", Priority.HIGH),
        ("add fix the heater - important", "fix the heater", Priority.HIGH),
        ("add fix the heater high priority", "fix the heater", Priority.HIGH),
        ("add p1: fix the heater", "fix the heater", Priority.HIGH),
        ("add fix the heater p2", "fix the heater", Priority.MEDIUM),
        ("add fix the heater p3", "fix the heater", Priority.LOW),
        ("add fix the heater, low", "fix the heater", Priority.LOW),
        ("add fix the heater whenever", "fix the heater", Priority.LOW),
        ("add fix the heater, not urgent", "fix the heater", Priority.LOW),
        ("add fix the heater (no rush)", "fix the heater", Priority.LOW),
        ("add fix the heater when i get a chance", "fix the heater", Priority.LOW),
    ],
)
def test_priorities(text: str, title: str, priority: Priority) -> None:
    task = one(text)
    assert task.title == title
    assert task.priority is priority


def test_priority_words_inside_a_title_stay() -> None:
    assert one("add file the important documents").title == "file the important documents"
    assert one("add book urgent care visit").priority is Priority.HIGH


@pytest.mark.parametrize(
    ("text", "title", "due"),
    [
        ("add book the vet for saturday", "book the vet", "2026-11-21"),
        ("remind me tomorrow to book the vet", "book the vet", "2026-11-19"),
        ("add book the vet next thu 10am", "book the vet", "2026-11-26T10:00"),
        ("add book the vet on 12/2", "book the vet", "2026-12-02"),
        ("add book the vet by jan 8", "book the vet", "2027-01-08"),
        ("add book the vet in 5 days", "book the vet", "2026-11-23"),
        ("add 1:1 prep with Lee friday", "1:1 prep with Lee", "2026-11-20"),
        ("add 1:1 prep", "1:1 prep", None),
        ("add pay rent due the 1st, urgent", "pay rent", "2026-12-01"),
    ],
)
def test_dates_leave_the_title(text: str, title: str, due: str | None) -> None:
    task = one(text)
    assert task.title == title
    assert task.due == due


@pytest.mark.parametrize(
    ("text", "titles"),
    [
        ("add apples, pears and plums", ["apples", "pears", "plums"]),
        ("add apples, pears, and plums", ["apples", "pears", "plums"]),
        ("add apples and pears", ["apples", "pears"]),
        ("add call the bank and email Sue", ["call the bank", "email Sue"]),
        ("add these: fix bike; oil chain; pump tyres", ["fix bike", "oil chain", "pump tyres"]),
        ("add the following:\n- fix bike\n- oil chain", ["fix bike", "oil chain"]),
        (
            "todo:\n1. fix bike\n2. oil chain\n3. pump tyres",
            ["fix bike", "oil chain", "pump tyres"],
        ),
    ],
)
def test_several_tasks_in_one_message(text: str, titles: list[str]) -> None:
    assert [t.title for t in added(text)] == titles


@pytest.mark.parametrize(
    "text",
    [
        "add write pros and cons list for the new job",
        "add research salt and pepper grinders",
        "add call mom and dad about christmas",
        "add review the draft, then send it to legal",
        "add buy bread and butter",
    ],
)
def test_and_inside_a_title_does_not_split(text: str) -> None:
    assert len(added(text)) == 1


def test_a_shared_date_in_a_list_header_applies_to_each() -> None:
    tasks = added("add these for friday: fix bike; oil chain")
    assert [t.due for t in tasks] == ["2026-11-20", "2026-11-20"]


def test_titles_are_stored_as_typed() -> None:
    assert one("add this task: '; DROP TABLE tasks; --").title == "'; DROP TABLE tasks; --"
    assert one('add "call Bob re: invoice"').title == "call Bob re: invoice"
    assert one("add Robert'); DELETE FROM task; --").title.startswith("Robert')")


def test_add_with_nothing_to_add_asks() -> None:
    intent = understand("add", now=NOW)
    assert not isinstance(intent, AddTasks) or intent.tasks == ()
