"""Typed tool outcomes: what each task tool returns, JSON only at the edges."""

from bot.outcomes.kinds import (
    ChannelResult,
    DigestSet,
    Failure,
    Outcome,
    RemindersListed,
    Reported,
    Restored,
    TaskChanged,
    TaskPage,
    TimezoneSet,
    message_of,
    task_of,
)
from bot.outcomes.parsing import parse_outcome
from bot.outcomes.views import DigestView, TaskView

__all__ = [
    "ChannelResult",
    "DigestSet",
    "DigestView",
    "Failure",
    "Outcome",
    "RemindersListed",
    "Reported",
    "Restored",
    "TaskChanged",
    "TaskPage",
    "TaskView",
    "TimezoneSet",
    "message_of",
    "parse_outcome",
    "task_of",
]
