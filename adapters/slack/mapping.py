"""Slack payloads → core identities and messages. Pure functions, no I/O.

Conversation keys (``ConversationKey("slack", team, channel, thread)``):

* a channel mention or a thread reply → the thread's root ``ts`` (``thread_ts`` or ``ts``);
* a DM inside a thread → that thread's root ``ts``;
* a top-level DM → ``DM_THREAD``: one rolling conversation per DM channel;
* ``/todo`` → ``command:<user>`` in the channel it was typed in: answers are ephemeral, so
  one person's commands never land in the history another person's turn reads.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Any

from adapters.slack import mrkdwn
from bot.conversations import IncomingMessage
from bot.identity import ConversationKey, UserRef

PLATFORM = "slack"
DM_THREAD = "dm"
# Message subtypes that are a person writing; every other subtype (edits, deletions, joins,
# bot_message, …) is noise for us.
_PERSON_SUBTYPES = frozenset({None, "thread_broadcast", "file_share"})
_CHANNEL_TYPES = frozenset({"channel", "group", "mpim"})

Payload = Mapping[str, Any]


class Route(Enum):
    """What to do with a ``message`` event."""

    IGNORE = "ignore"
    DM = "dm"
    THREAD_REPLY = "thread_reply"  # answer only if the bot already talks in that thread


@dataclass(frozen=True, slots=True)
class Target:
    """Where an answer goes: a channel, and a thread in it (``None`` for top level)."""

    channel: str
    thread_ts: str | None


def team_of(body: Payload) -> str:
    """The workspace the payload came from, whatever the payload kind."""
    team = body.get("team_id") or (body.get("team") or {}).get("id")
    team = team or (body.get("user") or {}).get("team_id")
    team = team or (body.get("enterprise") or {}).get("id") or body.get("enterprise_id")
    return str(team or "")


def user_ref(team: str, user_id: str) -> UserRef:
    return UserRef(PLATFORM, team, user_id)


def from_a_person(event: Payload, bot_user_id: str | None) -> bool:
    """False for bots (ours or others), edits, deletions and other system subtypes."""
    if event.get("subtype") not in _PERSON_SUBTYPES or event.get("bot_id"):
        return False
    user = event.get("user")
    return bool(user) and user != bot_user_id


def route_message(event: Payload, bot_user_id: str | None) -> Route:
    """Decide whether a ``message`` event is for us.

    Channel messages that mention the bot arrive twice (``message`` and ``app_mention``); the
    ``app_mention`` listener answers them, so they are ignored here.
    """
    if not from_a_person(event, bot_user_id):
        return Route.IGNORE
    channel_type = event.get("channel_type")
    if channel_type == "im":
        return Route.DM
    if channel_type in _CHANNEL_TYPES and event.get("thread_ts"):
        if bot_user_id and f"<@{bot_user_id}" in str(event.get("text", "")):
            return Route.IGNORE
        return Route.THREAD_REPLY
    return Route.IGNORE


def is_for_mention(event: Payload, bot_user_id: str | None) -> bool:
    """Whether an ``app_mention`` event should be answered (DMs go through ``message``)."""
    return from_a_person(event, bot_user_id) and not str(event.get("channel", "")).startswith("D")


def conversation_key(team: str, event: Payload) -> ConversationKey:
    channel = str(event["channel"])
    thread = event.get("thread_ts")
    if not thread and event.get("channel_type") == "im":
        return ConversationKey(PLATFORM, team, channel, DM_THREAD)
    return ConversationKey(PLATFORM, team, channel, str(thread or event["ts"]))


def reply_target(event: Payload) -> Target:
    """Top-level DMs are answered at top level; everything else in its thread."""
    thread = event.get("thread_ts")
    if not thread and event.get("channel_type") == "im":
        return Target(str(event["channel"]), None)
    return Target(str(event["channel"]), str(thread or event["ts"]))


def to_incoming_message(
    body: Payload, event: Payload, *, bot_user_id: str | None
) -> IncomingMessage:
    """An ``app_mention`` or ``message`` event as the core's ``IncomingMessage``."""
    team = team_of(body)
    return IncomingMessage(
        key=conversation_key(team, event),
        author=user_ref(team, str(event["user"])),
        text=mrkdwn.from_slack(
            str(event.get("text") or ""), bot_user_id=bot_user_id, user_ids=True
        ),
        event_id=body.get("event_id"),
        platform_message_id=str(event["ts"]),
    )


def command_key(body: Payload) -> ConversationKey:
    return ConversationKey(
        PLATFORM, team_of(body), str(body["channel_id"]), f"command:{body['user_id']}"
    )


def command_to_incoming_message(body: Payload) -> IncomingMessage:
    """A ``/todo <text>`` command as an ``IncomingMessage`` (Slack never redelivers these)."""
    return IncomingMessage(
        key=command_key(body),
        author=user_ref(team_of(body), str(body["user_id"])),
        text=mrkdwn.from_slack(str(body.get("text") or ""), user_ids=True),
        platform_message_id=body.get("trigger_id"),
    )


def task_button_value(owner: str, number: int) -> str:
    """A button's value names the list's owner, so a click by anyone else changes nothing."""
    return f"{owner}:{number}"


def parse_task_button_value(value: str) -> tuple[str, int] | None:
    owner, _, number = value.rpartition(":")
    if not owner or not number.isdigit() or int(number) < 1:
        return None
    return owner, int(number)


def page_button_value(owner: str, arguments: Mapping[str, Any]) -> str:
    """A Next page button carries the list's owner and the ``list_tasks`` arguments."""
    return json.dumps({"owner": owner, "list": dict(arguments)}, separators=(",", ":"))


def parse_page_button_value(value: str) -> tuple[str, dict[str, Any]] | None:
    try:
        decoded = json.loads(value)
    except ValueError:
        return None
    if not isinstance(decoded, dict):
        return None
    owner, arguments = decoded.get("owner"), decoded.get("list")
    if not isinstance(owner, str) or not owner or not isinstance(arguments, dict):
        return None
    return owner, arguments


def clicker_of(body: Payload) -> str:
    return str((body.get("user") or {}).get("id", ""))
