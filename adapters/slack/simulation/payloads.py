"""Slack request bodies as Slack sends them, and Slack's request signing (v0 HMAC-SHA256).

Shapes follow Slack's documented Events API envelopes, slash-command forms and interactivity
payloads; the ids and timestamps are parameters so a simulation can make them deterministic.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import time
from typing import Any
from urllib.parse import urlencode

from adapters.slack.simulation.fake_slack import BOT_ID, BOT_USER, TEAM

# A fixed fake secret: the simulation signs with it and the adapter verifies with it.
SIGNING_SECRET = "test-signing-secret"
_event_ids = itertools.count(1)


def sign(
    body: str, *, secret: str = SIGNING_SECRET, timestamp: int | None = None
) -> dict[str, str]:
    """The headers Slack adds: ``X-Slack-Request-Timestamp`` and ``X-Slack-Signature``."""
    ts = str(int(time.time()) if timestamp is None else timestamp)
    base = f"v0:{ts}:{body}".encode()
    digest = hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": f"v0={digest}"}


def event_body(
    event: dict[str, Any],
    *,
    event_id: str | None = None,
    team: str = TEAM,
    event_time: int | None = None,
) -> dict[str, Any]:
    """The Events API envelope (``event_callback``) around ``event``."""
    return {
        "token": "legacy",
        "team_id": team,
        "api_app_id": "A1",
        "event": event,
        "type": "event_callback",
        "event_id": event_id or f"Ev{next(_event_ids):06d}",
        "event_time": int(time.time()) if event_time is None else event_time,
        "authorizations": [{"team_id": team, "user_id": BOT_USER, "is_bot": True}],
    }


def mention(
    text: str,
    *,
    user: str = "U1",
    channel: str = "C1",
    ts: str = "100.000001",
    thread_ts: str | None = None,
    team: str = TEAM,
) -> dict[str, Any]:
    event = {
        "type": "app_mention",
        "user": user,
        "text": text,
        "ts": ts,
        "channel": channel,
        "event_ts": ts,
        "team": team,
    }
    if thread_ts:
        event["thread_ts"] = thread_ts
    return event


def message(
    text: str,
    *,
    user: str | None = "U1",
    channel: str = "C1",
    channel_type: str = "channel",
    ts: str = "100.000002",
    thread_ts: str | None = None,
    team: str = TEAM,
    **extra: Any,
) -> dict[str, Any]:
    event: dict[str, Any] = {
        "type": "message",
        "text": text,
        "ts": ts,
        "channel": channel,
        "event_ts": ts,
        "channel_type": channel_type,
        "team": team,
    }
    if user:
        event["user"] = user
    if thread_ts:
        event["thread_ts"] = thread_ts
    event.update(extra)
    return event


def bot_message(text: str, **kwargs: Any) -> dict[str, Any]:
    return message(text, user=None, subtype="bot_message", bot_id="B999", **kwargs)


def own_message(text: str, **kwargs: Any) -> dict[str, Any]:
    return message(text, user="UBOT", bot_id=BOT_ID, **kwargs)


def command_form(
    text: str,
    *,
    response_url: str,
    user: str = "U1",
    channel: str = "C1",
    channel_name: str = "general",
    team: str = TEAM,
    trigger_id: str | None = None,
) -> str:
    """The urlencoded form Slack posts for ``/todo <text>``."""
    return urlencode(
        {
            "token": "legacy",
            "team_id": team,
            "team_domain": "test",
            "channel_id": channel,
            "channel_name": channel_name,
            "user_id": user,
            "user_name": user.lower(),
            "command": "/todo",
            "text": text,
            "api_app_id": "A1",
            "response_url": response_url,
            "trigger_id": trigger_id or f"trigger.{user}.{time.monotonic_ns()}",
        }
    )


def home_opened(user: str, *, channel: str, event_ts: str) -> dict[str, Any]:
    """``app_home_opened`` for the Home tab, as Slack sends it when a person opens it."""
    return {
        "type": "app_home_opened",
        "user": user,
        "channel": channel,
        "tab": "home",
        "event_ts": event_ts,
    }


def interactive_form(payload: dict[str, Any]) -> str:
    return urlencode({"payload": json.dumps(payload)})


def block_action(
    action_id: str,
    value: str,
    *,
    user: str = "U1",
    container: dict[str, Any],
    message: dict[str, Any] | None = None,
    response_url: str | None = None,
    team: str = TEAM,
    block_id: str = "b",
    action_ts: str = "1.0",
    trigger_id: str = "trigger.1",
) -> dict[str, Any]:
    """A ``block_actions`` payload: ``user`` pressed button ``action_id`` in ``container``."""
    payload: dict[str, Any] = {
        "type": "block_actions",
        "team": {"id": team, "domain": "test"},
        "user": {"id": user, "username": user.lower(), "team_id": team},
        "api_app_id": "A1",
        "token": "legacy",
        "container": container,
        "trigger_id": trigger_id,
        "actions": [
            {
                "type": "button",
                "action_id": action_id,
                "block_id": block_id,
                "value": value,
                "action_ts": action_ts,
            }
        ],
    }
    if message is not None:
        payload["message"] = message
        payload["channel"] = {"id": container.get("channel_id")}
    if response_url:
        payload["response_url"] = response_url
    return payload


def view_submission(
    view: dict[str, Any], values: dict[str, Any], *, user: str = "U1", team: str = TEAM
) -> dict[str, Any]:
    submitted = dict(view, id="VMODAL", state={"values": values})
    return {
        "type": "view_submission",
        "team": {"id": team, "domain": "test"},
        "user": {"id": user, "username": user.lower(), "team_id": team},
        "api_app_id": "A1",
        "token": "legacy",
        "trigger_id": "trigger.2",
        "view": submitted,
    }


def modal_values(
    *,
    title: str,
    due: str = "",
    priority: str = "medium",
    notes: str = "",
    due_date: str | None = None,
    due_time: str | None = None,
) -> dict[str, Any]:
    """The Add-task form's state as Slack sends it (pickers left alone send ``None``)."""
    return {
        "title": {"value": {"type": "plain_text_input", "value": title}},
        "due": {"value": {"type": "plain_text_input", "value": due or None}},
        "due_date": {"value": {"type": "datepicker", "selected_date": due_date}},
        "due_time": {"value": {"type": "timepicker", "selected_time": due_time}},
        "priority": {"value": {"type": "static_select", "selected_option": {"value": priority}}},
        "notes": {"value": {"type": "plain_text_input", "value": notes or None}},
    }


def message_shortcut(
    message: dict[str, Any], *, user: str = "U1", channel: str = "C1", response_url: str
) -> dict[str, Any]:
    return {
        "type": "message_action",
        "callback_id": "add_as_todo",
        "team": {"id": TEAM, "domain": "test"},
        "user": {"id": user, "username": user.lower(), "team_id": TEAM},
        "channel": {"id": channel, "name": "general"},
        "message": message,
        "message_ts": message["ts"],
        "trigger_id": "trigger.3",
        "response_url": response_url,
        "token": "legacy",
        "action_ts": "2.0",
    }
