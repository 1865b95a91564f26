"""User-visible strings of the core, in one place so the wording is reviewed together."""

from __future__ import annotations

from collections.abc import Sequence

from bot.conversations import ToolCall

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
        task = call.result.get("task") if call.result.get("ok") else None
        if verb and isinstance(task, dict) and not call.result.get("already"):
            done.append(f"{verb} #{task.get('number')} “{task.get('title')}”")
    return done


def _so_far(done: Sequence[str]) -> str:
    if not done:
        return "Nothing was changed"
    return "Before that I " + "; ".join(done) + ", and that stays done"


def apology(done: Sequence[str] = ()) -> str:
    return (
        "Sorry — something went wrong on my side and I couldn't finish that. "
        f"{_so_far(done)}; nothing you wrote was lost. Please try again in a moment."
    )


def storage_apology() -> str:
    return (
        "Sorry — I can't reach my database right now, so I couldn't do that. "
        "Please try again in a moment."
    )


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
