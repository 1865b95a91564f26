"""Due dates from what people and models write, in the person's timezone.

ISO forms are read exactly; anything else goes through ``dateparser`` with the person's clock
and zone. Whether a time of day was given decides between a date and a date-time.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import dateparser

from bot.errors import InvalidDate, UnknownTimezone
from bot.tasks import Due

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ISO_DATETIME = re.compile(
    r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$"
)
_TIME_WORDS = re.compile(
    r"\d\s*(am|pm|a\.m\.|p\.m\.)\b|\b\d{1,2}:\d{2}\b|\b(noon|midnight|tonight|morning|"
    r"afternoon|evening|hours?|minutes?|mins?|hrs?)\b",
    re.IGNORECASE,
)
_NAMED_TIMES = {"noon": time(12, 0), "midnight": time(0, 0)}


def zone(name: str) -> ZoneInfo:
    """The IANA zone ``name``, or ``UnknownTimezone``."""
    try:
        return ZoneInfo(name.strip())
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise UnknownTimezone(
            f"I don't know the timezone {name!r}. Use an IANA name such as Europe/Berlin."
        ) from exc


def parse_due(text: str, *, now: datetime, tz: ZoneInfo) -> Due:
    """Read ``text`` as a due date in ``tz``; ``InvalidDate`` when it cannot be understood."""
    cleaned = text.strip()
    if not cleaned:
        raise InvalidDate("The due date is empty.")
    if _ISO_DATE.match(cleaned):
        try:
            return Due.on(date.fromisoformat(cleaned))
        except ValueError as exc:
            raise InvalidDate(f"{cleaned!r} is not a real date.") from exc
    if _ISO_DATETIME.match(cleaned):
        try:
            moment = datetime.fromisoformat(cleaned.replace("Z", "+00:00"))
        except ValueError as exc:
            raise InvalidDate(f"{cleaned!r} is not a real date and time.") from exc
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=tz)
        return Due.at_instant(moment)
    return _parse_words(cleaned, now=now, tz=tz)


def _parse_words(text: str, *, now: datetime, tz: ZoneInfo) -> Due:
    local_now = now.astimezone(tz).replace(tzinfo=None)
    settings = {
        "TIMEZONE": str(tz),
        "RETURN_AS_TIMEZONE_AWARE": False,
        "RELATIVE_BASE": local_now,
        "PREFER_DATES_FROM": "future",
        "PREFER_DAY_OF_MONTH": "first",
    }
    parsed = dateparser.parse(text, languages=["en"], settings=settings)
    if parsed is None:
        raise InvalidDate(f"I couldn't understand {text!r} as a date.")
    lowered = text.lower()
    if lowered in _NAMED_TIMES:
        parsed = datetime.combine(local_now.date(), _NAMED_TIMES[lowered])
        if parsed <= local_now:
            parsed += timedelta(days=1)
    if _TIME_WORDS.search(text):
        return Due.at_instant(parsed.replace(tzinfo=tz))
    return Due.on(parsed.date())


def describe_due(due: Due, *, now: datetime, tz: ZoneInfo) -> str:
    """Due date in words relative to today: "today", "tomorrow at 5:00 PM", "Fri 5 Dec"."""
    today = now.astimezone(tz).date()
    day = due.local_date(tz)
    delta = (day - today).days
    if delta == 0:
        words = "today"
    elif delta == 1:
        words = "tomorrow"
    elif delta == -1:
        words = "yesterday"
    elif 1 < delta < 7:
        words = day.strftime("%A")
    else:
        words = f"{day.strftime('%a')} {day.day} {day.strftime('%b')}"
        if day.year != today.year:
            words += f" {day.year}"
    if due.has_time:
        local = due.at.astimezone(tz)
        hour = local.hour % 12 or 12
        suffix = "AM" if local.hour < 12 else "PM"
        words += f" at {hour}:{local.minute:02d} {suffix}"
    return words
