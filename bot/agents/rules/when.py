"""Date and time phrases for the rules agent: the core's one date grammar.

The grammar and its conventions live in :mod:`bot.dates.phrases` so that the tools, the
platform forms and this agent read dates alike; this module names what the agent uses.
"""

from bot.dates.days import shift
from bot.dates.phrases import FoundDue, find_due, resolve_date_phrase
from bot.dates.reminder import FoundReminder, find_reminder
from bot.dates.repeat import FoundRepeat, find_repeat

__all__ = [
    "FoundDue",
    "FoundReminder",
    "FoundRepeat",
    "find_due",
    "find_reminder",
    "find_repeat",
    "resolve_date_phrase",
    "shift",
]
