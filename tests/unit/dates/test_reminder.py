"""Reminder times from words and ISO forms, relative to now or to the task's due time."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.dates import find_reminder, parse_reminder
from bot.errors import InvalidDate
from bot.tasks import Due

NOW = datetime(2026, 11, 18, 9, 0, tzinfo=UTC)  # 10:00 in Berlin, a Wednesday
BERLIN = ZoneInfo("Europe/Berlin")
DUE_FRIDAY_5PM = Due.at_instant(datetime(2026, 11, 20, 17, 0, tzinfo=BERLIN))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("at 5pm", "2026-11-18T17:00+01:00"),
        ("tomorrow morning", "2026-11-19T09:00+01:00"),
        ("tomorrow evening", "2026-11-19T18:00+01:00"),
        ("in 2 hours", "2026-11-18T12:00+01:00"),
        ("in an hour", "2026-11-18T11:00+01:00"),
        ("in half an hour", "2026-11-18T10:30+01:00"),
        ("30 min before", "2026-11-20T16:30+01:00"),
        ("1 day before it's due", "2026-11-19T17:00+01:00"),
        ("the day before", "2026-11-19T17:00+01:00"),
        ("when it's due", "2026-11-20T17:00+01:00"),
        ("friday", "2026-11-20T09:00+01:00"),
        ("2026-11-19T08:00", "2026-11-19T08:00+01:00"),
        ("2026-11-19T07:00Z", "2026-11-19T08:00+01:00"),
        ("remind me again in 10 minutes", "2026-11-18T10:10+01:00"),
    ],
)
def test_reminder_times(text: str, expected: str) -> None:
    moment = parse_reminder(text, now=NOW, tz=BERLIN, due=DUE_FRIDAY_5PM)
    assert moment.tzinfo is UTC
    assert moment.astimezone(BERLIN).isoformat(timespec="minutes") == expected


def test_before_a_date_alone_counts_from_the_morning_of_that_day() -> None:
    due = Due.on(date(2026, 11, 20))
    moment = parse_reminder("1 hour before", now=NOW, tz=BERLIN, due=due)
    assert moment.astimezone(BERLIN).isoformat(timespec="minutes") == "2026-11-20T08:00+01:00"


@pytest.mark.parametrize(
    ("text", "due", "reason"),
    [
        ("yesterday", None, "in the past"),
        ("2026-11-01T10:00", None, "already passed"),
        ("30 min before", None, "has none"),
        ("whenever", None, "couldn't understand"),
        ("", None, "empty"),
    ],
)
def test_unreadable_and_past_reminders(text: str, due: Due | None, reason: str) -> None:
    with pytest.raises(InvalidDate, match=reason):
        parse_reminder(text, now=NOW, tz=BERLIN, due=due)


def test_find_reminder_locates_due_relative_phrases() -> None:
    found, rest = find_reminder("call the dentist 30 min before")
    assert found is not None and found.phrase == "30 min before"
    assert rest.strip() == "call the dentist"
    assert find_reminder("buy milk")[0] is None
