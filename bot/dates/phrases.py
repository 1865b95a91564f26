"""Date and time phrases inside a message: find them, resolve them, cut them out of the title.

This is the one date grammar of todobot: the rules agent uses :func:`find_due` to cut dates out
of titles, and :func:`bot.dates.parse_due` (tools, Slack modal, Discord ``/todo-add``, import,
model agent) reads a whole phrase through :func:`resolve_date_phrase` first, so the same words
mean the same day everywhere. Every form is computed here, without ``dateparser``, so finding a
date costs microseconds.

Conventions: a date alone stays a date; a clock time makes a date-time; a day part (morning,
tonight) does not invent a clock time (it is kept in ``FoundDue.part`` for reminders). A date
without a year that has passed this year means next year. "next friday" is the Friday of next
week; a bare weekday is the next one to come. A phrase in the past ("by yesterday", "last
friday") or an impossible date ("feb 30") is found too, with ``problem`` set and ``value`` the
words as written, so whoever uses it answers honestly instead of keeping the words in a title.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from bot.dates.clock import find_time
from bot.dates.days import (
    COUNT_WORDS,
    MONTHS,
    day_of_month,
    end_of,
    holiday,
    safe_date,
    shift,
    weekday_after,
)
from bot.dates.lazy import LazyPattern

_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary|uary)?|febuary|mar(?:ch)?|apr(?:il)?|may|june?|july?|"
    r"aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
# Each weekday's names and common misspellings; abbreviations count only in date-like places.
_WEEKDAY_NAMES = {
    name: index
    for index, names in enumerate(
        (
            "monday mon mondy munday",
            "tuesday tue tues tuseday tusday teusday",
            "wednesday wed weds wensday wednsday wendsday",
            "thursday thu thur thurs thrusday thursay",
            "friday fri firday fridy",
            "saturday sat saterday satruday",
            "sunday sun sundy",
        )
    )
    for name in names.split()
}
_ABBREVIATED = frozenset(
    {"mon", "tue", "tues", "wed", "weds", "thu", "thur", "thurs", "fri", "sat", "sun"}
)
_WEEKDAY = "(?:" + "|".join(sorted(_WEEKDAY_NAMES, key=len, reverse=True)) + ")"
_COUNT = (
    r"(?:\d+|an?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|"
    r"(?:a\s+)?couple(?:\s+of)?|(?:a\s+)?few)"
)
_TOMORROW = (
    r"(?:tomorrow|tmrw|tmrow|tmr|tmw|tomorow|tommorow|tommorrow|tomorrw|tomrrow|"
    r"2morrow|2moro|tomoro|tmorrow)"
)
_PART = r"(?:morning|afternoon|evening|night|eve)"

_DATE_PATTERNS: tuple[tuple[str, LazyPattern], ...] = tuple(
    (name, LazyPattern(pattern, re.IGNORECASE))
    for name, pattern in (
        (
            "iso",
            r"\b(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})(?:[T ](?P<h>\d{1,2}):(?P<mi>\d{2}))?\b",
        ),
        ("numeric", r"(?<![\d/.:])(?P<m>\d{1,2})/(?P<d>\d{1,2})(?:/(?P<y>\d{4}|\d{2}))?(?![\d/])"),
        (
            "month_day",
            rf"\b(?P<mon>{_MONTH})\.?\s+(?:the\s+)?(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\b"
            r"(?!:)(?:,?\s+(?P<y>\d{4})\b)?",
        ),
        (
            "day_month",
            rf"\b(?:the\s+)?(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?"
            rf"(?P<mon>{_MONTH})\b\.?(?:,?\s+(?P<y>\d{{4}})\b)?",
        ),
        ("after_tomorrow", rf"\b(?:the\s+)?day\s+after\s+{_TOMORROW}\b|\bovermorrow\b"),
        (
            "relative_day",
            rf"\b(?:first\s+thing\s+(?:on\s+)?)?(?P<rel>today|tonight|tonite|tdy|{_TOMORROW}|"
            r"later\s+today|end\s+of\s+(?:the\s+)?day|eod|cob|close\s+of\s+business|"
            rf"this\s+(?:morning|afternoon|evening))\b(?:\s+(?:in\s+the\s+)?(?P<part>{_PART})\b|"
            r"\s+first\s+thing\b)?",
        ),
        (
            "holiday",
            # Only after a preposition: "buy christmas presents" keeps its title.
            r"\b(?:by|on|for|before|until|till|at|over)\s+(?:the\s+)?(?P<hol>christmas\s+eve|"
            r"christmas(?:\s+day)?|xmas|new\s+year'?s\s+eve|nye|new\s+year'?s(?:\s+day)?|"
            r"halloween|valentine'?s(?:\s+day)?|thanksgiving|boxing\s+day|"
            r"(?:the\s+)?4th\s+of\s+july|independence\s+day)\b",
        ),
        (
            "in_count",
            rf"\b(?:in|within)\s+(?P<n>{_COUNT})\s+(?P<unit>days?|weeks?|wks?|months?|"
            r"hours?|hrs?|minutes?|mins?)\b|\b(?P<n2>" + _COUNT + r")\s+(?P<unit2>days?|"
            r"weeks?|months?)\s+from\s+(?:now|today)\b|\bin\s+a\s+fortnight\b",
        ),
        (
            "period",
            r"\b(?:(?:the\s+)?end\s+of\s+(?:the\s+|this\s+)?(?P<end>week|month|year)|"
            r"(?:the\s+)?end\s+of\s+next\s+(?P<endnext>week|month)|"
            rf"(?:the\s+)?end\s+of\s+(?P<endmon>{_MONTH})|"
            r"(?P<abbr>eow|eom|eoy)|(?P<next>next|this|the\s+coming|the\s+following)\s+"
            r"(?P<unit>week|weekend|month|year)|(?:the\s+)?weekend)\b",
        ),
        (
            "weekday",
            rf"\b(?:first\s+thing\s+(?:on\s+)?)?(?:(?P<q>this\s+coming|the\s+coming|coming|this|"
            rf"next|the\s+following|following)\s+)?(?P<wd>{_WEEKDAY})\b(?!['’]s)\.?"
            r"(?:,?\s+(?:the\s+)?(?P<dom>\d{1,2})(?:st|nd|rd|th)\b)?"
            rf"(?:\s+(?:in\s+the\s+)?(?P<part>{_PART})\b|\s+first\s+thing\b)?",
        ),
        (
            "past",
            rf"\b(?P<past>(?:the\s+)?day\s+before\s+yesterday|yesterday|yday|last\s+night|"
            rf"last\s+(?P<lastunit>week|month|year|{_WEEKDAY})|(?P<agon>{_COUNT})\s+"
            r"(?P<agounit>days?|weeks?|months?|years?)\s+ago)\b(?!['’]s)",
        ),
        (
            "day_of_month",
            # "the 30th", or "due 30th" / "by 3rd" after a word that asks for a date
            rf"(?:\bthe\s+|(?<=\bdue\s)|(?<=\bby\s)|(?<=\bon\s)|(?<=\bbefore\s)|"
            rf"(?<=\buntil\s))(?P<d>\d{{1,2}})(?:st|nd|rd|th)\b(?!\s+(?:of\s+)?{_MONTH})",
        ),
    )
)

# Nouns a day name can describe ("monday meeting", "christmas market"): the day is then part of
# the title, not its due date.
_EVENT_NOUNS = """meeting meetings market markets party parties dinner lunch breakfast brunch
    shopping presents present gifts gift cards card tree lights decorations service call
    standup stand-up class lesson session shift game match concert drinks fair sale event menu
    plans playlist roast dance dinner"""
_MODIFIES_NOUN = LazyPattern(
    r"\s+(?:" + "|".join(sorted(set(_EVENT_NOUNS.split()))) + r")\b", re.IGNORECASE
)
# Words that may stand right before a date phrase and belong to it ("due by friday").
_LEAD_WORDS = LazyPattern(
    r"(?:\b(?:due|by|on|for|before|until|till|til|starting|from|at|around|deadline)\s*[:=]?\s+|"
    r"@\s*)+$",
    re.IGNORECASE,
)
# After an abbreviated weekday, what makes it a date: the end, punctuation, or a time.
_ENDS_PHRASE = LazyPattern(
    r"\s*(?:$|[,;.!?)]|(?:at\s+|@\s*)?\d{1,2}(?::\d{2})?\s*(?:am|pm|a\.m|p\.m)|\d{1,2}:\d{2}\b|at\s+\d|"
    r"(?:morning|afternoon|evening|night)\b)",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class FoundDue:
    """A due date read from a message: ``value`` is what the tools take (ISO).

    ``part`` is a day part said with a date ("tomorrow morning"); ``problem`` says why the
    phrase cannot be a due date (in the past, not a real date) — then ``value`` is the phrase,
    which the tools reject with that explanation.
    """

    day: date
    clock: time | None
    phrase: str
    part: str | None = None
    problem: str | None = None

    @property
    def value(self) -> str:
        if self.problem is not None:
            return self.phrase
        if self.clock is None:
            return self.day.isoformat()
        return f"{self.day.isoformat()}T{self.clock.hour:02d}:{self.clock.minute:02d}"


@dataclass(frozen=True, slots=True)
class _Hit:
    start: int
    end: int
    day: date | None = None
    clock: time | None = None
    part: str | None = None
    problem: str | None = None


def find_due(text: str, *, now: datetime) -> tuple[FoundDue | None, str]:
    """The due date in ``text`` (``now`` is the person's local wall clock) and the rest of it."""
    today = now.date()
    date_hit = _first_date(text, now=now)
    masked = text if date_hit is None else _mask(text, date_hit.start, date_hit.end)
    found_time = find_time(masked, part=date_hit.part if date_hit else None)
    time_hit = _Hit(found_time[0], found_time[1], clock=found_time[2]) if found_time else None
    if date_hit is None and time_hit is None:
        return None, text
    hits = [h for h in (date_hit, time_hit) if h is not None]
    day = date_hit.day if date_hit and date_hit.day else None
    clock = (date_hit.clock if date_hit else None) or (time_hit.clock if time_hit else None)
    if day is None:
        if clock is None:
            return None, text
        day = today if clock > now.time() else today + timedelta(days=1)
    spans = sorted((_extend_left(text, h.start), h.end) for h in hits)
    phrase = " ".join(text[s:e].strip() for s, e in spans)
    rest = text
    for start, end in reversed(spans):
        rest = rest[:start] + " " + rest[end:]
    part = date_hit.part if date_hit else None
    problem = date_hit.problem if date_hit else None
    if problem is not None:
        phrase = " ".join(text[s:e].strip() for s, e in sorted((h.start, h.end) for h in hits))
    return FoundDue(day=day, clock=clock, phrase=phrase, part=part, problem=problem), rest


def resolve_date_phrase(text: str, *, now: datetime) -> FoundDue | None:
    """``text`` read as nothing but a due date ("next monday", "dec 5 at 3pm"), else None."""
    found, rest = find_due(text, now=now)
    if found is None or re.sub(
        r"[\s,.!?;:\-–—]+|\b(?:at|on|by|the|of|due)\b", "", rest, flags=re.IGNORECASE
    ):
        return None
    return found


def _mask(text: str, start: int, end: int) -> str:
    return text[:start] + " " * (end - start) + text[end:]


def _extend_left(text: str, start: int) -> int:
    lead = _LEAD_WORDS.search(text[:start])
    return lead.start() if lead else start


def _first_date(text: str, *, now: datetime) -> _Hit | None:
    best: _Hit | None = None
    for name, pattern in _DATE_PATTERNS:
        for match in pattern.finditer(text):
            hit = _resolve_date(name, match, text, now=now)
            if hit is not None and (best is None or hit.start < best.start):
                best = hit
                break
    return best


def _resolve_date(name: str, match: re.Match[str], text: str, *, now: datetime) -> _Hit | None:
    today = now.date()
    start, end = match.start(), match.end()
    groups = match.groupdict()
    part = (groups.get("part") or "").lower() or None
    day: date | None
    clock: time | None = None
    if name == "iso":
        day = safe_date(int(match["y"]), int(match["m"]), int(match["d"]))
        if day is None and 1 <= int(match["m"]) <= 12 and 1 <= int(match["d"]) <= 31:
            return _Hit(start, end, day=today, problem=_not_real(match[0]))
        if day and match["h"] is not None and int(match["h"]) < 24:
            clock = time(int(match["h"]), int(match["mi"]))
    elif name in ("numeric", "month_day", "day_month"):
        day = _calendar_date(match, now=now)
        if day is None and name != "numeric" and 1 <= int(match["d"]) <= 31:
            return _Hit(start, end, day=today, problem=_not_real(match[0]))
    elif name == "past":
        return _past(match, text, now=now)
    elif name == "after_tomorrow":
        day = today + timedelta(days=2)
    elif name == "relative_day":
        day, part = _relative_day(match["rel"].lower(), today, part)
    elif name == "in_count":
        return _in_count(match, now=now)
    elif name == "period":
        day = _period(match, today)
    elif name == "holiday":
        if _MODIFIES_NOUN.match(text[end:]):
            return None  # "tickets for the christmas market": part of the title
        day = holiday(match["hol"].lower(), today)
    elif name == "weekday":
        word = match["wd"].lower()
        if not (match["dom"] or match["part"]) and _MODIFIES_NOUN.match(text[end:]):
            return None  # "the presentation for monday meeting", "friday drinks"
        if word in _ABBREVIATED and not (
            match["q"] or _LEAD_WORDS.search(text[:start]) or _ENDS_PHRASE.match(text[end:])
        ):
            return None  # "sun cream", "sat exam": "on sat", "next fri", "dinner sat 7pm" are
        if match["dom"]:  # "monday the 23rd": the date says more than the weekday
            day = day_of_month(int(match["dom"]), today)
        else:
            day = weekday_after(_WEEKDAY_NAMES[word], (match["q"] or "").lower(), today)
    else:  # day_of_month
        day = day_of_month(int(match["d"]), today)
    if day is None:
        return None
    return _Hit(start, end, day=day, clock=clock, part=part)


def _calendar_date(match: re.Match[str], *, now: datetime) -> date | None:
    """A month-and-day date; without a year, the next one to come (today included)."""
    groups = match.groupdict()
    month = int(groups["m"]) if groups.get("m") else MONTHS[match["mon"].lower()[:3]]
    day, year = int(match["d"]), groups.get("y")
    if year:
        number = int(year)
        return safe_date(number + 2000 if number < 100 else number, month, day)
    found = safe_date(now.year, month, day)
    if found is not None and found >= now.date():
        return found
    following = safe_date(now.year + 1, month, day)
    if found is None and following is None and month == 2 and day == 29:
        return next(
            (d for y in range(now.year + 1, now.year + 9) if (d := safe_date(y, 2, 29))), None
        )
    return following


def _not_real(phrase: str) -> str:
    return f"{phrase.strip()} is not a real date."


# Only where it reads as a due date: "by yesterday", "…call mom yesterday." — not "notes from
# yesterday", "since last week", "than last year".
_PAST_AS_SOURCE = LazyPattern(
    r"\b(?:from|about|since|of|than|like|after|during|with|vs)\s*$", re.IGNORECASE
)
_PAST_AS_DUE = LazyPattern(
    r"\b(?:due|by|before|until|till|deadline|for|on)\s*[:=]?\s*$", re.IGNORECASE
)
_PHRASE_END = LazyPattern(r"\s*(?:$|[,;.!?)])")


def _past(match: re.Match[str], text: str, *, now: datetime) -> _Hit | None:
    before = text[: match.start()]
    if _PAST_AS_SOURCE.search(before):
        return None
    if not (_PAST_AS_DUE.search(before) or _PHRASE_END.match(text[match.end() :])):
        return None
    today = now.date()
    words = re.sub(r"\s+", " ", match["past"].lower())
    if "before yesterday" in words:
        day = today - timedelta(days=2)
    elif words in ("yesterday", "yday", "last night"):
        day = today - timedelta(days=1)
    elif match["lastunit"]:
        unit = match["lastunit"].lower()
        if unit in _WEEKDAY_NAMES:
            day = today - timedelta(days=(today.weekday() - _WEEKDAY_NAMES[unit]) % 7 or 7)
        else:
            day = shift(today, -1, unit) if unit != "year" else today.replace(year=today.year - 1)
    else:
        unit = match["agounit"].lower()
        amount = _count(match["agon"])
        if amount > 3660:
            return None
        day = shift(today, -amount, unit) if unit[0] != "y" else shift(today, -12 * amount, "mo")
    problem = f"{match[0].strip()} is in the past."
    return _Hit(match.start(), match.end(), day=day, problem=problem)


def _relative_day(word: str, today: date, part: str | None) -> tuple[date, str | None]:
    if re.fullmatch(_TOMORROW, word):
        return today + timedelta(days=1), part
    if word in ("tonight", "tonite"):
        return today, "night"
    if word.startswith("this "):
        return today, word.split()[1]
    return today, part


def _count(word: str) -> int:
    word = re.sub(r"\s+", " ", word.lower().strip())
    if word.isdigit():
        return int(word)
    return COUNT_WORDS.get(word, COUNT_WORDS.get(word.removesuffix(" of"), 1))


def _in_count(match: re.Match[str], *, now: datetime) -> _Hit | None:
    if "fortnight" in match[0].lower():
        return _Hit(match.start(), match.end(), day=now.date() + timedelta(days=14))
    amount = _count(match["n"] or match["n2"])
    unit = (match["unit"] or match["unit2"]).lower()
    if amount > 3660:
        return None
    if unit.startswith(("hour", "hr", "min")):
        delta = timedelta(hours=amount) if unit.startswith("h") else timedelta(minutes=amount)
        moment = now + delta
        return _Hit(
            match.start(), match.end(), day=moment.date(), clock=time(moment.hour, moment.minute)
        )
    return _Hit(match.start(), match.end(), day=shift(now.date(), amount, unit))


def _period(match: re.Match[str], today: date) -> date | None:
    whole = re.sub(r"\s+", " ", match[0].lower())
    end = match["end"] or {"eow": "week", "eom": "month", "eoy": "year"}.get(
        (match["abbr"] or "").lower()
    )
    if end:
        return end_of(end, today)
    if match["endmon"]:  # "end of january": that month's last day, the next one to come
        first = today.replace(day=1, month=MONTHS[match["endmon"].lower()[:3]])
        last = end_of("month", first)
        return last if last >= today else end_of("month", first.replace(year=today.year + 1))
    if match["endnext"]:
        if match["endnext"].lower() == "week":
            return end_of("week", today + timedelta(days=7 - today.weekday()))
        return end_of("month", shift(today.replace(day=1), 1, "month"))
    unit = (match["unit"] or "weekend").lower()
    upcoming = whole.startswith("next") or "following" in whole
    if unit == "week":
        if upcoming:
            return today + timedelta(days=7 - today.weekday())
        return end_of("week", today)
    if unit == "weekend":
        saturday = today + timedelta(days=(5 - today.weekday()) % 7)
        if today.weekday() == 6:
            saturday = today
        return saturday + timedelta(days=7) if upcoming and today.weekday() < 5 else saturday
    if unit == "month":
        return shift(today.replace(day=1), 1, "month") if upcoming else end_of("month", today)
    return date(today.year + 1, 1, 1) if upcoming else date(today.year, 12, 31)
