"""One date reader: the tools' ``parse_due`` and the rules agent's finder agree on every phrase."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.dates import find_due, parse_due
from bot.errors import InvalidDate

NOW = datetime(2026, 11, 18, 9, 0, tzinfo=UTC)  # Wednesday 18 Nov
UTC_ZONE = ZoneInfo("UTC")
SHARED_PHRASES = [
    "next friday",
    "friday",
    "this friday",
    "end of the month",
    "this weekend",
    "next weekend",
    "tomorrow",
    "the day after tomorrow",
    "in 10 days",
    "in a fortnight",
    "next week",
    "dec 5",
    "5th of december",
    "12/24",
    "the 1st",
    "tomorrow at 5pm",
    "friday 4pm",
    "tonight at 8",
    "eom",
]


@pytest.mark.parametrize("phrase", SHARED_PHRASES)
def test_the_modal_and_chat_read_a_phrase_alike(phrase: str) -> None:
    found, _ = find_due(f"water plants {phrase}", now=NOW.replace(tzinfo=None))
    assert found is not None
    assert parse_due(phrase, now=NOW, tz=UTC_ZONE).export(UTC_ZONE)[:16] == found.value


def test_a_holiday_alone_is_a_date() -> None:
    assert parse_due("christmas", now=NOW, tz=UTC_ZONE).export(UTC_ZONE) == "2026-12-25"


def test_next_friday_on_wednesday_18_is_the_27th_everywhere() -> None:
    assert parse_due("next friday", now=NOW, tz=UTC_ZONE).export(UTC_ZONE) == "2026-11-27"
    assert parse_due("friday", now=NOW, tz=UTC_ZONE).export(UTC_ZONE) == "2026-11-20"


@pytest.mark.parametrize(
    ("phrase", "reason"),
    [
        ("feb 30", "not a real date"),
        ("2027-02-30", "not a real date"),
        ("yesterday", "in the past"),
        ("last friday", "in the past"),
        ("3 days ago", "in the past"),
    ],
)
def test_impossible_and_past_dates_get_a_reason(phrase: str, reason: str) -> None:
    with pytest.raises(InvalidDate, match=reason):
        parse_due(phrase, now=NOW, tz=UTC_ZONE)


def test_a_past_or_impossible_date_is_found_not_left_in_the_title() -> None:
    found, rest = find_due("pay the bill by yesterday", now=NOW.replace(tzinfo=None))
    assert found is not None and found.problem == "yesterday is in the past."
    assert found.value == "yesterday"
    assert rest.strip() == "pay the bill"
    found, rest = find_due("party on feb 30", now=NOW.replace(tzinfo=None))
    assert found is not None and found.problem is not None
    assert rest.strip() == "party"


@pytest.mark.parametrize(
    "text", ["write notes from yesterday", "compare with last year", "since last week fix"]
)
def test_past_words_that_are_no_due_date_stay(text: str) -> None:
    found, rest = find_due(text, now=NOW.replace(tzinfo=None))
    assert found is None
    assert rest == text


def test_dateparser_fallback_is_cached() -> None:
    from bot.dates import due

    due._dateparser_cached.cache_clear()
    parse_due("5 december 2027 15h", now=NOW, tz=UTC_ZONE)
    parse_due("5 december 2027 15h", now=NOW, tz=UTC_ZONE)
    assert due._dateparser_cached.cache_info().hits >= 1


def test_the_finder_needs_no_dateparser(monkeypatch: pytest.MonkeyPatch) -> None:
    import dateparser

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("dateparser called")

    monkeypatch.setattr(dateparser, "parse", refuse)
    for phrase in SHARED_PHRASES:
        parse_due(phrase, now=NOW, tz=UTC_ZONE)
