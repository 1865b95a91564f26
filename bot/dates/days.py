"""Day arithmetic behind relative date words: the next weekday, the end of a week or month,
holidays, a day of the month, moving a date by days, weeks or months; count and month words."""

from __future__ import annotations

import calendar
import re
from datetime import date, timedelta

# Words for small counts ("in a couple of days", "three weeks from now").
COUNT_WORDS = {
    **{"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6},
    **{"seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12},
    **{"couple": 2, "a couple": 2, "a couple of": 2, "couple of": 2, "few": 3, "a few": 3},
}
MONTHS = {
    name: index
    for index, name in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1
    )
}

_FIXED_HOLIDAYS = {
    "christmas eve": (12, 24),
    "christmas": (12, 25),
    "christmas day": (12, 25),
    "xmas": (12, 25),
    "new year's eve": (12, 31),
    "new years eve": (12, 31),
    "nye": (12, 31),
    "new year's": (1, 1),
    "new years": (1, 1),
    "new year's day": (1, 1),
    "new years day": (1, 1),
    "halloween": (10, 31),
    "valentine's": (2, 14),
    "valentines": (2, 14),
    "valentine's day": (2, 14),
    "valentines day": (2, 14),
    "boxing day": (12, 26),
    "4th of july": (7, 4),
    "the 4th of july": (7, 4),
    "independence day": (7, 4),
}


def safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def holiday(name: str, today: date) -> date | None:
    name = re.sub(r"\s+", " ", name.replace("’", "'"))
    for year in (today.year, today.year + 1):
        if name == "thanksgiving":  # the fourth Thursday of November (US)
            first = date(year, 11, 1)
            day = first + timedelta(days=(3 - first.weekday()) % 7 + 21)
        elif name in _FIXED_HOLIDAYS:
            month, number = _FIXED_HOLIDAYS[name]
            day = date(year, month, number)
        else:
            return None
        if day >= today:
            return day
    return None


def shift(day: date, amount: int, unit: str) -> date:
    """``day`` moved by ``amount`` days, weeks or months (month ends are clamped)."""
    unit = unit.lower()
    if unit.startswith("w"):
        return day + timedelta(weeks=amount)
    if unit.startswith("mo"):
        month_index = day.month - 1 + amount
        year, month = day.year + month_index // 12, month_index % 12 + 1
        return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))
    return day + timedelta(days=amount)


def end_of(unit: str, today: date) -> date:
    if unit == "week":
        friday = today + timedelta(days=4 - today.weekday())
        return friday if friday >= today else today + timedelta(days=6 - today.weekday())
    if unit == "month":
        return today.replace(day=calendar.monthrange(today.year, today.month)[1])
    return date(today.year, 12, 31)


def weekday_after(target: int, qualifier: str, today: date) -> date:
    if qualifier in ("next", "following", "the following"):
        return today + timedelta(days=7 - today.weekday() + target)
    ahead = (target - today.weekday()) % 7
    if ahead == 0 and not qualifier.startswith("this"):
        ahead = 7
    return today + timedelta(days=ahead)


def day_of_month(number: int, today: date) -> date | None:
    if not 1 <= number <= 31:
        return None
    year, month = today.year, today.month
    if number < today.day:
        month, year = (1, year + 1) if month == 12 else (month + 1, year)
    for _ in range(12):
        found = safe_date(year, month, number)
        if found:
            return found
        month, year = (1, year + 1) if month == 12 else (month + 1, year)
    return None
