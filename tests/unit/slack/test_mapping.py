"""Slack payloads → keys, authors and routes."""

from __future__ import annotations

from typing import Any

import pytest

from adapters.slack import mapping
from adapters.slack.mapping import Route, Target
from bot.identity import ConversationKey, UserRef

BOT = "UBOT"


def event(**fields: Any) -> dict[str, Any]:
    return {
        "type": "message",
        "user": "U1",
        "text": "hi",
        "ts": "2.0",
        "channel": "C1",
        "channel_type": "channel",
    } | fields


@pytest.mark.parametrize(
    ("fields", "route"),
    [
        ({"channel": "D1", "channel_type": "im"}, Route.DM),
        ({"channel": "D1", "channel_type": "im", "thread_ts": "1.0"}, Route.DM),
        ({"thread_ts": "1.0"}, Route.THREAD_REPLY),
        ({"thread_ts": "1.0", "channel_type": "group"}, Route.THREAD_REPLY),
        ({"thread_ts": "1.0", "channel": "G1", "channel_type": "mpim"}, Route.THREAD_REPLY),
        ({"channel": "G1", "channel_type": "mpim"}, Route.IGNORE),  # top-level group-DM talk
        ({"thread_ts": "1.0", "subtype": "thread_broadcast"}, Route.THREAD_REPLY),
        ({}, Route.IGNORE),  # top-level channel chatter
        ({"thread_ts": "1.0", "text": "<@UBOT> add x"}, Route.IGNORE),  # app_mention answers it
        ({"channel_type": "im", "bot_id": "B2"}, Route.IGNORE),
        ({"channel_type": "im", "user": BOT}, Route.IGNORE),
        ({"channel_type": "im", "subtype": "message_changed"}, Route.IGNORE),
        ({"channel_type": "im", "subtype": "message_deleted"}, Route.IGNORE),
        ({"channel_type": "im", "subtype": "channel_join"}, Route.IGNORE),
        ({"channel_type": "im", "user": None}, Route.IGNORE),
    ],
)
def test_route_message(fields: dict[str, Any], route: Route) -> None:
    assert mapping.route_message(event(**fields), BOT) is route


def test_mentions_in_dms_and_by_bots_are_not_answered_as_mentions() -> None:
    assert mapping.is_for_mention(event(type="app_mention"), BOT)
    assert not mapping.is_for_mention(event(type="app_mention", channel="D1"), BOT)
    assert not mapping.is_for_mention(event(type="app_mention", bot_id="B2"), BOT)


@pytest.mark.parametrize(
    ("fields", "thread", "target"),
    [
        ({}, "2.0", Target("C1", "2.0")),
        ({"thread_ts": "1.0"}, "1.0", Target("C1", "1.0")),
        ({"channel": "D1", "channel_type": "im"}, "dm", Target("D1", None)),
        ({"channel": "D1", "channel_type": "im", "thread_ts": "1.0"}, "1.0", Target("D1", "1.0")),
    ],
)
def test_conversation_key_and_reply_target(
    fields: dict[str, Any], thread: str, target: Target
) -> None:
    e = event(**fields)
    assert mapping.conversation_key("T1", e) == ConversationKey("slack", "T1", e["channel"], thread)
    assert mapping.reply_target(e) == target


def test_to_incoming_message() -> None:
    body = {"team_id": "T1", "event_id": "Ev1"}
    message = mapping.to_incoming_message(
        body, event(type="app_mention", text="<@UBOT> add &lt;milk&gt;"), bot_user_id=BOT
    )
    assert message.key == ConversationKey("slack", "T1", "C1", "2.0")
    assert message.author == UserRef("slack", "T1", "U1")
    assert message.text == "add <milk>"
    assert message.event_id == "Ev1"
    assert message.platform_message_id == "2.0"


def test_command_key_is_per_person_in_the_channel() -> None:
    body = {"team_id": "T1", "channel_id": "C1", "user_id": "U1", "text": " add x "}
    message = mapping.command_to_incoming_message(body)
    assert message.key == ConversationKey("slack", "T1", "C1", "command:U1")
    assert message.text == "add x"
    assert message.event_id is None


@pytest.mark.parametrize(
    ("body", "team"),
    [
        ({"team_id": "T1"}, "T1"),
        ({"team": {"id": "T2"}}, "T2"),
        ({"team": None, "user": {"id": "U1", "team_id": "T3"}}, "T3"),
        ({"enterprise": {"id": "E1"}}, "E1"),
    ],
)
def test_team_of(body: dict[str, Any], team: str) -> None:
    assert mapping.team_of(body) == team


@pytest.mark.parametrize(
    ("value", "parsed"),
    [
        ("U1:3", ("U1", 3)),
        ("W1:12", ("W1", 12)),
        ("3", None),
        ("U1:x", None),
        ("U1:0", None),
        (":3", None),
        ("", None),
    ],
)
def test_button_values_carry_the_owner(value: str, parsed: tuple[str, int] | None) -> None:
    assert mapping.parse_task_button_value(value) == parsed
    if parsed:
        assert mapping.task_button_value(*parsed) == value
