"""Reminder times: "at 5pm", "tomorrow morning", "in 2 hours", "30 min before", ISO forms.

A reminder is an instant (aware, UTC). Words relative to the task's due time ("30 min
before", "the day before", "when it's due") need the due; a day without a time reminds at a
fixed hour of the person's morning, and a day part at its usual hour ("tomorrow evening" is
18:00). A time that has already passed is ``InvalidDate``: nobody can be reminded yesterday.

:func:`find_reminder` locates the phrases only reminders have ("30 min before", "when it's
due") inside a message, for the rules agent; ordinary day and time words are found with
:func:`bot.dates.find_due`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.dates.clock import find_time
from bot.dates.days import COUNT_WORDS
from bot.dates.due import found_due, parse_due
from bot.dates.lazy import LazyPattern
from bot.dates.phrases import resolve_date_phrase
from bot.errors import InvalidDate
from bot.tasks import Due

MORNING = time(9, 0)
PART_TIMES = {
    "morning": MORNING,
    "afternoon": time(15, 0),
    "evening": time(18, 0),
    "eve": time(18, 0),
    "night": time(20, 0),
}
_COUNT = (
    r"(?:\d{1,4}|an?|one|two|three|four|five|six|seven|eight|nine|ten|twelve|half\s+an?|"
    r"a\s+few)"
)
_UNIT = r"(?:minutes?|mins?|m|hours?|hrs?|h|days?|d|weeks?|wks?)"
_BEFORE = LazyPattern(
    rf"\b(?P<n>{_COUNT})\s*(?P<unit>{_UNIT})\s+(?:before|earlier|ahead|prior)\b"
    r"(?:\s+(?:it(?:'?s|\s+is)\s+due|the\s+(?:deadline|due\s+time)|(?:it|that)\s+starts))?"
    r"|\bthe\s+(?P<daybefore>day|night|evening)\s+before\b",
    re.IGNORECASE,
)
_AT_DUE = LazyPattern(
    r"\b(?:when\s+it(?:'?s|\s+is)\s+due|at\s+(?:the\s+)?due\s+time|on\s+time|when\s+due)\b",
    re.IGNORECASE,
)
_IN = LazyPattern(rf"^(?:in|within|after)\s+(?P<n>{_COUNT})\s*(?P<unit>{_UNIT})$", re.IGNORECASE)
_ISO = LazyPattern(r"^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}.*)?$")


@dataclass(frozen=True, slots=True)
class FoundReminder:
    """A reminder phrase relative to the due time, found in a message (``phrase`` as written)."""

    phrase: str
    start: int
    end: int


def find_reminder(text: str) -> tuple[FoundReminder | None, str]:
    """The phrase in ``text`` that sets a reminder relative to the due time, and the rest."""
    match = _BEFORE.search(text) or _AT_DUE.search(text)
    if match is None:
        return None, text
    found = FoundReminder(match[0].strip(), match.start(), match.end())
    return found, text[: match.start()] + " " + text[match.end() :]


def parse_reminder(text: str, *, now: datetime, tz: ZoneInfo, due: Due | None) -> datetime:
    """Read ``text`` as a reminder time (aware UTC); ``InvalidDate`` if unreadable or past."""
    cleaned = " ".join(text.split()).strip(" .!")
    cleaned = re.sub(r"^(?:remind\s+me\s+)?(?:again\s+)?", "", cleaned, flags=re.IGNORECASE)
    if not cleaned:
        raise InvalidDate("The reminder time is empty.")
    moment = _read(cleaned, now=now, tz=tz, due=due)
    if moment <= now - timedelta(minutes=1):
        raise InvalidDate(f"{cleaned[:1].upper()}{cleaned[1:]} has already passed.")
    return moment.astimezone(UTC)


def day_reminder(day: date, tz: ZoneInfo, clock: time = MORNING) -> datetime:
    """The moment to remind about a day said without a time."""
    return datetime.combine(day, clock, tzinfo=tz)


def _read(text: str, *, now: datetime, tz: ZoneInfo, due: Due | None) -> datetime:
    if _ISO.match(text):
        parsed = parse_due(text, now=now, tz=tz)
        return parsed.at if parsed.has_time else day_reminder(parsed.at.date(), tz)
    if match := _IN.match(text):
        return now + _amount(match["n"], match["unit"])
    if (match := _BEFORE.fullmatch(text)) or _AT_DUE.fullmatch(text):
        if due is None:
            raise InvalidDate("That reminder is relative to the due time, and the task has none.")
        base = due.at if due.has_time else day_reminder(due.at.date(), tz)
        if match is None:
            return base
        if match["daybefore"]:
            clock = PART_TIMES["evening"] if match["daybefore"] != "day" else None
            moment = base - timedelta(days=1)
            if clock is not None:
                moment = datetime.combine(moment.astimezone(tz).date(), clock, tzinfo=tz)
            return moment
        return base - _amount(match["n"], match["unit"])
    local_now = now.astimezone(tz).replace(tzinfo=None)
    found = resolve_date_phrase(text, now=local_now)
    if found is None:
        # Not in the grammar: the due reader's fallback, which knows more spellings.
        parsed = parse_due(text, now=now, tz=tz)
        return parsed.at if parsed.has_time else day_reminder(parsed.at.date(), tz)
    if found.clock is None and found.problem is None:
        return day_reminder(found.day, tz, PART_TIMES.get(found.part or "", MORNING))
    return found_due(found, tz).at


def _amount(count: str, unit: str) -> timedelta:
    word = " ".join(count.lower().split())
    if word.startswith("half"):
        minutes = 30.0
    else:
        number = int(word) if word.isdigit() else COUNT_WORDS.get(word, 1)
        minutes = number * {"m": 1, "h": 60, "d": 1440, "w": 10080}[unit.lower()[0]]
    if word.startswith("half") and unit.lower()[0] != "h":
        raise InvalidDate(f"I couldn't understand 'half a {unit}'.")
    if minutes > 366 * 1440:
        raise InvalidDate("That is more than a year away.")
    return timedelta(minutes=minutes)


_CLOCK_ONLY = LazyPattern(r"^(?P<h>[01]?\d|2[0-3])(?::(?P<m>[0-5]\d))?$")


def parse_clock(text: str) -> time:
    """A time of day: "08:00", "8", "8am", "7:30 pm", "noon", "morning"; ``InvalidDate`` else."""
    cleaned = " ".join(text.lower().split()).removeprefix("at ").strip()
    if cleaned in PART_TIMES:
        return PART_TIMES[cleaned]
    if match := _CLOCK_ONLY.match(cleaned):
        return time(int(match["h"]), int(match["m"] or 0))
    found = find_time(cleaned, part="morning")
    if found is None or cleaned[: found[0]].strip() or cleaned[found[1] :].strip():
        raise InvalidDate(f"I couldn't understand {text!r} as a time of day, e.g. 08:00.")
    return found[2]
