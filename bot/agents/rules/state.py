"""What the conversation waits for, kept as data with the assistant's message.

The rules agent records a ``conversation_state`` entry among a turn's calls (``remember``):
``{"confirm": "complete" | "delete", "numbers": [...]}`` after asking "Complete all 7? yes /
no", or ``{"awaiting": "tasks"}`` after asking what to add. The next turn reads it back from
the person's last assistant message — never by comparing the reply's words.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol, runtime_checkable

from bot.agent import AgentTurn
from bot.tools.toolbox import STATE_ENTRY


@runtime_checkable
class RememberingTools(Protocol):
    """Tools that keep conversation state with the turn (``TaskToolbox``)."""

    def remember(self, state: Mapping[str, Any]) -> None: ...


def last_state(turn: AgentTurn) -> Mapping[str, Any]:
    """The state the person's last assistant reply left (empty when none)."""
    for message in reversed(turn.history):
        if message.user_id != turn.user.id or message.role != "assistant":
            continue
        for call in message.tool_calls:
            if call.name == STATE_ENTRY:
                return call.arguments
        return {}
    return {}


def confirmation(state: Mapping[str, Any]) -> tuple[str, list[int]] | None:
    """The action and task numbers a yes would carry out, when a yes / no was asked."""
    action, numbers = state.get("confirm"), state.get("numbers")
    if action not in ("complete", "delete") or not isinstance(numbers, list):
        return None
    if not all(isinstance(n, int) and n > 0 for n in numbers):
        return None
    return str(action), numbers
