"""Repeat rules in words: "every Monday at 10:00", "every weekday", "monthly on the 1st"."""

from __future__ import annotations

import re

from bot.dates.days import MONTHS

_DAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
_DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def describe_repeat(rule: str) -> str:
    """A rule in words: "every Monday at 10:00", "every weekday", "monthly on the 1st"."""
    parts = dict(p.split("=", 1) for p in rule.split(";") if "=" in p)
    freq, interval = parts.get("FREQ", ""), int(parts.get("INTERVAL", "1"))
    unit = {"DAILY": "day", "WEEKLY": "week", "MONTHLY": "month", "YEARLY": "year"}.get(freq, "")
    words = f"every {interval} {unit}s" if interval > 1 else f"every {unit}"
    days = parts.get("BYDAY", "")
    if freq == "WEEKLY" and days:
        codes = days.split(",")
        if codes == list(_DAY_CODES[:5]):
            named = "weekday"
        elif codes == ["SA", "SU"]:
            named = "weekend day"
        else:
            named = " and ".join(_DAY_NAMES[_DAY_CODES.index(c)] for c in codes if c in _DAY_CODES)
        words = f"every {named}" if interval == 1 else f"{words} on {named}"
    elif freq == "MONTHLY" and parts.get("BYMONTHDAY"):
        day = int(parts["BYMONTHDAY"].split(",")[0])
        words += " on the last day" if day == -1 else f" on the {_ordinal(day)}"
    elif freq == "MONTHLY" and days:
        match = re.fullmatch(r"([+-]?\d)([A-Z]{2})", days)
        if match:
            nth = {"-1": "last", "1": "first", "2": "second", "3": "third"}.get(match[1], "fourth")
            words += f" on the {nth} {_DAY_NAMES[_DAY_CODES.index(match[2])]}"
    elif freq == "YEARLY" and parts.get("BYMONTH") and parts.get("BYMONTHDAY"):
        month = list(MONTHS)[int(parts["BYMONTH"]) - 1].capitalize()
        words += f" on {month} {int(parts['BYMONTHDAY'])}"
    if "BYHOUR" in parts:
        words += f" at {int(parts['BYHOUR'])}:{int(parts.get('BYMINUTE', '0')):02d}"
    return words


def _ordinal(number: int) -> str:
    suffix = "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10)
    return f"{number}{suffix or 'th'}"
