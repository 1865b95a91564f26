"""Due dates from what people and models write, in the person's timezone.

ISO forms are read exactly. Words go through the one date grammar (:mod:`bot.dates.phrases`),
the same the rules agent uses, so "next friday" means the same day in chat, in the Slack
modal, on Discord and in an import. Only what that grammar does not know falls back to
``dateparser``, cached, because it can take several milliseconds on the event loop. Whether a
time of day was given decides between a date and a date-time. Words that name a past day
("yesterday") or no real day ("feb 30") are ``InvalidDate`` with a reason.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.dates.lazy import LazyPattern, compile_all
from bot.dates.phrases import FoundDue, resolve_date_phrase
from bot.errors import InvalidDate, UnknownTimezone
from bot.tasks import Due

_ISO_DATE = LazyPattern(r"^\d{4}-\d{2}-\d{2}$")
_ISO_DATETIME = LazyPattern(
    r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$"
)
_TIME_WORDS = LazyPattern(
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


# A clock time on its own or after a day: "9am", "at 9", "17:30", "tomorrow 9", "friday 5pm".
_CLOCK = r"(?P<hour>\d{1,2})(?::(?P<minute>\d{2}))?\s*(?P<half>a\.?m\.?|p\.?m\.?)?"
_TIME_ONLY = LazyPattern(rf"^(?:at\s+)?{_CLOCK}$", re.IGNORECASE)
_DAY_THEN_TIME = LazyPattern(rf"^(?P<day>.+?)\s+(?P<at>at\s+)?{_CLOCK}$", re.IGNORECASE)
_ORDINAL_DAY = LazyPattern(r"^(?:the\s+)?(?P<day>\d{1,2})(?:st|nd|rd|th)$", re.IGNORECASE)
_RELATIVE_DAYS = LazyPattern(
    r"^(today|tonight|tomorrow|tmrw|(next\s+|this\s+)?(mon|tue|wed|thu|fri|sat|sun)[a-z]*)$",
    re.IGNORECASE,
)


def _clock(match: re.Match[str], *, explicit: bool) -> time | None:
    """The time a clock match names, or None when it is not clearly a time of day.

    A bare hour is a time only when ``explicit`` ("at 9", after "tomorrow"); then 1–6 mean the
    afternoon, as people mean "at 5".
    """
    hour, minute, half = int(match["hour"]), int(match["minute"] or 0), match["half"]
    if not (half or match["minute"] or explicit) or minute > 59:
        return None
    if half:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if half.lower().startswith("p") else 0)
    elif match["minute"] is None and 1 <= hour <= 6:
        hour += 12
    return time(hour, minute) if hour < 24 else None


def _next_at(clock: time, local_now: datetime) -> datetime:
    moment = datetime.combine(local_now.date(), clock)
    return moment if moment > local_now else moment + timedelta(days=1)


def _next_day_of_month(day: int, local_now: datetime) -> date | None:
    year, month = local_now.year, local_now.month
    for _ in range(12):
        try:
            candidate = date(year, month, day)
        except ValueError:
            candidate = None
        if candidate is not None and candidate >= local_now.date():
            return candidate
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return None


def found_due(found: FoundDue, tz: ZoneInfo) -> Due:
    """The :class:`Due` a found phrase names in ``tz`` (``InvalidDate`` when it has a problem)."""
    if found.problem is not None:
        raise InvalidDate(_capitalised(found.problem))
    if found.clock is None:
        return Due.on(found.day)
    return Due.at_instant(datetime.combine(found.day, found.clock, tzinfo=tz))


def _capitalised(sentence: str) -> str:
    return sentence[:1].upper() + sentence[1:]


def _dateparser(text: str, local_now: datetime, tz: ZoneInfo) -> datetime | None:
    # Keyed by the minute: the same words on the same clock read the same, and a repeated
    # phrase costs nothing the second time.
    return _dateparser_cached(text, local_now.replace(second=0, microsecond=0), str(tz))


def warm_up() -> None:
    """Load ``dateparser`` and its English data now (a fifth of a second), and compile every
    pattern of the modules loaded so far (the rules agent's too), for a server that would
    otherwise pay each on the event loop with the first message that needs it."""
    _dateparser_cached("in 2 days", datetime(2026, 1, 1), "UTC")  # noqa: DTZ001 (naive base)
    _dateparser_cached.cache_clear()
    compile_all()


@lru_cache(maxsize=4096)
def _dateparser_cached(text: str, local_now: datetime, tz_name: str) -> datetime | None:
    # Imported on first use: most messages never reach it, and it is a sixth of a start-up.
    import dateparser

    settings = {
        "TIMEZONE": tz_name,
        "RETURN_AS_TIMEZONE_AWARE": False,
        "RELATIVE_BASE": local_now,
        "PREFER_DATES_FROM": "future",
        "PREFER_DAY_OF_MONTH": "first",
    }
    return dateparser.parse(text, languages=["en"], settings=settings)


def _parse_words(text: str, *, now: datetime, tz: ZoneInfo) -> Due:
    local_now = now.astimezone(tz).replace(tzinfo=None)
    lowered = " ".join(text.lower().split())
    # "christmas" alone is a date here; in a message the finder wants "by christmas".
    found = resolve_date_phrase(lowered, now=local_now) or resolve_date_phrase(
        f"by {lowered}", now=local_now
    )
    if found is not None:
        return found_due(found, tz)
    if lowered in _NAMED_TIMES:
        return Due.at_instant(_next_at(_NAMED_TIMES[lowered], local_now).replace(tzinfo=tz))
    # Forms dateparser reads differently from people: "at 9" (not September), "9am" at 3 pm
    # (tomorrow, not this morning), "the 1st" (the next 1st), "tomorrow 9" (keeps the hour).
    if match := _TIME_ONLY.match(lowered):
        clock = _clock(match, explicit=lowered.startswith("at "))
        if clock is not None:
            return Due.at_instant(_next_at(clock, local_now).replace(tzinfo=tz))
    if match := _ORDINAL_DAY.match(lowered):
        day = _next_day_of_month(int(match["day"]), local_now)
        if day is not None:
            return Due.on(day)
    if match := _DAY_THEN_TIME.match(lowered):
        explicit = bool(match["at"]) or bool(_RELATIVE_DAYS.match(match["day"]))
        clock = _clock(match, explicit=explicit)
        day_part = _dateparser(match["day"], local_now, tz) if clock is not None else None
        if clock is not None and day_part is not None:
            return Due.at_instant(datetime.combine(day_part.date(), clock, tzinfo=tz))
    parsed = _dateparser(text, local_now, tz)
    if parsed is None:
        raise InvalidDate(f"I couldn't understand {text!r} as a date.")
    if _TIME_WORDS.search(text):
        if parsed < local_now - timedelta(minutes=1):
            raise InvalidDate(f"{_capitalised(text)} is in the past.")
        return Due.at_instant(parsed.replace(tzinfo=tz))
    if parsed.date() < local_now.date():
        raise InvalidDate(f"{_capitalised(text)} is in the past.")
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
