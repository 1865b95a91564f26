"""Team tools over MCP, through the official client and a real ``todobot mcp`` process: an
MCP client links to a Slack account with a code, and cannot assign (no chat to read a
mention in) or reach anyone else's tasks."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from mcp import Client

from bot.identity import ConversationKey, UserRef
from bot.tasks import TaskDraft, TaskQuery
from bot.tools import TaskToolbox
from storage import migrate
from storage.sql import open_sql_storage
from tests.e2e.mcp.test_stdio_server import _server

pytestmark = pytest.mark.e2e

SLACK = UserRef("slack", "T1", "U_ALICE")
MCP_USER = UserRef("console", "local", "alice-mcp")
NOW = datetime(2026, 11, 18, 9, 0, tzinfo=UTC)


async def test_an_mcp_client_links_with_a_code_from_slack(sqlite_url: str, tmp_path: Path) -> None:
    storage = open_sql_storage(sqlite_url)
    try:
        await migrate.upgrade(storage.engine)
        alice = await storage.users.resolve_user(ref=SLACK, display_name=None, timezone="UTC")
        await storage.tasks.add_task(user_id=alice.id, draft=TaskDraft(title="on slack"), now=NOW)
        box = TaskToolbox(
            tasks=storage.tasks,
            users=storage.users,
            user=alice,
            now=datetime.now(UTC),
            place=ConversationKey("slack", "T1", "DA", "dm"),
            teams=storage.teams,
            speaker=SLACK,
        )
        code = (await box.call("link_accounts", {})).result["code"]
    finally:
        await storage.close()

    async with Client(_server(sqlite_url, tmp_path, MCP_USER), read_timeout_seconds=30) as client:
        await client.call_tool("add_task", {"title": "from mcp"})
        refused = await client.call_tool("assign_task", {"assignee": "@bob", "title": "x"})
        assert refused.is_error is True
        linked = await client.call_tool("link_accounts", {"code": code})
        assert linked.is_error is False, linked.structured_content
        assert linked.structured_content["numbers"] == [2]
        again = await client.call_tool("link_accounts", {"code": code})
        assert again.is_error is True  # single use
        listed = await client.call_tool("list_tasks", {})
        titles = [t["title"] for t in listed.structured_content["tasks"]]
        assert sorted(titles) == ["from mcp", "on slack"]

    storage = open_sql_storage(sqlite_url)
    try:
        user = await storage.users.find_user(ref=SLACK)
        assert user is not None
        tasks = await storage.tasks.list_tasks(
            user_id=user.id, query=TaskQuery(status="all"), now=NOW, tz=ZoneInfo("UTC")
        )
        assert sorted(t.title for t in tasks) == ["from mcp", "on slack"]
    finally:
        await storage.close()
