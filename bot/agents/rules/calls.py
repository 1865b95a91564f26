"""What the rules agent's performers share: the tool call they are handed, and its arguments."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from bot.outcomes import Outcome

Call = Callable[[str, dict[str, Any]], Awaitable[Outcome]]


def given(**arguments: Any) -> dict[str, Any]:
    """Tool arguments without the ones not given (None)."""
    return {name: value for name, value in arguments.items() if value is not None}
