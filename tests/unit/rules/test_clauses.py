"""Messages of several clauses: several requests, a change and its reason, "it"."""

from __future__ import annotations

import dataclasses
from datetime import datetime

import pytest

from bot.agents.rules.intents import Complete, Delete, Reopen, Several, TaskRef, Update
from bot.agents.rules.understand import understand
from bot.tasks import Priority

NOW = datetime(2026, 11, 18, 9, 0)


def read(text: str) -> object:
    return understand(text, now=NOW)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "the kettle one is urgent, the old one broke",
            Update(TaskRef(words="the kettle one"), priority=Priority.HIGH),
        ),
        (
            "nobody answered, so the dentist call isn't done",
            Reopen(TaskRef(words="the dentist call")),
        ),
        (
            "scrap the cabin booking, the trip fell through",
            Delete(TaskRef(words="the cabin booking")),
        ),
        (
            "the visa form isn't done, they want another photo",
            Reopen(TaskRef(words="the visa form")),
        ),
    ],
)
def test_a_change_and_its_reason(text: str, expected: object) -> None:
    intent = read(text)
    assert dataclasses.replace(intent, ref=dataclasses.replace(intent.ref, context="")) == expected  # type: ignore[type-var, attr-defined]
    assert intent.ref.context  # type: ignore[attr-defined]


def test_a_reason_clause_is_never_a_second_change() -> None:
    # "the appointment got cancelled" explains; it must not delete a task about appointments.
    intent = read("the passport thing isn't done, the appointment got cancelled")
    assert isinstance(intent, Reopen)
    assert intent.ref.words == "the passport thing"


def test_a_statement_and_a_command_are_two_requests() -> None:
    intent = read("the dentist thing is sorted, and push the car one to next week")
    assert isinstance(intent, Several) and not intent.confident
    assert [type(c) for c in intent.changes] == [Complete, Update]


def test_it_names_the_task_of_the_other_clause() -> None:
    intent = read("the licence can wait, remove its deadline")
    assert intent == Update(TaskRef(words="the licence"), clear_due=True)
    intent = read("we are keeping the old bike. delete that task")
    assert isinstance(intent, Delete) and not intent.confident
    assert "bike" in intent.ref.words


def test_a_list_of_numbers_is_not_split() -> None:
    assert read("complete 2, 4") == Complete(TaskRef(numbers=(2, 4)))
