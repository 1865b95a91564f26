"""What the rules agent says about reminders, repeat rules and the daily list."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from bot import dates


def _failed(result: Mapping[str, Any]) -> str | None:
    return None if result.get("ok") else str(result.get("message", "That didn't work."))


def _name(task: Mapping[str, Any]) -> str:
    return f"#{task['number']} “{task['title']}”"


def _when(iso: str) -> str:
    moment = datetime.fromisoformat(iso)
    hour = moment.hour % 12 or 12
    return f"{moment:%a} {moment.day} {moment:%b} at {hour}:{moment.minute:02d} {moment:%p}"


def reminder_set(result: Mapping[str, Any]) -> str:
    if (problem := _failed(result)) is not None:
        return problem
    task = result["task"]
    return f"⏰ I'll remind you about {_name(task)} on {_when(task['remind_at'])}."


def added_timing(tasks: Sequence[Mapping[str, Any]]) -> list[str]:
    """For new tasks with a reminder or a repeat rule: when, in words."""
    lines = []
    for task in tasks:
        if task.get("repeat"):
            lines.append(f"🔁 {_name(task)} repeats {dates.describe_repeat(task['repeat'])}.")
        if task.get("remind_at"):
            lines.append(f"⏰ I'll remind you on {_when(task['remind_at'])}.")
    return lines


def reminder_cleared(result: Mapping[str, Any]) -> str:
    if (problem := _failed(result)) is not None:
        return problem
    return f"No reminder for {_name(result['task'])} any more."


def repeat_set(result: Mapping[str, Any]) -> str:
    if (problem := _failed(result)) is not None:
        return problem
    task = result["task"]
    if not task.get("repeat"):
        return f"{_name(task)} no longer repeats."
    due = f" — next: {task['due_in_words']}" if task.get("due_in_words") else ""
    return f"🔁 {_name(task)} repeats {dates.describe_repeat(task['repeat'])}{due}."


def moved_on(result: Mapping[str, Any]) -> str:
    """A repeating task completed: it moved to its next occurrence."""
    task = result["task"]
    return f"Done: {_name(task)}. ✓ Next time: {result.get('next_due_in_words')}."


def reminders(result: Mapping[str, Any]) -> str:
    if (problem := _failed(result)) is not None:
        return problem
    lines = [f"⏰ {_name(t)} — {_when(t['remind_at'])}" for t in result.get("reminders", [])]
    lines += [
        f"🔁 {_name(t)} — {t.get('repeat_in_words', t['repeat'])}"
        for t in result.get("repeating", [])
    ]
    digest = result.get("digest")
    if digest:
        lines.append(f"☀️ Your list every day at {digest['time']}")
    if not lines:
        return "You have no reminders. Try: remind me to call mom at 5pm."
    return "Your reminders:\n" + "\n".join(lines)


def digest(result: Mapping[str, Any]) -> str:
    if (problem := _failed(result)) is not None:
        return problem
    if result.get("digest") is None:
        if result.get("already"):
            return "There was no daily list to stop."
        return "OK, no more daily list."
    return (
        f"☀️ I'll send you what's due and overdue every day at {result['digest']['time']} "
        "(not on days with nothing due)."
    )
