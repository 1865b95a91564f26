"""Date and time phrases for the rules agent: the core's one date grammar.

The grammar and its conventions live in :mod:`bot.dates.phrases` so that the tools, the
platform forms and this agent read dates alike; this module names what the agent uses.
"""

import re

from bot.dates.days import shift
from bot.dates.lazy import LazyPattern
from bot.dates.phrases import FoundDue, find_due, resolve_date_phrase
from bot.dates.reminder import FoundReminder, find_reminder
from bot.dates.repeat import FoundRepeat, find_repeat

_TIME_ONLY = LazyPattern(
    r"(?:(?:due|by|to|for|until|till)\s+)?(?:at\s+|@\s*)?(?:\d{1,2}(?::\d{2})?\s*(?:am|pm|a\.m\.|p\.m\.|h)?|noon|midday|midnight)",
    re.IGNORECASE,
)


def is_time_only(found: FoundDue | None) -> bool:
    """Whether the phrase said only a time ("2pm", "at noon"): a change then keeps the day."""
    return (
        found is not None
        and found.clock is not None
        and bool(_TIME_ONLY.fullmatch(found.phrase.strip()))
    )


__all__ = [
    "FoundDue",
    "FoundReminder",
    "FoundRepeat",
    "find_due",
    "find_reminder",
    "find_repeat",
    "is_time_only",
    "resolve_date_phrase",
    "shift",
]
