"""The task tools every agent backend (and the MCP server) uses, bound to one speaker."""

from bot.tools.schemas import TOOL_SPECS, ToolSpec, tool_schemas
from bot.tools.toolbox import TaskToolbox, task_json

__all__ = ["TOOL_SPECS", "TaskToolbox", "ToolSpec", "task_json", "tool_schemas"]
