"""The one date reader of todobot: due dates, reminder times and repeat rules.

``parse_due`` (tools, Slack modal, Discord ``/todo-add``, import, model agent) and the rules
agent's finder (:func:`find_due`) share one grammar, :mod:`bot.dates.phrases`. Reminder times
(:func:`parse_reminder`) and recurrences (:func:`parse_repeat`, :func:`next_occurrence`,
:func:`find_repeat`) are built on it. Nothing here does I/O.
"""

from bot.dates.due import describe_due, found_due, parse_due, warm_up, zone
from bot.dates.phrases import FoundDue, find_due, resolve_date_phrase
from bot.dates.reminder import find_reminder, parse_clock, parse_reminder
from bot.dates.repeat import FoundRepeat, Recurrence, find_repeat, next_occurrence, parse_repeat
from bot.dates.repeat_words import describe_repeat

__all__ = [
    "FoundDue",
    "FoundRepeat",
    "Recurrence",
    "describe_due",
    "describe_repeat",
    "find_due",
    "find_reminder",
    "find_repeat",
    "found_due",
    "next_occurrence",
    "parse_clock",
    "parse_due",
    "parse_reminder",
    "parse_repeat",
    "resolve_date_phrase",
    "warm_up",
    "zone",
]
