"""The rules agent's reminder, repeat and daily-list phrasing (reading only, no I/O)."""

from __future__ import annotations

from datetime import datetime

import pytest

from bot.agents.rules.intents import AddTasks, TaskRef, Timing
from bot.agents.rules.reminding import read_timing, timing_of_new_task
from bot.agents.rules.understand import understand

NOW = datetime(2026, 11, 18, 9, 0)  # Wednesday, local wall clock
MORNING = "tomorrow morning"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "remind me about #3 tomorrow morning",
            Timing("remind", TaskRef((3,)), "tomorrow morning"),
        ),
        ("remind me 30 min before", Timing("remind", TaskRef(pronoun=True), "30 min before")),
        ("snooze 2 until friday", Timing("snooze", TaskRef((2,)), "friday")),
        ("snooze 2 for 2 hours", Timing("snooze", TaskRef((2,)), "in 2 hours")),
        ("remind me again in an hour", Timing("snooze", TaskRef(pronoun=True), "in an hour")),
        ("no reminder for 3", Timing("clear_reminder", TaskRef((3,)))),
        ("what are my reminders?", Timing("list")),
        ("stop repeating 4", Timing("repeat", TaskRef((4,)), enabled=False)),
        ("make 2 repeat monthly", Timing("repeat", TaskRef((2,)), "monthly")),
        ("send me my list every morning at 8", Timing("digest", when="8")),
        ("stop the morning list", Timing("digest", enabled=False)),
    ],
)
def test_timing_requests(text: str, expected: Timing) -> None:
    found = read_timing(text, now=NOW)
    assert found is not None
    assert (found.action, found.when, found.enabled) == (
        expected.action,
        expected.when,
        expected.enabled,
    )
    if expected.ref is not None:
        assert found.ref is not None
        assert (found.ref.numbers, found.ref.pronoun) == (
            expected.ref.numbers,
            expected.ref.pronoun,
        )


@pytest.mark.parametrize(
    "text",
    [
        "remind me about the dentist",  # a new task, not a reminder on a task
        "remind me to call mom at 5pm",
        "add buy milk",
        "make 2 urgent",
        "snowboard trip",
    ],
)
def test_other_messages_are_no_timing_request(text: str) -> None:
    assert read_timing(text, now=NOW) is None


def test_a_repeating_new_task_loses_its_rule_words() -> None:
    title, rule, lead = timing_of_new_task("standup notes every weekday at 9:30", now=NOW)
    assert title.strip() == "standup notes"
    assert rule == "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR;BYHOUR=9;BYMINUTE=30"
    assert lead is None
    title, rule, lead = timing_of_new_task("dentist friday 3pm 30 min before", now=NOW)
    assert rule is None and lead == "30 min before"


def test_water_the_plants_every_sunday_is_a_new_repeating_task() -> None:
    intent = understand("water the plants every sunday", now=NOW)
    assert isinstance(intent, AddTasks)
    assert intent.tasks[0].title == "water the plants"
    assert intent.tasks[0].repeat == "FREQ=WEEKLY;BYDAY=SU"


def test_remind_me_takes_the_due_words_as_the_reminder() -> None:
    intent = understand("remind me to take out the trash tonight", now=NOW)
    assert isinstance(intent, AddTasks)
    assert intent.tasks[0].due == "2026-11-18"
    assert intent.tasks[0].remind_at == "tonight"
    plain = understand("add take out the trash tonight", now=NOW)
    assert isinstance(plain, AddTasks) and plain.tasks[0].remind_at is None


def test_every_night_in_a_long_story_is_no_rule() -> None:
    story = (
        "add ask the landlord about the radiator in the bedroom that makes that clanking "
        "noise every night around 3am and maybe also the mailbox key"
    )
    intent = understand(story, now=NOW)
    assert isinstance(intent, AddTasks)
    assert all(t.repeat is None for t in intent.tasks)
