"""Planning an undo from the conversation's history (pure: no I/O).

The last change the speaker made through chat is the newest assistant turn answering them
whose tool calls changed tasks. Undo turns are recorded as ``restore_task`` calls naming the
turn they undid (``undoes``), so "undo" twice walks further back instead of redoing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from bot.conversations import StoredMessage

_CHANGING = frozenset(
    {"add_task", "complete_task", "reopen_task", "update_task", "delete_task", "snooze_task"}
)


@dataclass(frozen=True, slots=True)
class RestoreStep:
    """Put task ``number`` back as ``snapshot``; ``None`` removes a task that was added."""

    number: int
    snapshot: Mapping[str, Any] | None


@dataclass(frozen=True, slots=True)
class UndoPlan:
    message_id: int
    steps: tuple[RestoreStep, ...]


def plan_undo(history: Sequence[StoredMessage], *, user_id: int) -> UndoPlan | None:
    """What to restore to revert ``user_id``'s last change in ``history``, or None."""
    undone: set[int] = set()
    for message in reversed(history):
        if message.role != "assistant" or message.user_id != user_id:
            continue
        restores = [c for c in message.tool_calls if c.name == "restore_task"]
        if restores:
            undone.update(
                int(c.arguments["undoes"])
                for c in restores
                if isinstance(c.arguments.get("undoes"), int)
            )
            continue
        if message.id in undone:
            continue
        steps = [
            step
            for call in message.tool_calls
            if (step := _reversal(call.name, call.result)) is not None
        ]
        if steps:
            return UndoPlan(message_id=message.id, steps=tuple(reversed(steps)))
    return None


def _reversal(name: str, result: Mapping[str, Any]) -> RestoreStep | None:
    if name not in _CHANGING or not result.get("ok") or result.get("already"):
        return None
    task = result.get("task")
    if not isinstance(task, Mapping) or not isinstance(task.get("number"), int):
        return None
    if name == "add_task":
        return RestoreStep(task["number"], None)
    if name == "delete_task":
        return RestoreStep(task["number"], task)
    before = result.get("before")
    return RestoreStep(task["number"], before) if isinstance(before, Mapping) else None
