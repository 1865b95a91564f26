"""Discord API v10 objects as the real API sends them, for the fake server and the tests.

Ids and timestamps are parameters: the tests take fresh ones from :func:`new_id` and the wall
clock; a simulation takes them from :class:`Snowflakes`, which derives them from its own clock
so that the same events always give the same ids.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

BOT_ID = 900_000_000_000_000_001
APP_ID = BOT_ID  # a bot's application id is its user id
GUILD_ID = 800_000_000_000_000_001
CHANNEL_ID = 810_000_000_000_000_001
DM_CHANNEL_ID = 820_000_000_000_000_001
ALICE_ID = 700_000_000_000_000_001
BOB_ID = 700_000_000_000_000_002
OTHER_BOT_ID = 700_000_000_000_000_099
EVERYONE_ROLE_ID = GUILD_ID  # @everyone shares the guild's id
TEAM_ROLE_ID = 830_000_000_000_000_001

TEXT_CHANNEL, DM_CHANNEL, PUBLIC_THREAD = 0, 1, 11
CHAT_INPUT, MESSAGE_COMPONENT, AUTOCOMPLETE = 2, 3, 4

_ids = itertools.count(1_300_000_000_000_000_000)


def new_id() -> int:
    return next(_ids)


def now() -> str:
    return datetime.now(UTC).isoformat()


DISCORD_EPOCH_MS = 1_420_070_400_000


class Snowflakes:
    """Ids as Discord makes them — milliseconds since 2015 in the high bits, a sequence in
    the low ones — from ``clock``; without a clock, the tests' fresh ids and the wall clock."""

    def __init__(self, clock: Callable[[], datetime] | None = None, *, first: int = 1) -> None:
        self._clock = clock
        self._sequence = itertools.count(first)

    def next(self) -> int:
        if self._clock is None:
            return new_id()
        ms = int(self._clock().timestamp() * 1000)
        return ((ms - DISCORD_EPOCH_MS) << 22) | (next(self._sequence) & 0x3FFFFF)

    def timestamp(self) -> str:
        return self._clock().isoformat() if self._clock else now()


def user(user_id: int, name: str, *, bot: bool = False) -> dict[str, Any]:
    return {
        "id": str(user_id),
        "username": name,
        "global_name": name.title(),
        "discriminator": "0",
        "avatar": None,
        "bot": bot,
        "public_flags": 0,
    }


BOT_USER = user(BOT_ID, "todobot", bot=True)
ALICE = user(ALICE_ID, "alice")
BOB = user(BOB_ID, "bob")
OTHER_BOT = user(OTHER_BOT_ID, "otherbot", bot=True)


def member(who: dict[str, Any], *, with_user: bool = True) -> dict[str, Any]:
    data: dict[str, Any] = {
        "roles": [],
        "joined_at": "2024-01-01T00:00:00+00:00",
        "deaf": False,
        "mute": False,
        "flags": 0,
        "pending": False,
        "permissions": "2248473465835073",
    }
    if with_user:
        data["user"] = who
    return data


def application() -> dict[str, Any]:
    return {
        "id": str(APP_ID),
        "name": "todobot",
        "icon": None,
        "description": "",
        "bot_public": True,
        "bot_require_code_grant": False,
        "verify_key": "0" * 64,
        "flags": 0,
        "owner": ALICE,
        "team": None,
        "interactions_endpoint_url": None,
    }


def text_channel(channel_id: int = CHANNEL_ID, name: str = "general") -> dict[str, Any]:
    return {
        "id": str(channel_id),
        "type": TEXT_CHANNEL,
        "guild_id": str(GUILD_ID),
        "name": name,
        "position": 0,
        "permission_overwrites": [],
        "nsfw": False,
        "parent_id": None,
        "topic": None,
        "last_message_id": None,
        "rate_limit_per_user": 0,
    }


def dm_channel(channel_id: int, recipient: dict[str, Any]) -> dict[str, Any]:
    """A DM channel as ``POST /users/@me/channels`` returns it."""
    return {
        "id": str(channel_id),
        "type": DM_CHANNEL,
        "last_message_id": None,
        "flags": 0,
        "recipients": [recipient],
    }


def thread(
    thread_id: int,
    parent_id: int,
    name: str,
    owner_id: int = BOT_ID,
    *,
    timestamp: str | None = None,
) -> dict[str, Any]:
    return {
        "id": str(thread_id),
        "type": PUBLIC_THREAD,
        "guild_id": str(GUILD_ID),
        "parent_id": str(parent_id),
        "owner_id": str(owner_id),
        "name": name,
        "last_message_id": None,
        "rate_limit_per_user": 0,
        "message_count": 0,
        "member_count": 1,
        "total_message_sent": 0,
        "flags": 0,
        "thread_metadata": {
            "archived": False,
            "auto_archive_duration": 1440,
            "archive_timestamp": timestamp or now(),
            "locked": False,
        },
    }


def guild_create(channels: dict[int, str] | None = None) -> dict[str, Any]:
    return {
        "id": str(GUILD_ID),
        "name": "Test Server",
        "icon": None,
        "owner_id": str(ALICE_ID),
        "unavailable": False,
        "member_count": 3,
        "large": False,
        "features": [],
        "roles": [
            {
                "id": str(EVERYONE_ROLE_ID),
                "name": "@everyone",
                "permissions": "1071698660929",
                "position": 0,
                "color": 0,
                "hoist": False,
                "managed": False,
                "mentionable": False,
                "flags": 0,
            },
            {
                "id": str(TEAM_ROLE_ID),
                "name": "team",
                "permissions": "0",
                "position": 1,
                "color": 0,
                "hoist": False,
                "managed": False,
                "mentionable": True,
                "flags": 0,
            },
        ],
        "channels": [
            text_channel(cid, name) for cid, name in (channels or {CHANNEL_ID: "general"}).items()
        ],
        "threads": [],
        "members": [member(BOT_USER)],
        "voice_states": [],
        "presences": [],
        "emojis": [],
        "stickers": [],
        "stage_instances": [],
        "guild_scheduled_events": [],
        "soundboard_sounds": [],
        "joined_at": "2024-01-01T00:00:00+00:00",
        "preferred_locale": "en-US",
    }


def ready(resume_url: str, shard: list[int]) -> dict[str, Any]:
    return {
        "v": 10,
        "user": BOT_USER,
        "guilds": [{"id": str(GUILD_ID), "unavailable": True}],
        "session_id": "fake-session",
        "resume_gateway_url": resume_url,
        "shard": shard,
        "application": {"id": str(APP_ID), "flags": 0},
        "private_channels": [],
        "relationships": [],
    }


def message(
    content: str,
    *,
    author: dict[str, Any] = ALICE,
    channel_id: int = CHANNEL_ID,
    guild: bool = True,
    mentions: tuple[dict[str, Any], ...] = (),
    mention_everyone: bool = False,
    mention_roles: tuple[int, ...] = (),
    webhook_id: int | None = None,
    message_id: int | None = None,
    components: list[dict[str, Any]] | None = None,
    timestamp: str | None = None,
) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": str(message_id or new_id()),
        "channel_id": str(channel_id),
        "author": author,
        "content": content,
        "timestamp": timestamp or now(),
        "edited_timestamp": None,
        "tts": False,
        "mention_everyone": mention_everyone,
        "mentions": [
            {**who, "member": member(who, with_user=False)} if guild else who for who in mentions
        ],
        "mention_roles": [str(role) for role in mention_roles],
        "attachments": [],
        "embeds": [],
        "pinned": False,
        "type": 0,
        "flags": 0,
        "components": components or [],
    }
    if guild:
        data["guild_id"] = str(GUILD_ID)
        data["member"] = member(author, with_user=False)
    if webhook_id is not None:
        data["webhook_id"] = str(webhook_id)
    return data


def interaction(
    kind: int,
    data: dict[str, Any],
    *,
    who: dict[str, Any] = ALICE,
    guild: bool = True,
    channel_id: int = CHANNEL_ID,
    message_data: dict[str, Any] | None = None,
    interaction_id: int | None = None,
    channel_name: str = "general",
) -> dict[str, Any]:
    interaction_id = interaction_id or new_id()
    payload: dict[str, Any] = {
        "id": str(interaction_id),
        "application_id": str(APP_ID),
        "type": kind,
        "data": data,
        "token": f"token-{interaction_id}",
        "version": 1,
        "channel_id": str(channel_id),
        "locale": "en-US",
        "app_permissions": "2248473465835073",
        "entitlements": [],
        "attachment_size_limit": 10 * 1024 * 1024,
    }
    if guild:
        payload["guild_id"] = str(GUILD_ID)
        payload["guild_locale"] = "en-US"
        payload["guild"] = {"id": str(GUILD_ID), "locale": "en-US", "features": []}
        payload["channel"] = text_channel(channel_id, channel_name)
        payload["member"] = member(who)
        payload["authorizing_integration_owners"] = {"0": str(GUILD_ID)}
        payload["context"] = 0
    else:
        payload["channel"] = {"id": str(channel_id), "type": DM_CHANNEL, "recipients": [who]}
        payload["user"] = who
        payload["authorizing_integration_owners"] = {"0": str(GUILD_ID)}
        payload["context"] = 1
    if message_data is not None:
        payload["message"] = message_data
    return payload


def slash(
    name: str, options: dict[str, Any], *, command_id: int | None = None, **kwargs: Any
) -> dict[str, Any]:
    data = {
        "id": str(command_id or new_id()),
        "name": name,
        "type": 1,
        "options": [{"name": key, "type": 3, "value": value} for key, value in options.items()],
    }
    return interaction(CHAT_INPUT, data, **kwargs)


def button_press(custom_id: str, message_data: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    data = {"custom_id": custom_id, "component_type": 2}
    return interaction(MESSAGE_COMPONENT, data, message_data=message_data, **kwargs)
