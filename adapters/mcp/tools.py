"""Pure mapping between todobot's task tools and MCP's tool types (no I/O)."""

from __future__ import annotations

import json
from typing import Any

import mcp_types as types

from bot.conversations import ToolCall
from bot.outcomes import Failure
from bot.tools import TOOL_SPECS, ToolSpec

# Hints for clients that ask before running tools that change or delete things.
_READ_ONLY = frozenset({"list_tasks", "list_reminders"})
_DESTRUCTIVE = frozenset({"delete_task"})
_IDEMPOTENT = frozenset(
    {"list_tasks", "complete_task", "reopen_task", "set_timezone", "list_reminders", "set_digest"}
)


def to_mcp_tool(spec: ToolSpec) -> types.Tool:
    """One task tool as MCP lists it: the very JSON Schema the chat agent's model sees."""
    return types.Tool(
        name=spec.name,
        description=spec.description,
        input_schema=spec.json_schema(),
        annotations=types.ToolAnnotations(
            read_only_hint=spec.name in _READ_ONLY,
            destructive_hint=spec.name in _DESTRUCTIVE,
            idempotent_hint=spec.name in _IDEMPOTENT,
        ),
    )


def list_result() -> types.ListToolsResult:
    return types.ListToolsResult(tools=[to_mcp_tool(spec) for spec in TOOL_SPECS])


def call_result(call: ToolCall) -> types.CallToolResult:
    """The toolbox's result as JSON text and structured content; ``ok: false`` is an error."""
    return _result(call.result, is_error=not call.outcome.ok)


def failure_result(message: str) -> types.CallToolResult:
    """A failure of the machinery (database down…), told without internals."""
    return _result(Failure(message, error="internal").as_json(), is_error=True)


def _result(payload: dict[str, Any], *, is_error: bool) -> types.CallToolResult:
    return types.CallToolResult(
        content=[types.TextContent(text=json.dumps(payload, ensure_ascii=False))],
        structured_content=payload,
        is_error=is_error,
    )
