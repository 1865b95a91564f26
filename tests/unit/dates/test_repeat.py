"""Repeat rules: phrases and raw RRULEs, first and next occurrences, daylight-saving safety."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.dates import describe_repeat, find_repeat, next_occurrence, parse_repeat
from bot.errors import InvalidDate
from bot.tasks import Due

NOW = datetime(2026, 11, 18, 9, 0, tzinfo=UTC)  # Wednesday
BERLIN = ZoneInfo("Europe/Berlin")


@pytest.mark.parametrize(
    ("text", "rule", "first"),
    [
        (
            "every monday at 10",
            "FREQ=WEEKLY;BYDAY=MO;BYHOUR=10;BYMINUTE=0",
            "2026-11-23T10:00+01:00",
        ),
        ("every weekday", "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", "2026-11-18"),
        ("every 2 weeks on friday", "FREQ=WEEKLY;INTERVAL=2;BYDAY=FR", "2026-11-20"),
        ("on the 1st of every month", "FREQ=MONTHLY;BYMONTHDAY=1", "2026-12-01"),
        ("daily", "FREQ=DAILY", "2026-11-18"),
        ("every morning at 8", "FREQ=DAILY;BYHOUR=8;BYMINUTE=0", "2026-11-19T08:00+01:00"),
        ("monthly", "FREQ=MONTHLY;BYMONTHDAY=18", "2026-11-18"),
        ("weekly", "FREQ=WEEKLY;BYDAY=WE", "2026-11-18"),
        ("every sunday", "FREQ=WEEKLY;BYDAY=SU", "2026-11-22"),
        ("FREQ=WEEKLY;BYDAY=MO", "FREQ=WEEKLY;BYDAY=MO", "2026-11-23"),
        (
            "RRULE:FREQ=DAILY;BYHOUR=7;BYMINUTE=15",
            "FREQ=DAILY;BYHOUR=7;BYMINUTE=15",
            "2026-11-19T07:15+01:00",
        ),
        ("the last day of every month", "FREQ=MONTHLY;BYMONTHDAY=-1", "2026-11-30"),
        ("every first monday of the month", "FREQ=MONTHLY;BYDAY=1MO", "2026-12-07"),
        ("every year on march 3", "FREQ=YEARLY;BYMONTH=3;BYMONTHDAY=3", "2027-03-03"),
    ],
)
def test_phrases_become_explicit_rules(text: str, rule: str, first: str) -> None:
    recurrence = parse_repeat(text, now=NOW, tz=BERLIN)
    assert recurrence.rule == rule
    assert recurrence.first.export(BERLIN) == first


@pytest.mark.parametrize(
    "text", ["", "hourly", "FREQ=MINUTELY", "FREQ=WEEKLY;BYDAY=XX", "every blue moon", "sometimes"]
)
def test_unreadable_or_too_frequent_rules_are_invalid(text: str) -> None:
    with pytest.raises(InvalidDate):
        parse_repeat(text, now=NOW, tz=BERLIN)


def test_find_repeat_cuts_the_phrase_and_its_time_out_of_a_title() -> None:
    found, rest = find_repeat("standup notes every weekday at 9:30", now=datetime(2026, 11, 18))
    assert found is not None
    assert found.rule == "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR;BYHOUR=9;BYMINUTE=30"
    assert found.has_time
    assert rest.strip() == "standup notes"
    found, rest = find_repeat("water the plants every sunday", now=datetime(2026, 11, 18))
    assert found is not None and found.rule == "FREQ=WEEKLY;BYDAY=SU"
    assert rest.strip() == "water the plants"
    plain = "buy everyday milk"
    assert find_repeat(plain, now=datetime(2026, 11, 18)) == (None, plain)


def test_nine_stays_nine_across_daylight_saving() -> None:
    # Berlin leaves summer time on Sunday 25 Oct 2026.
    saturday = Due.at_instant(datetime(2026, 10, 24, 9, 0, tzinfo=BERLIN))
    rule = "FREQ=DAILY;BYHOUR=9;BYMINUTE=0"
    sunday = next_occurrence(rule, after=saturday.at, tz=BERLIN, has_time=True)
    assert sunday is not None
    assert sunday.at.astimezone(BERLIN).hour == 9
    assert sunday.at - saturday.at == (datetime(2026, 10, 25, 8, 0, tzinfo=UTC) - saturday.at)
    assert sunday.at.isoformat() == "2026-10-25T08:00:00+00:00"  # 7:00 UTC before, 8:00 after


def test_next_occurrence_keeps_interval_alignment_and_skips_to_now() -> None:
    rule = "FREQ=WEEKLY;INTERVAL=2;BYDAY=FR"
    friday = datetime(2026, 11, 20, tzinfo=UTC)
    following = next_occurrence(rule, after=friday, tz=BERLIN, has_time=False)
    assert following == Due.on(date(2026, 12, 4))
    late = next_occurrence(
        rule, after=friday, tz=BERLIN, has_time=False, not_before=datetime(2026, 12, 9, tzinfo=UTC)
    )
    assert late == Due.on(date(2026, 12, 18))


def test_a_rule_without_time_keeps_the_task_time() -> None:
    nine = datetime(2026, 11, 23, 9, 0, tzinfo=BERLIN)
    following = next_occurrence("FREQ=WEEKLY;BYDAY=MO", after=nine, tz=BERLIN, has_time=True)
    assert following is not None and following.export(BERLIN) == "2026-11-30T09:00+01:00"


def test_a_finished_rule_has_no_next_occurrence() -> None:
    rule = "FREQ=DAILY;COUNT=1"
    assert next_occurrence(rule, after=NOW, tz=BERLIN, has_time=True) is None


@pytest.mark.parametrize(
    ("rule", "words"),
    [
        ("FREQ=WEEKLY;BYDAY=MO;BYHOUR=10;BYMINUTE=0", "every Monday at 10:00"),
        ("FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", "every weekday"),
        ("FREQ=WEEKLY;INTERVAL=2;BYDAY=FR", "every 2 weeks on Friday"),
        ("FREQ=MONTHLY;BYMONTHDAY=1", "every month on the 1st"),
        ("FREQ=MONTHLY;BYDAY=-1FR", "every month on the last Friday"),
        ("FREQ=DAILY", "every day"),
    ],
)
def test_rules_in_words(rule: str, words: str) -> None:
    assert describe_repeat(rule) == words
