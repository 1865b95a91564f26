"""User-visible strings of the core, in one place so the wording is reviewed together."""

from __future__ import annotations

from collections.abc import Sequence

from bot.conversations import ToolCall
from bot.outcomes import TaskChanged

_DONE_VERBS = {
    "add_task": "added",
    "complete_task": "completed",
    "reopen_task": "reopened",
    "update_task": "updated",
    "delete_task": "deleted",
}


def describe_changes(calls: Sequence[ToolCall]) -> list[str]:
    """What the successful task changes among ``calls`` did, e.g. ``added #3 “buy milk”``."""
    done = []
    for call in calls:
        verb = _DONE_VERBS.get(call.name)
        outcome = call.outcome
        if verb and isinstance(outcome, TaskChanged) and outcome.changed:
            done.append(f"{verb} #{outcome.task.number} “{outcome.task.title}”")
    return done


def _so_far(done: Sequence[str]) -> str:
    if not done:
        return "Nothing was changed"
    return "Before that I " + "; ".join(done) + ", and that stays done"


def apology(done: Sequence[str] = (), *, kept: bool = True) -> str:
    """Something failed; ``kept``: whether the person's message had been stored by then."""
    if not kept:
        return (
            "Sorry — something went wrong on my side before I could save your message, so "
            "nothing was changed. Please send it again in a moment."
        )
    return (
        "Sorry — something went wrong on my side and I couldn't finish that. "
        f"{_so_far(done)}; nothing you wrote was lost. Please try again in a moment."
    )


def _what_of_it(kept: bool | None) -> str:
    if kept is None:  # not a message (a button, a form): nothing was to be kept
        return ""
    if kept:
        return " I kept your message, but didn't act on it."
    return " I couldn't save your message, so please send it again."


def apology_not_kept() -> str:
    return (
        "Sorry — something went wrong on my side before I could save your message, so "
        "nothing was changed. Please send it again in a moment."
    )


def storage_apology(*, kept: bool | None = None) -> str:
    """The database could not be reached at all; ``kept``: whether the person's message was
    stored before it went away (``None``: there was no message, e.g. a button)."""
    if kept is None:
        return (
            "Sorry — I can't reach my database right now, so I couldn't do that. "
            "Please try again in a moment."
        )
    return f"Sorry — I can't reach my database right now.{_what_of_it(kept)}"


def storage_busy(*, kept: bool | None = None) -> str:
    """The database is there but locked or too slow to answer in time."""
    return f"Sorry — I'm busy, try again in a moment.{_what_of_it(kept)}"


def agent_timeout(done: Sequence[str] = ()) -> str:
    return f"Sorry — that took too long and I stopped. {_so_far(done)}; please try again."


def message_too_long(length: int, limit: int) -> str:
    return (
        f"That message is {length:,} characters long; I can read up to {limit:,} at a time. "
        "Could you send it in shorter pieces? I kept it, but didn't act on it."
    )


def not_utf8() -> str:
    return (
        "I couldn't read that line: it isn't UTF-8 text (check your terminal's encoding). "
        "I didn't store it; please send it again."
    )


def offline_notice() -> str:
    return (
        "(The assistant is in offline mode right now, so I answered with my built-in "
        "understanding.)"
    )


def help_text() -> str:
    return (
        "I keep your todo list. Try:\n"
        "• add renew passport next friday, high priority\n"
        "• what's on my list? / what's due today? / show done\n"
        "• done 2  •  reopen 2  •  delete 3\n"
        "• move 1 to monday  •  2 is urgent  •  add a note to 1: …\n"
        "• my timezone is Europe/Berlin"
    )
