"""Phrase tables and the readings no case set reached before: the clock question, list
ranges ("this month", "the next 3 days", "soon"), "use berlin time", and the one-table wording
of a change to one task."""

from __future__ import annotations

import re
from datetime import date

import pytest

from bot.agents.rules import replies
from bot.agents.rules.intents import ListTasks, SetTimezone, Smalltalk
from bot.agents.rules.phrasebook import phrases, words
from bot.outcomes import TaskView
from tests.unit.rules.conftest import Chat, read


def test_a_phrase_table_reads_spaces_and_apostrophes_loosely() -> None:
    table = phrases("what's up, haha+, i'm (?:so )?tired")
    pattern = re.compile(rf"^(?:{table})$", re.IGNORECASE)
    for said in ("whats up", "what's   up", "hahaaa", "im so tired", "I'm tired"):
        assert pattern.match(said), said
    for said in ("whatsup", "what is up", "ha", "i'm so so tired"):
        assert not pattern.match(said), said


def test_words_match_whole_words_only() -> None:
    late = words("overdue, past due")
    assert late.search("anything past  due?") and late.search("OVERDUE stuff")
    assert not late.search("pastdue") and not late.search("overdues")


@pytest.mark.parametrize(
    "text", ["what's the date today?", "what day is it", "what time is it", "date today"]
)
def test_the_clock_question(text: str) -> None:
    assert read(text) == Smalltalk("today")


@pytest.mark.parametrize(
    ("text", "after", "before", "label"),
    [
        ("what is due this month", date(2026, 11, 18), date(2026, 11, 30), "due this month"),
        ("anything due in the next 3 days?", date(2026, 11, 18), date(2026, 11, 21), "3 days"),
        ("what's coming up soon", date(2026, 11, 18), date(2026, 11, 25), "next 7 days"),
        ("show tasks due next week", date(2026, 11, 23), date(2026, 11, 29), "due next week"),
    ],
)
def test_list_ranges(text: str, after: date, before: date, label: str) -> None:
    intent = read(text)
    assert isinstance(intent, ListTasks), intent
    assert (intent.due_after, intent.due_before) == (after, before)
    assert label in intent.label


@pytest.mark.parametrize(
    ("text", "priority"),
    [
        ("show urgent tasks", "high"),
        ("list not urgent tasks", "low"),
        ("list medium priority tasks", "medium"),
    ],
)
def test_list_priority_filters_in_order(text: str, priority: str) -> None:
    intent = read(text)
    assert isinstance(intent, ListTasks) and intent.priority is not None, intent
    assert intent.priority.value == priority


@pytest.mark.parametrize(
    ("text", "zone"),
    [("use berlin time", "Europe/Berlin"), ("switch to pacific time", "America/Los_Angeles")],
)
def test_a_zone_said_as_local_time(text: str, zone: str) -> None:
    assert read(text) == SetTimezone(zone)


def test_one_task_changes_are_worded_from_one_table() -> None:
    task = TaskView(number=4, title="pay rent")
    assert replies.changed("complete", task) == "Done: #4 “pay rent”. ✓"
    assert replies.changed("complete", task, already=True) == "#4 “pay rent” was already done."
    assert replies.changed("reopen", task, already=True) == "#4 “pay rent” is already open."
    assert replies.changed("delete", task, already=True) == "Deleted #4 “pay rent”."


async def test_the_clock_answer_and_a_delete_reply_end_to_end(chat: Chat) -> None:
    assert "Wednesday 18 November 2026, 9:00 AM" in (await chat.say("what day is it?")).text
    await chat.given({"title": "water the plants"})
    assert (await chat.say("delete 1")).text == "Deleted #1 “water the plants”."
