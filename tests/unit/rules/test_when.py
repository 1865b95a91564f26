"""Date and time phrases: found, resolved on the person's clock, and cut out of the title."""

from __future__ import annotations

from datetime import datetime

import pytest

from bot.agents.rules.when import find_due, resolve_date_phrase, shift

# A Wednesday morning, as in the evaluation cases, so weekday arithmetic is visible.
NOW = datetime(2026, 11, 18, 9, 0)


@pytest.mark.parametrize(
    ("text", "due", "rest"),
    [
        ("water plants today", "2026-11-18", "water plants"),
        ("call the vet tmrw", "2026-11-19", "call the vet"),
        ("call the vet tomorow", "2026-11-19", "call the vet"),
        ("pay back Tom the day after tomorrow", "2026-11-20", "pay back Tom"),
        ("laundry on saturday", "2026-11-21", "laundry"),
        ("laundry this sunday", "2026-11-22", "laundry"),
        ("sync with Ana next tuesday", "2026-11-24", "sync with Ana"),
        ("sync with Ana wednesday", "2026-11-25", "sync with Ana"),
        ("sync with Ana this wednesday", "2026-11-18", "sync with Ana"),
        ("file report by fri", "2026-11-20", "file report"),
        ("renew lease in 10 days", "2026-11-28", "renew lease"),
        ("renew lease in a couple of days", "2026-11-20", "renew lease"),
        ("book trip in three weeks", "2026-12-09", "book trip"),
        ("book trip 2 weeks from now", "2026-12-02", "book trip"),
        ("plan offsite next week", "2026-11-23", "plan offsite"),
        ("close the books by end of the month", "2026-11-30", "close the books"),
        ("close the books eom", "2026-11-30", "close the books"),
        ("wrap up draft by end of week", "2026-11-20", "wrap up draft"),
        ("clean gutters this weekend", "2026-11-21", "clean gutters"),
        ("order cake for Dec 5", "2026-12-05", "order cake"),
        ("order cake for December 5th", "2026-12-05", "order cake"),
        ("order cake for the 5th of december", "2026-12-05", "order cake"),
        ("send invoice 3 dec", "2026-12-03", "send invoice"),
        ("renew card in march 2", "2027-03-02", "renew card in"),
        ("renew card on Feb 10 2028", "2028-02-10", "renew card"),
        ("buy flowers 2/14", "2027-02-14", "buy flowers"),
        ("buy flowers 12/24/2026", "2026-12-24", "buy flowers"),
        ("tax return due 2027-04-30", "2027-04-30", "tax return"),
        ("pay rent on the 1st", "2026-12-01", "pay rent"),
        ("pay rent on the 20th", "2026-11-20", "pay rent"),
        ("new year's plan by sept 1", "2027-09-01", "new year's plan"),
    ],
)
def test_a_date_alone_stays_a_date(text: str, due: str, rest: str) -> None:
    found, remaining = find_due(text, now=NOW)
    assert found is not None
    assert found.value == due
    assert " ".join(remaining.split()) == rest


@pytest.mark.parametrize(
    ("text", "due"),
    [
        ("standup 9:30am tomorrow", "2026-11-19T09:30"),
        ("standup tomorrow at 9:30", "2026-11-19T09:30"),
        ("demo friday 4pm", "2026-11-20T16:00"),
        ("demo friday at 4 pm", "2026-11-20T16:00"),
        ("demo 16:45 on friday", "2026-11-20T16:45"),
        ("lunch with Jo at noon", "2026-11-18T12:00"),
        ("call Ed at 5", "2026-11-18T17:00"),
        ("gym tomorrow morning at 7", "2026-11-19T07:00"),
        ("taxes at 8am", "2026-11-19T08:00"),
        ("drinks tonight at 8", "2026-11-18T20:00"),
        ("dentist dec 3 at 10am", "2026-12-03T10:00"),
        ("check oven in 2 hours", "2026-11-18T11:00"),
        ("check oven in 45 minutes", "2026-11-18T09:45"),
        ("ship it at midnight", "2026-11-19T00:00"),
    ],
)
def test_a_time_makes_a_date_time(text: str, due: str) -> None:
    found, _ = find_due(text, now=NOW)
    assert found is not None
    assert found.value == due


@pytest.mark.parametrize(
    "text",
    [
        "1:1 prep",
        "prep slides for the 1:1",
        "buy 2 lbs of apples",
        "read chapter 12",
        "call 911 training",
        "sun cream",
        "sat exam prep",
        "may the fourth party ideas",
        "march for climate sign",
        "fix the mon-fri schedule",
    ],
)
def test_no_date_where_there_is_none(text: str) -> None:
    found, remaining = find_due(text, now=NOW)
    assert found is None
    assert remaining == text


def test_a_vague_day_part_does_not_invent_a_time() -> None:
    found, rest = find_due("take out the bins tonight", now=NOW)
    assert found is not None and found.value == "2026-11-18"
    assert rest.strip() == "take out the bins"
    morning, _ = find_due("call bank tomorrow morning", now=NOW)
    assert morning is not None and morning.value == "2026-11-19"


def test_a_time_already_past_today_means_tomorrow() -> None:
    found, _ = find_due("call at 8am", now=NOW)
    assert found is not None and found.value == "2026-11-19T08:00"


def test_resolve_date_phrase_accepts_only_a_date() -> None:
    assert resolve_date_phrase("next monday", now=NOW) is not None
    assert resolve_date_phrase("on the 1st", now=NOW) is not None
    assert resolve_date_phrase("buy oat milk", now=NOW) is None
    assert resolve_date_phrase("friday with Sam", now=NOW) is None


def test_shift_clamps_month_ends() -> None:
    assert shift(datetime(2027, 1, 31).date(), 1, "month").isoformat() == "2027-02-28"
    assert shift(datetime(2026, 12, 30).date(), 3, "day").isoformat() == "2027-01-02"
    assert shift(datetime(2026, 11, 18).date(), 2, "week").isoformat() == "2026-12-02"
