"""The task tools served over MCP, bound to one person.

Built on the SDK's low-level ``Server`` rather than ``MCPServer`` (the 2.x name of FastMCP):
``MCPServer`` derives each tool's schema from a Python signature, while these tools must list
the exact schemas of ``bot.tools`` and validate through ``TaskToolbox`` like the chat agent.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime

import mcp_types as types
from mcp.server import Server, ServerRequestContext
from mcp.server.stdio import stdio_server

from adapters.mcp import tools
from bot import texts
from bot.errors import StorageError
from bot.identity import UserRef
from bot.stores import Storage
from bot.tools import TaskToolbox

log = logging.getLogger(__name__)


def _utc_now() -> datetime:
    return datetime.now(UTC)


class TaskToolServer:
    """Answers ``tools/list`` and ``tools/call`` for one user's task list."""

    def __init__(
        self,
        *,
        storage: Storage,
        user: UserRef,
        default_timezone: str,
        clock: Callable[[], datetime] = _utc_now,
    ) -> None:
        self._storage = storage
        self._user = user
        self._default_timezone = default_timezone
        self._clock = clock

    def build(self) -> Server:
        return Server(
            "todobot",
            title="todobot tasks",
            instructions=(
                f"The todo list of {self._user}. Tasks are numbered #1, #2… per person; "
                "refer to one by number, or by words of its title with the query argument."
            ),
            on_list_tools=self.list_tools,
            on_call_tool=self.call_tool,
        )

    async def list_tools(
        self, ctx: ServerRequestContext, params: types.PaginatedRequestParams | None
    ) -> types.ListToolsResult:
        return tools.list_result()

    async def call_tool(
        self, ctx: ServerRequestContext, params: types.CallToolRequestParams
    ) -> types.CallToolResult:
        try:
            user = await self._storage.users.resolve_user(
                ref=self._user, display_name=None, timezone=self._default_timezone
            )
            toolbox = TaskToolbox(
                tasks=self._storage.tasks,
                users=self._storage.users,
                user=user,
                now=self._clock(),
                reminders=self._storage.reminders,
                teams=self._storage.teams,
                speaker=self._user,
            )
            call = await toolbox.call(params.name, params.arguments or {})
            teams = self._storage.teams
            if toolbox.forget_requested and teams is not None:
                await teams.forget(user_id=user.id)
        except StorageError:
            log.exception("storage failed in MCP tool %s for %s", params.name, self._user)
            return tools.failure_result(texts.storage_apology())
        except Exception:
            log.exception("MCP tool %s failed for %s", params.name, self._user)
            return tools.failure_result(texts.apology())
        return tools.call_result(call)


async def serve_stdio(*, storage: Storage, user: UserRef, default_timezone: str) -> None:
    """Serve the task tools of ``user`` over this process's stdin/stdout until EOF."""
    server = TaskToolServer(storage=storage, user=user, default_timezone=default_timezone).build()
    async with stdio_server() as (read_stream, write_stream):
        await server.run(read_stream, write_stream, server.create_initialization_options())
