"""The official MCP client spawns ``todobot mcp`` over stdio and uses the task tools.

The server runs as its own process on a real SQLite file; the test reads the same file before
and after, so the tools provably act on the database the chat agent uses.
"""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from mcp import Client, StdioServerParameters

from bot.identity import UserRef
from bot.tasks import TaskDraft, TaskQuery
from bot.tools import tool_schemas
from storage import migrate
from storage.sql import open_sql_storage

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[3]
ALICE = UserRef("slack", "T1", "U_ALICE")
NOW = datetime(2026, 11, 18, 9, 0, tzinfo=UTC)


def _server(database_url: str, tmp_path: Path, user: UserRef = ALICE) -> StdioServerParameters:
    # An empty config in tmp_path keeps the repository's config.toml (and its logging) out.
    config = tmp_path / "config.toml"
    config.write_text("", encoding="utf-8")
    return StdioServerParameters(
        command=sys.executable,
        args=[
            "-m",
            "bot",
            "--config",
            str(config),
            "--database-url",
            database_url,
            "mcp",
            "--user",
            str(user),
        ],
        cwd=str(ROOT),
    )


async def _seed(database_url: str) -> None:
    """Bob has a task of his own; Alice's list starts with one task."""
    storage = open_sql_storage(database_url)
    try:
        await migrate.upgrade(storage.engine)
        for ref, title in ((ALICE, "water plants"), (UserRef("slack", "T1", "U_BOB"), "bob's")):
            user = await storage.users.resolve_user(ref=ref, display_name=None, timezone="UTC")
            await storage.tasks.add_task(user_id=user.id, draft=TaskDraft(title=title), now=NOW)
    finally:
        await storage.close()


async def _alice_tasks(database_url: str) -> list[tuple[int, str, bool]]:
    storage = open_sql_storage(database_url)
    try:
        user = await storage.users.find_user(ref=ALICE)
        assert user is not None
        tasks = await storage.tasks.list_tasks(
            user_id=user.id,
            query=TaskQuery(status="all"),
            now=NOW,
            tz=NOW.tzinfo,  # type: ignore[arg-type]
        )
        return sorted((t.number, t.title, t.completed) for t in tasks)
    finally:
        await storage.close()


async def test_lists_the_tools_and_adds_lists_and_completes_on_the_database(
    sqlite_url: str, tmp_path: Path
) -> None:
    await _seed(sqlite_url)
    async with Client(_server(sqlite_url, tmp_path), read_timeout_seconds=30) as client:
        listed = await client.list_tools()
        assert [t.name for t in listed.tools] == [s["name"] for s in tool_schemas()]
        for tool, schema in zip(listed.tools, tool_schemas(), strict=True):
            assert tool.input_schema == schema["parameters"]
            assert tool.description == schema["description"]

        added = await client.call_tool(
            "add_task", {"title": "renew passport", "due": "2030-01-15", "priority": "high"}
        )
        assert added.is_error is False
        assert added.structured_content["task"]["number"] == 2
        assert json.loads(added.content[0].text) == added.structured_content

        open_tasks = await client.call_tool("list_tasks", {})
        assert [
            (t["number"], t["title"], t["due"], t["priority"])
            for t in open_tasks.structured_content["tasks"]
        ] == [(2, "renew passport", "2030-01-15", "high"), (1, "water plants", None, "medium")]

        done = await client.call_tool("complete_task", {"query": "passport"})
        assert done.is_error is False
        assert done.structured_content["task"]["completed"] is True

    assert await _alice_tasks(sqlite_url) == [
        (1, "water plants", False),
        (2, "renew passport", True),
    ]


async def test_bad_calls_are_tool_errors_and_other_people_stay_out_of_reach(
    sqlite_url: str, tmp_path: Path
) -> None:
    await _seed(sqlite_url)
    async with Client(_server(sqlite_url, tmp_path), read_timeout_seconds=30) as client:
        missing = await client.call_tool("complete_task", {"number": 42})
        assert missing.is_error is True
        assert missing.structured_content["error"] == "not_found"

        # No argument can name another person: the schema forbids extra fields.
        other = await client.call_tool("add_task", {"title": "x", "user": "slack:T1:U_BOB"})
        assert other.is_error is True
        assert other.structured_content["error"] == "invalid_input"

        bobs = await client.call_tool("list_tasks", {"status": "all"})
        assert [t["title"] for t in bobs.structured_content["tasks"]] == ["water plants"]

        unknown = await client.call_tool("drop_tables", {})
        assert unknown.is_error is True
        assert "no tool named" in unknown.structured_content["message"]
    assert await _alice_tasks(sqlite_url) == [(1, "water plants", False)]
