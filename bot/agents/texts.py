"""User-visible strings of the model-backed agents, in one place so the wording is reviewed."""

from __future__ import annotations

from collections.abc import Sequence

from bot import texts
from bot.conversations import ToolCall
from bot.outcomes import TimezoneSet, task_of

_VERBS = {
    "add_task": "added",
    "complete_task": "marked done",
    "reopen_task": "reopened",
    "update_task": "updated",
    "delete_task": "deleted",
}


def done_line(call: ToolCall) -> str:
    """What one successful changing tool call did, in words: ``added #4 “renew passport”``."""
    outcome = call.outcome
    if isinstance(outcome, TimezoneSet):
        return f"set your timezone to {outcome.timezone}"
    verb = _VERBS.get(call.name, f"ran {call.name} on")
    if (task := task_of(outcome)) is not None:
        return f"{verb} #{task.number} “{task.title}”"
    return verb


def _listing(lines: Sequence[str]) -> str:
    return "; ".join(lines)


def stopped_at_round_cap(done: Sequence[ToolCall]) -> str:
    if not done:
        return (
            "Sorry — that took more steps than I allow myself, so I stopped without changing "
            "anything. Could you say it more simply, or one thing at a time?"
        )
    return (
        f"I {_listing([done_line(c) for c in done])}, but that took more steps than I allow "
        "myself, so I stopped there. Tell me if anything else is still to do."
    )


def model_lost_midway(done: Sequence[ToolCall]) -> str:
    """The model failed after some changes were made: say exactly what was done, redo nothing."""
    return (
        f"I {_listing([done_line(c) for c in done])}, then lost my connection to the language "
        "model, so I stopped there and did nothing more.\n"
        "(The assistant is in offline mode right now; if something is still to do, please ask "
        "again.)"
    )


def with_offline_notice(text: str) -> str:
    return f"{text}\n\n{texts.offline_notice()}" if text.strip() else texts.offline_notice()


def summary_of(done: Sequence[ToolCall]) -> str:
    """A confirmation built from the tool results, for a model that acted but said nothing."""
    return "Done: " + _listing([done_line(c) for c in done]) + "."
