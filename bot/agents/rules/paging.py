""" "more" and "page 3": the speaker's last list, carried on at another page."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.agent import AgentTurn


def last_list(turn: AgentTurn) -> tuple[dict[str, Any], Mapping[str, Any]] | None:
    """The arguments and result of the speaker's most recent list, if the history holds one."""
    for message in reversed(turn.history):
        if message.role != "assistant" or message.user_id != turn.user.id:
            continue
        for call in reversed(message.tool_calls):
            if (
                call.name == "list_tasks"
                and call.result.get("ok")
                and "numbers" not in call.arguments
            ):
                return dict(call.arguments), call.result
    return None


def continued_list(turn: AgentTurn, page: int | None) -> tuple[dict[str, Any], str]:
    """The ``list_tasks`` arguments for ``page`` of the last list (the next page when None;
    the open tasks when there was no list), and words that say what that list holds."""
    found = last_list(turn)
    if found is None:
        return {"status": "open", "page": page or 1}, ""
    arguments, result = found
    arguments["page"] = page or int(result.get("page") or arguments.get("page") or 1) + 1
    return arguments, _label(arguments)


def _label(arguments: Mapping[str, Any]) -> str:
    if arguments.get("overdue"):
        return "overdue"
    if arguments.get("has_due") is False:
        return "without a due date"
    after, before = arguments.get("due_after"), arguments.get("due_before")
    if after and before:
        return f"due {after}" if after == before else f"due {after} to {before}"
    if after:
        return f"due from {after}"
    if before:
        return f"due by {before}"
    return ""
