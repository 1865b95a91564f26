"""Due dates from ISO forms and words, in the person's timezone."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.dates import describe_due, parse_due, zone
from bot.errors import InvalidDate, UnknownTimezone
from bot.tasks import Due

NOW = datetime(2026, 11, 18, 9, 0, tzinfo=UTC)  # Wednesday
BERLIN = ZoneInfo("Europe/Berlin")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-12-05", "2026-12-05"),
        ("2026-12-05T17:00", "2026-12-05T17:00+01:00"),
        ("2026-12-05T16:00Z", "2026-12-05T17:00+01:00"),
        ("tomorrow", "2026-11-19"),
        ("tomorrow 5pm", "2026-11-19T17:00+01:00"),
        ("friday", "2026-11-20"),
        ("in 3 days", "2026-11-21"),
    ],
)
def test_parse_due(text: str, expected: str) -> None:
    assert parse_due(text, now=NOW, tz=BERLIN).export(BERLIN) == expected


@pytest.mark.parametrize("text", ["", "   ", "2026-02-30", "the twelfth of never", "soonish"])
def test_unparseable_dates_are_user_facing_errors(text: str) -> None:
    with pytest.raises(InvalidDate):
        parse_due(text, now=NOW, tz=BERLIN)


def test_unknown_timezone() -> None:
    with pytest.raises(UnknownTimezone):
        zone("Mars/Olympus")


def test_describe_due_in_words() -> None:
    assert describe_due(Due.on(date(2026, 11, 18)), now=NOW, tz=BERLIN) == "today"
    assert describe_due(Due.on(date(2026, 11, 19)), now=NOW, tz=BERLIN) == "tomorrow"
    assert describe_due(Due.on(date(2026, 12, 5)), now=NOW, tz=BERLIN) == "Sat 5 Dec"
    evening = Due.at_instant(datetime(2026, 11, 20, 17, 30, tzinfo=BERLIN))
    assert describe_due(evening, now=NOW, tz=BERLIN) == "Friday at 5:30 PM"
    assert describe_due(Due.on(date(2027, 1, 15)), now=NOW, tz=BERLIN) == "Fri 15 Jan 2027"


def test_a_date_alone_is_the_same_calendar_day_in_every_zone() -> None:
    due = Due.on(date(2026, 12, 1))
    assert due.local_date(ZoneInfo("Pacific/Auckland")) == date(2026, 12, 1)
    assert due.local_date(ZoneInfo("America/Los_Angeles")) == date(2026, 12, 1)
    assert not due.is_overdue(datetime(2026, 12, 1, 23, 0, tzinfo=UTC), ZoneInfo("UTC"))
    assert due.is_overdue(datetime(2026, 12, 2, 0, 1, tzinfo=UTC), ZoneInfo("UTC"))


AFTERNOON = datetime(2026, 11, 18, 14, 30, tzinfo=UTC)  # 15:30 in Berlin, a Wednesday


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("9am", "2026-11-19T09:00+01:00"),  # already past today: the next 9 am
        ("3pm", "2026-11-19T15:00+01:00"),
        ("17:30", "2026-11-18T17:30+01:00"),
        ("at 9", "2026-11-19T09:00+01:00"),  # a time, not September
        ("at 5", "2026-11-18T17:00+01:00"),  # "at 5" means the afternoon
        ("the 1st", "2026-12-01"),  # the next 1st, not next January
        ("tomorrow 9", "2026-11-19T09:00+01:00"),  # the hour is kept
        ("friday 5pm", "2026-11-20T17:00+01:00"),
        ("dec 5", "2026-12-05"),  # a day of the month is not an hour
        ("dec 5 at 9", "2026-12-05T09:00+01:00"),
        ("noon", "2026-11-19T12:00+01:00"),
    ],
)
def test_times_are_read_as_people_mean_them(text: str, expected: str) -> None:
    assert parse_due(text, now=AFTERNOON, tz=BERLIN).export(BERLIN) == expected
