"""Endpoints, intents, permissions, button ids, timezone suggestions and [discord] settings."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from discord.gateway import DiscordWebSocket
from discord.http import Route

from adapters.discord.buttons import custom_id, reply_view, ticked
from adapters.discord.client import intents_for, invite_permissions
from adapters.discord.deleting import delete_id
from adapters.discord.endpoints import discord_endpoints, rest_base
from adapters.discord.interactions import Scope
from adapters.discord.slash import zone_suggestions
from bot.config import DiscordSettings, load_settings
from bot.conversations import Reply, ToolCall
from bot.errors import ConfigError
from bot.tasks import Priority, Task

NOW = datetime(2026, 12, 2, tzinfo=UTC)

README = Path(__file__).parents[3] / "README.md"


@pytest.mark.parametrize(
    ("url", "base"),
    [
        ("http://127.0.0.1:8080", "http://127.0.0.1:8080/api/v10"),
        ("http://proxy/", "http://proxy/api/v10"),
        ("http://proxy/api", "http://proxy/api/v10"),
        ("http://proxy/api/v10/", "http://proxy/api/v10"),
        ("http://proxy/api/v9", "http://proxy/api/v9"),
    ],
)
def test_rest_base(url: str, base: str) -> None:
    assert rest_base(url) == base


def test_endpoints_apply_inside_the_block_only() -> None:
    before = (Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY)
    with discord_endpoints("http://127.0.0.1:1", "ws://127.0.0.1:2/gateway"):
        assert Route("GET", "/users/@me").url == "http://127.0.0.1:1/api/v10/users/@me"
        assert str(DiscordWebSocket.DEFAULT_GATEWAY) == "ws://127.0.0.1:2/gateway"
    assert before == (Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY)
    with discord_endpoints(None, None):
        assert before == (Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY)


def test_intents_are_the_minimum_and_content_only_when_asked() -> None:
    # guilds (1) + guild messages (512) + direct messages (4096)
    assert intents_for(DiscordSettings()).value == 4609
    assert intents_for(DiscordSettings(message_content_intent=True)).value == 4609 + (1 << 15)


def test_readme_invite_link_asks_for_exactly_the_permissions_used() -> None:
    value = invite_permissions().value
    assert value == 1024 + 2048 + 65536 + (1 << 35) + (1 << 38)
    text = README.read_text(encoding="utf-8")
    links = re.findall(r"discord\.com/oauth2/authorize\?[^\s)`]*", text)
    assert links, "README has no invite link"
    assert all(f"permissions={value}" in link for link in links)
    assert all("scope=bot+applications.commands" in link for link in links)


def test_ticking_a_button_keeps_the_others() -> None:
    buttons = [
        (custom_id(7, 1), False),
        (custom_id(7, 2), False),
        ("other", False),
        (custom_id(7, 3), True),
    ]
    assert ticked(buttons, 2) == [(Scope(7), 1, False), (Scope(7), 2, True), (Scope(7), 3, True)]


def test_custom_ids_fit_discords_limit() -> None:
    assert len(custom_id(2**64 - 1, 999_999_999)) <= 100


def test_zone_suggestions() -> None:
    assert zone_suggestions("berl") == ["Europe/Berlin"]
    assert zone_suggestions("new york")[0] == "America/New_York"
    assert len(zone_suggestions("a")) == 25
    assert "UTC" in zone_suggestions("")


def test_sharding_settings_are_checked_at_load(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text("[discord]\nshard_count = 2\nshard_ids = [0, 1]\n", encoding="utf-8")
    assert load_settings(config, env={}).discord.shard_ids == [0, 1]
    config.write_text("[discord]\nshard_ids = [0]\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="shard_ids needs shard_count"):
        load_settings(config, env={})
    config.write_text("[discord]\nshard_count = 2\nshard_ids = [2]\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="0…1"):
        load_settings(config, env={})
    with pytest.raises(ConfigError, match="max_ratelimit_timeout"):
        load_settings(config, env={"TODOBOT_DISCORD__MAX_RATELIMIT_TIMEOUT": "5"})


def _shown(count: int, *, pages: int = 1) -> Reply:
    tasks = [
        Task(n, 1, n, f"t{n}", "", Priority.MEDIUM, None, None, NOW, NOW)
        for n in range(1, count + 1)
    ]
    result = {"ok": True, "tasks": [], "page": 1, "pages": pages, "total": count}
    return Reply(text="", tool_calls=[ToolCall("list_tasks", {}, result)], tasks=tasks)


def _rows(view: Any) -> list[list[str]]:
    rows: dict[int, list[str]] = {}
    for item in view.children:
        rows.setdefault(item._rendered_row or 0, []).append(item.item.label)
    return [rows[index] for index in sorted(rows)]


async def test_delete_sits_beside_complete_while_pairs_fit_in_five_rows() -> None:
    assert _rows(reply_view(7, _shown(3, pages=2))) == [
        ["Complete #1", "Delete #1", "Complete #2", "Delete #2"],
        ["Complete #3", "Delete #3"],
        ["Next page (2)"],
    ]
    full = _rows(reply_view(7, _shown(10, pages=2)))
    assert len(full) == 5 and full[-1][-1] == "Next page (2)"
    # Eleven tasks don't fit as pairs: Complete alone for each, as many as Discord allows.
    many = [label for row in _rows(reply_view(7, _shown(30))) for label in row]
    assert many == [f"Complete #{n}" for n in range(1, 26)]
    assert reply_view(7, _shown(0)) is None


def test_delete_ids_fit_discords_limit() -> None:
    assert len(delete_id(2**64 - 1, 999_999_999)) <= 100
    assert len(f"todo:delete:keep:{2**64 - 1}:999999999") <= 100
