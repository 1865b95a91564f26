"""Repeat rules: "every monday at 10", "every weekday", "on the 1st of every month", "daily".

A recurrence is stored as an RFC 5545 RRULE without the ``RRULE:`` prefix, always explicit
about its days ("weekly" said on a Wednesday is ``FREQ=WEEKLY;BYDAY=WE``), so the next
occurrence depends only on the rule and the current one. Occurrences are computed by
python-dateutil's ``rrule`` on the owner's local wall clock and only then placed in the zone,
so 9:00 stays 9:00 across daylight-saving changes.

:func:`find_repeat` locates the phrase inside a message (for the rules agent, which cuts it
out of the title); :func:`parse_repeat` reads a whole phrase or a raw RRULE.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from dateutil.rrule import rrule, rrulestr

from bot.dates.clock import find_time
from bot.dates.days import COUNT_WORDS, MONTHS
from bot.dates.lazy import LazyPattern
from bot.errors import InvalidDate
from bot.tasks import Due

_DAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
_WD = (
    r"(?:mon(?:day)?|tue(?:s(?:day)?)?|wed(?:nesday)?|thu(?:r(?:s(?:day)?)?)?|fri(?:day)?|"
    r"sat(?:urday)?|sun(?:day)?)s?"
)
_WD_LIST = rf"{_WD}(?:\s*(?:,|and|&|/|\bor\b)?\s*{_WD})*"
_EVERY = r"(?:every|each|evry|on\s+every)"
_N = r"(?:\d{1,3}|other|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)"
_ORD = r"(?P<d>\d{1,2})(?:st|nd|rd|th)?"
_NTH = r"(?P<nth>first|1st|second|2nd|third|3rd|fourth|4th|last)"
_MONTH = r"(?P<mon>jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?"
_PART_TIMES = {
    "morning": time(9, 0),
    "afternoon": time(15, 0),
    "evening": time(18, 0),
    "night": time(20, 0),
}
_SUPPORTED = frozenset({"DAILY", "WEEKLY", "MONTHLY", "YEARLY"})

_PATTERNS: tuple[tuple[str, LazyPattern], ...] = tuple(
    (name, LazyPattern(pattern, re.IGNORECASE))
    for name, pattern in (
        ("month_last", r"\b(?:on\s+)?the\s+last\s+day\s+of\s+(?:every|each|the)\s+month\b"),
        (
            "month_nth_weekday",
            rf"\b(?:on\s+)?(?:the\s+|every\s+|each\s+)?{_NTH}\s+(?P<wd>{_WD})\s+of\s+"
            r"(?:every|each|the)\s+month\b",
        ),
        (
            "month_day",
            rf"\b(?:on\s+)?(?:the\s+)?{_ORD}\s+(?:day\s+)?of\s+(?:every|each|the)\s+month\b|"
            rf"\b{_EVERY}\s+month\s+on\s+the\s+(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?\b|"
            rf"\b(?:every|each)\s+(?P<d3>\d{{1,2}})(?:st|nd|rd|th)(?:\s+of\s+the\s+month)?\b|"
            rf"\bmonthly\s+on\s+the\s+(?P<d4>\d{{1,2}})(?:st|nd|rd|th)?\b",
        ),
        (
            "year_day",
            rf"\b(?:{_EVERY}\s+year|yearly|annually)\s+on\s+{_MONTH}\s+(?P<yd>\d{{1,2}})"
            rf"(?:st|nd|rd|th)?\b|\b{_EVERY}\s+(?P<mon2>jan|feb|mar|apr|may|jun|jul|aug|sep|oct|"
            r"nov|dec)[a-z]*\.?\s+(?P<yd2>\d{1,2})(?:st|nd|rd|th)?\b",
        ),
        (
            "weekdays",
            rf"\b(?:{_EVERY}\s+(?:week\s*day|work\s*day|working\s+day|business\s+day)s?|"
            r"(?:on\s+)?weekdays|(?:on\s+)?workdays|mon(?:day)?\s*(?:-|–|to|through|thru)\s*"
            r"fri(?:day)?)\b",
        ),
        ("weekends", rf"\b(?:{_EVERY}\s+weekend|(?:on\s+)?weekends)\b"),
        ("fortnight", r"\b(?:bi-?weekly|fortnightly|every\s+(?:other\s+week|fortnight))\b"),
        (
            "interval",
            rf"\b{_EVERY}\s+(?P<n>{_N})\s+(?P<unit>days?|weeks?|months?|years?)\b"
            rf"(?:\s+on\s+(?P<wds>{_WD_LIST}))?",
        ),
        # "every tuesday night": the day part says no clock time, and is no title either
        (
            "every_weekday",
            rf"\b{_EVERY}\s+(?P<wds>{_WD_LIST})\b(?:\s+(?:morning|afternoon|evening|night)s?\b)?",
        ),
        (
            "plural_weekday",
            r"\bon\s+(?P<wds>(?:mondays|tuesdays|wednesdays|thursdays|fridays|saturdays|sundays)"
            r"(?:\s*(?:,|and|&)\s*(?:mondays|tuesdays|wednesdays|thursdays|fridays|saturdays|"
            r"sundays))*)\b",
        ),
        (
            "day_part",
            rf"\b(?:{_EVERY}\s+(?P<part>morning|afternoon|evening|night)|(?P<nightly>nightly))\b",
        ),
        ("daily", rf"\b(?:{_EVERY}\s+(?:single\s+)?day|daily)\b"),
        ("weekly", rf"\b(?:{_EVERY}\s+week|weekly)\b(?:\s+on\s+(?P<wds>{_WD_LIST})\b)?"),
        ("monthly", rf"\b(?:{_EVERY}\s+month|monthly)\b"),
        ("yearly", rf"\b(?:{_EVERY}\s+year|yearly|annually)\b"),
    )
)
_RAW = LazyPattern(r"^\s*(?:RRULE:)?(?P<rule>FREQ=[A-Z]+(?:;[A-Z]+=[-+A-Z0-9,:]+)*)\s*$", re.I)
# A clock time may stand right before or after the repeat phrase: "at 9 every day".
_AT_LEAD = LazyPattern(r"(?:\bat|@)\s*$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Recurrence:
    """A repeat rule (RRULE without prefix) and its first occurrence on or after now."""

    rule: str
    first: Due


@dataclass(frozen=True, slots=True)
class FoundRepeat:
    """A repeat phrase found in a message; ``rule`` is the RRULE, ``phrase`` the words."""

    rule: str
    phrase: str

    @property
    def has_time(self) -> bool:
        return "BYHOUR=" in self.rule


def find_repeat(text: str, *, now: datetime) -> tuple[FoundRepeat | None, str]:
    """The repeat phrase in ``text`` (``now``: the person's local wall clock) and the rest.

    A clock time in the rest ("every monday at 10", "at 9:30 every weekday") belongs to the
    rule and is cut out too.
    """
    best: tuple[int, int, dict[str, str], str | None] | None = None
    for name, pattern in _PATTERNS:
        match = pattern.search(text)
        if match is None or (best is not None and match.start() >= best[0]):
            continue
        parts, part = _rule_parts(name, match, now=now)
        if parts is not None:
            best = (match.start(), match.end(), parts, part)
    if best is None:
        return None, text
    start, end, parts, part = best
    spans = [(start, end)]
    masked = text[:start] + " " * (end - start) + text[end:]
    found_time = find_time(masked, part=part)
    clock = found_time[2] if found_time else _PART_TIMES.get(part or "")
    if found_time:
        lead = _AT_LEAD.search(text[: found_time[0]])
        spans.append((lead.start() if lead else found_time[0], found_time[1]))
    if clock is not None:
        parts.update(BYHOUR=str(clock.hour), BYMINUTE=str(clock.minute))
    spans.sort()
    phrase = " ".join(text[s:e].strip() for s, e in spans)
    rest = text
    for s, e in reversed(spans):
        rest = rest[:s] + " " + rest[e:]
    return FoundRepeat(rule=_rule_text(parts), phrase=phrase), rest


def parse_repeat(text: str, *, now: datetime, tz: ZoneInfo) -> Recurrence:
    """Read ``text`` (words or a raw RRULE) as a repeat rule; ``InvalidDate`` otherwise."""
    cleaned = " ".join(text.split())
    if not cleaned:
        raise InvalidDate("The repeat rule is empty.")
    raw = _RAW.match(cleaned)
    if raw:
        rule = _checked_rule(raw["rule"].upper())
    else:
        local_now = now.astimezone(tz).replace(tzinfo=None)
        found, rest = find_repeat(cleaned, now=local_now)
        leftover = re.sub(r"[\s,.!?;:]+|\b(?:repeat|repeating|recurring|at|on|the)\b", "", rest)
        if found is None or leftover:
            raise InvalidDate(
                f"I couldn't understand {cleaned!r} as a repeat rule. Try 'every monday at 10', "
                "'every weekday', 'on the 1st of every month' or 'daily'."
            )
        rule = found.rule
    first = first_occurrence(rule, now=now, tz=tz)
    if first is None:
        raise InvalidDate(f"The rule {rule} has no occurrence after now.")
    return Recurrence(rule=rule, first=first)


def first_occurrence(rule: str, *, now: datetime, tz: ZoneInfo) -> Due | None:
    """The first occurrence of ``rule`` on or after ``now`` (today, for a rule without time)."""
    local = now.astimezone(tz).replace(tzinfo=None, second=0, microsecond=0)
    has_time = "BYHOUR=" in rule
    start = local if has_time else local.replace(hour=0, minute=0)
    moment = _rrule(rule, start).after(start, inc=True)
    return None if moment is None else _due(moment, tz, has_time=has_time)


def next_occurrence(
    rule: str,
    *,
    after: datetime,
    tz: ZoneInfo,
    has_time: bool,
    not_before: datetime | None = None,
) -> Due | None:
    """The occurrence of ``rule`` that follows the one at ``after``, in ``tz`` wall time.

    ``after`` is the current occurrence (its local time of day carries over when the rule has
    none). With ``not_before``, occurrences before that moment (its day, for a date alone) are
    skipped, so a task completed late moves to its next occurrence still to come.
    """
    local_after = after.astimezone(tz).replace(tzinfo=None, second=0, microsecond=0)
    if not has_time:
        local_after = local_after.replace(hour=0, minute=0)
    recurrence = _rrule(rule, local_after)
    moment = recurrence.after(local_after, inc=False)
    if moment is not None and not_before is not None:
        floor = not_before.astimezone(tz).replace(tzinfo=None, second=0, microsecond=0)
        if not has_time:
            floor = floor.replace(hour=0, minute=0)
        if moment < floor:
            moment = recurrence.after(floor, inc=True)
    return None if moment is None else _due(moment, tz, has_time=has_time)


def _rule_parts(
    name: str, match: re.Match[str], *, now: datetime
) -> tuple[dict[str, str] | None, str | None]:
    """The RRULE parts a matched phrase names, and a day part said with it."""
    weekday = _DAY_CODES[now.weekday()]
    if name == "month_last":
        return {"FREQ": "MONTHLY", "BYMONTHDAY": "-1"}, None
    if name == "month_nth_weekday":
        nth = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3}.get(
            match["nth"].lower(), 4 if match["nth"].lower() in ("fourth", "4th") else -1
        )
        return {"FREQ": "MONTHLY", "BYDAY": f"{nth}{_codes(match['wd'])[0]}"}, None
    if name == "month_day":
        day = int(match["d"] or match["d2"] or match["d3"] or match["d4"])
        return ({"FREQ": "MONTHLY", "BYMONTHDAY": str(day)} if 1 <= day <= 31 else None), None
    if name == "year_day":
        month = MONTHS[(match["mon"] or match["mon2"]).lower()[:3]]
        day = int(match["yd"] or match["yd2"])
        valid = 1 <= day <= (29 if month == 2 else 30 if month in (4, 6, 9, 11) else 31)
        parts = {"FREQ": "YEARLY", "BYMONTH": str(month), "BYMONTHDAY": str(day)}
        return (parts if valid else None), None
    if name == "weekdays":
        return {"FREQ": "WEEKLY", "BYDAY": ",".join(_DAY_CODES[:5])}, None
    if name == "weekends":
        return {"FREQ": "WEEKLY", "BYDAY": "SA,SU"}, None
    if name == "fortnight":
        return {"FREQ": "WEEKLY", "INTERVAL": "2", "BYDAY": weekday}, None
    if name == "interval":
        word = match["n"].lower()
        amount = 2 if word == "other" else int(word) if word.isdigit() else COUNT_WORDS[word]
        unit = match["unit"].lower().rstrip("s")
        if not 1 <= amount <= 999:
            return None, None
        parts = {"FREQ": _FREQ[unit]}
        if amount > 1:
            parts["INTERVAL"] = str(amount)
        return {**parts, **_anchor(unit, match["wds"], now)}, None
    if name in ("every_weekday", "plural_weekday"):
        return {"FREQ": "WEEKLY", "BYDAY": ",".join(_codes(match["wds"]))}, None
    if name == "day_part":
        return {"FREQ": "DAILY"}, (match["part"] or "night").lower()
    unit = {"daily": "day", "weekly": "week", "monthly": "month", "yearly": "year"}[name]
    return {"FREQ": _FREQ[unit], **_anchor(unit, match.groupdict().get("wds"), now)}, None


_FREQ = {"day": "DAILY", "week": "WEEKLY", "month": "MONTHLY", "year": "YEARLY"}


def _anchor(unit: str, weekdays: str | None, now: datetime) -> dict[str, str]:
    """Explicit days for a rule said without them: "weekly" on a Wednesday is on Wednesdays."""
    if unit == "week":
        return {"BYDAY": ",".join(_codes(weekdays)) if weekdays else _DAY_CODES[now.weekday()]}
    if unit == "month":
        last = (now.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
        return {"BYMONTHDAY": "-1" if now.day == last.day and now.day > 28 else str(now.day)}
    if unit == "year":
        return {"BYMONTH": str(now.month), "BYMONTHDAY": str(now.day)}
    return {}


def _codes(words: str) -> list[str]:
    found = re.findall(r"mon|tue|wed|thu|fri|sat|sun", words.lower())
    codes = {"mon": "MO", "tue": "TU", "wed": "WE", "thu": "TH", "fri": "FR"}
    codes.update(sat="SA", sun="SU")
    ordered = sorted({codes[f] for f in found}, key=_DAY_CODES.index)
    return ordered


_ORDER = ("FREQ", "INTERVAL", "BYMONTH", "BYMONTHDAY", "BYDAY", "BYHOUR", "BYMINUTE")


def _rule_text(parts: dict[str, str]) -> str:
    return ";".join(f"{key}={parts[key]}" for key in _ORDER if key in parts)


def _checked_rule(rule: str) -> str:
    """A raw RRULE as given, if dateutil reads it and it repeats at most daily."""
    parts = dict(p.split("=", 1) for p in rule.split(";") if "=" in p)
    if parts.get("FREQ") not in _SUPPORTED:
        raise InvalidDate("A task can repeat daily, weekly, monthly or yearly, not more often.")
    try:
        _rrule(rule, datetime(2000, 1, 1, tzinfo=UTC).replace(tzinfo=None))
    except (ValueError, TypeError) as exc:
        raise InvalidDate(f"{rule!r} is not a valid RRULE.") from exc
    return rule


def _rrule(rule: str, start: datetime) -> rrule:
    parsed = rrulestr(rule, dtstart=start, ignoretz=True)
    if not isinstance(parsed, rrule):
        raise InvalidDate(f"{rule!r} is not a single RRULE.")
    return parsed


def _due(moment: datetime, tz: ZoneInfo, *, has_time: bool) -> Due:
    if not has_time:
        return Due.on(moment.date())
    return Due.at_instant(moment.replace(tzinfo=tz))
