"""Clock times in a message: "5pm", "9:30am", "17:00", "at 5", "noon".

"1:1" is not a time (minutes have two digits); a bare "at 5" is 5 pm, while a day part said
with it decides ("tomorrow morning at 7" is 7 am).
"""

from __future__ import annotations

import re
from datetime import time

from bot.dates.lazy import LazyPattern

_TIME_PATTERNS: tuple[tuple[str, LazyPattern], ...] = tuple(
    (name, LazyPattern(pattern, re.IGNORECASE))
    for name, pattern in (
        (
            "ampm",
            r"(?<![\d:])(?P<h>\d{1,2})(?:[:.](?P<mi>[0-5]\d))?\s*"
            r"(?P<ap>a\.?m\.?|p\.?m\.?)(?![a-z])",
        ),
        (
            "clock",
            r"(?<![\d:/])(?P<h>[01]?\d|2[0-3]):(?P<mi>[0-5]\d)(?![\d:])"
            r"(?:\s*(?:h|hrs)\b)?",
        ),
        ("oclock", r"\b(?P<h>\d{1,2})\s*o'?\s?clock\b"),
        (
            "at_hour",
            r"(?:\bat|@)\s*(?P<h>\d{1,2})(?![\d:/.,]|\s*(?:%|st\b|nd\b|rd\b|th\b|"
            r"days?\b|weeks?\b|hours?\b|mins?\b|minutes?\b|people\b|items?\b|"
            r"a\.?m\b|p\.?m\b))",
        ),
        ("named", r"\b(?P<named>noon|midday|midnight)\b"),
    )
)


def find_time(text: str, *, part: str | None) -> tuple[int, int, time] | None:
    """The first clock time in ``text`` as (start, end, time); ``part`` is a day part said
    with it ("tomorrow evening at 7" is 19:00)."""
    best: tuple[int, int, time] | None = None
    for name, pattern in _TIME_PATTERNS:
        match = pattern.search(text)
        if match is None:
            continue
        clock = _resolve_time(name, match, part=part)
        if clock is not None and (best is None or match.start() < best[0]):
            best = (match.start(), match.end(), clock)
    return best


def _resolve_time(name: str, match: re.Match[str], *, part: str | None) -> time | None:
    if name == "named":
        return time(0, 0) if match["named"].lower() == "midnight" else time(12, 0)
    hour = int(match["h"])
    minute = int(match.groupdict().get("mi") or 0)
    if name == "ampm":
        if not 1 <= hour <= 12:
            return None
        is_pm = match["ap"].lower().startswith("p")
        hour = hour % 12 + (12 if is_pm else 0)
        return time(hour, minute)
    if hour > 23:
        return None
    explicit_24h = name == "clock" and (hour >= 13 or match["h"].startswith("0"))
    # A bare "at 5" is 5 pm; a day part ("tomorrow morning at 7") decides when given.
    evening = part in ("afternoon", "evening", "eve", "night") or (part is None and hour <= 7)
    if not explicit_24h and 1 <= hour <= 11 and evening:
        hour += 12
    return time(hour, minute)
