"""Credentials, retry policy and the app manifest."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState

import adapters.slack
from adapters.slack import SlackCredentials, app
from adapters.slack.client import BoundedRateLimitRetryHandler, api_base_url, retry_after
from bot.config import SlackSettings
from bot.errors import ConfigError

MANIFEST = Path(adapters.slack.__file__).with_name("manifest.yml")


def test_credentials_per_mode() -> None:
    env = {"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "xapp-1", "SLACK_SIGNING_SECRET": "s"}
    http = SlackCredentials.from_env(http=True, env=env)
    assert http.signing_secret is not None and http.app_token is None
    socket = SlackCredentials.from_env(http=False, env=env)
    assert socket.app_token is not None and socket.signing_secret is None
    assert "xoxb-1" not in repr(socket)  # secrets are SecretStr
    with pytest.raises(ConfigError, match=r"^SLACK_APP_TOKEN is not set"):
        SlackCredentials.from_env(http=False, env={"SLACK_BOT_TOKEN": "x"})


@pytest.mark.parametrize(
    ("headers", "seconds"),
    [
        ({"Retry-After": ["7"]}, 7.0),
        ({"retry-after": "2"}, 2.0),
        ({}, 1.0),
        ({"Retry-After": ["soon"]}, 1.0),
        ({"Retry-After": ["-5"]}, 1.0),
    ],
)
def test_retry_after(headers: dict, seconds: float) -> None:  # type: ignore[type-arg]
    assert retry_after(headers) == seconds


@pytest.mark.parametrize(
    ("status", "wait", "attempt", "retries"),
    [(429, "1", 0, True), (429, "31", 0, False), (429, "1", 3, False), (500, "1", 0, False)],
)
async def test_rate_limit_retries_are_bounded(
    status: int, wait: str, attempt: int, retries: bool
) -> None:
    handler = BoundedRateLimitRetryHandler(max_retry_count=3, max_wait=30)
    state = RetryState(current_attempt=attempt)
    request = HttpRequest(method="POST", url="http://x", headers={})
    response = HttpResponse(status_code=status, headers={"Retry-After": wait})
    assert await handler.can_retry_async(state=state, request=request, response=response) is retries


def test_api_base_url() -> None:
    assert api_base_url(SlackSettings()) == "https://slack.com/api/"
    assert (
        api_base_url(SlackSettings(api_url="http://127.0.0.1:9/api")) == "http://127.0.0.1:9/api/"
    )


def manifest_list(key: str) -> set[str]:
    """Items of the YAML list under ``key:`` (the manifest keeps to plain block lists)."""
    lines = MANIFEST.read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.strip() == f"{key}:")
    indent = len(lines[start]) - len(lines[start].lstrip())
    items = set()
    for line in lines[start + 1 :]:
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if len(line) - len(line.lstrip()) <= indent:
            break
        if line.lstrip().startswith("- "):
            items.add(line.lstrip()[2:].strip())
    return items


def test_manifest_declares_exactly_what_the_adapter_handles() -> None:
    text = MANIFEST.read_text(encoding="utf-8")
    # register() listens to app_mention, message (DMs and thread replies) and app_home_opened.
    assert manifest_list("bot_events") == {
        "app_mention",
        "message.channels",
        "message.groups",
        "message.im",
        "message.mpim",  # group DMs: thread follow-ups (mapping: channel_type "mpim")
        "app_home_opened",
    }
    assert manifest_list("bot") == {
        "app_mentions:read",
        "channels:history",
        "groups:history",
        "im:history",
        "mpim:history",
        "im:write",  # conversations.open: reminders arrive as a DM (adapters/slack/reminders)
        "chat:write",
        "commands",
        "users:read",
    }
    assert re.search(rf"command: {re.escape(app.COMMAND)}\n", text)
    assert re.search(rf"callback_id: {app.ADD_AS_TODO_SHORTCUT}\n", text)
    assert "home_tab_enabled: true" in text and "messages_tab_enabled: true" in text
    assert "is_enabled: true" in text  # interactivity: buttons, modal, shortcut


def test_the_production_manifest_is_http_mode_with_the_same_app() -> None:
    def body(path: Path) -> str:
        text = path.read_text(encoding="utf-8")
        return text[text.index("display_information:") :]

    http = body(MANIFEST.with_name("manifest.http.yml"))
    assert "socket_mode_enabled: false" in http
    assert http.count("https://YOUR-HOST/slack/events") == 3  # events, interactivity, /todo
    # Many workspaces: the redirect URL and the uninstall events are the HTTP manifest's only.
    oauth_only = ("redirect_urls:", "/slack/oauth_redirect", "app_uninstalled", "tokens_revoked")
    oauth_only += ("# Many workspaces", "# An uninstall")
    http = "".join(
        line for line in http.splitlines(keepends=True) if not any(m in line for m in oauth_only)
    )
    # Apart from the mode and the request URLs (commented out there), it is the same app.
    socket = (
        body(MANIFEST)
        .replace("# url: https://todobot.example.com", "url: https://YOUR-HOST")
        .replace("# request_url: https://todobot.example.com", "request_url: https://YOUR-HOST")
        .replace("socket_mode_enabled: true", "socket_mode_enabled: false")
    )
    assert http == socket
