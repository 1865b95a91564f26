"""The official MCP client spawns the tool server over stdio and uses the task tools."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from mcp import Client, StdioServerParameters

from bot.tools import tool_schemas

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[3]


def _server() -> StdioServerParameters:
    return StdioServerParameters(
        command=sys.executable, args=["-m", "tests.e2e.mcp.serve", "alice"], cwd=str(ROOT)
    )


async def test_lists_the_tools_and_adds_lists_and_completes_a_task() -> None:
    async with Client(_server(), read_timeout_seconds=20) as client:
        listed = await client.list_tools()
        assert [t.name for t in listed.tools] == [s["name"] for s in tool_schemas()]
        for tool, schema in zip(listed.tools, tool_schemas(), strict=True):
            assert tool.input_schema == schema["parameters"]
            assert tool.description == schema["description"]

        added = await client.call_tool(
            "add_task", {"title": "renew passport", "due": "2030-01-15", "priority": "high"}
        )
        assert added.is_error is False
        assert added.structured_content["task"]["number"] == 1
        assert json.loads(added.content[0].text) == added.structured_content

        listed_tasks = await client.call_tool("list_tasks", {})
        tasks = listed_tasks.structured_content["tasks"]
        assert [(t["number"], t["title"], t["due"], t["priority"]) for t in tasks] == [
            (1, "renew passport", "2030-01-15", "high")
        ]

        done = await client.call_tool("complete_task", {"query": "passport"})
        assert done.is_error is False
        assert done.structured_content["task"]["completed"] is True

        still_open = await client.call_tool("list_tasks", {"status": "open"})
        assert still_open.structured_content["count"] == 0


async def test_bad_calls_are_tool_errors_the_client_can_read() -> None:
    async with Client(_server(), read_timeout_seconds=20) as client:
        missing = await client.call_tool("complete_task", {"number": 42})
        assert missing.is_error is True
        assert missing.structured_content["error"] == "not_found"

        invalid = await client.call_tool("add_task", {"title": "x", "user": "bob"})
        assert invalid.is_error is True
        assert invalid.structured_content["error"] == "invalid_input"

        unknown = await client.call_tool("drop_tables", {})
        assert unknown.is_error is True
        assert "no tool named" in unknown.structured_content["message"]
