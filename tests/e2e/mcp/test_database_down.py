"""The MCP server with its database down: an honest tool error, never a crash or a traceback."""

from __future__ import annotations

import logging

import pytest
from mcp import Client

from adapters.mcp import TaskToolServer
from bot import texts
from bot.identity import UserRef
from storage.sql import open_sql_storage

pytestmark = pytest.mark.e2e


async def test_a_database_that_is_down_is_a_tool_error_with_an_apology(
    unreachable_database_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    storage = open_sql_storage(unreachable_database_url, connect_timeout=2)
    server = TaskToolServer(
        storage=storage, user=UserRef.parse("alice"), default_timezone="UTC"
    ).build()
    try:
        async with Client(server) as client:
            listed = await client.list_tools()  # listing needs no database
            assert "add_task" in [t.name for t in listed.tools]
            with caplog.at_level(logging.ERROR):
                result = await client.call_tool("add_task", {"title": "buy milk"})
    finally:
        await storage.close()

    assert result.is_error is True
    assert result.structured_content == {
        "ok": False,
        "error": "internal",
        "message": texts.storage_apology(),
    }
    assert "Traceback" not in result.content[0].text
    assert "storage failed in MCP tool add_task for alice" in caplog.text
