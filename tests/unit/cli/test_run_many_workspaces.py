"""``todobot run`` with no platform named picks Slack when OAuth is configured (there is no
``SLACK_BOT_TOKEN`` with many workspaces)."""

from __future__ import annotations

import pytest

from bot.cli.run import choose_platforms
from bot.cli.workspaces import oauth_configured


def test_oauth_alone_selects_slack(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("SLACK_BOT_TOKEN", "DISCORD_TOKEN", "SLACK_CLIENT_SECRET"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SLACK_CLIENT_ID", "1111.2222")
    assert oauth_configured()
    assert choose_platforms([]) == ["slack"]
    monkeypatch.setenv("DISCORD_TOKEN", "x")
    assert choose_platforms([]) == ["slack", "discord"]


def test_without_oauth_nothing_changes() -> None:
    assert not oauth_configured({"SLACK_BOT_TOKEN": "xoxb-1"})
    assert not oauth_configured({"SLACK_CLIENT_ID": "  "})
