"""SqlConversationStore and SqlEventLog on SQLite and PostgreSQL."""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text

from bot.conversations import IncomingMessage, ToolCall, TurnRequest
from bot.identity import ConversationKey, UserRef
from storage.sql import SqlStorage, open_sql_storage
from tests.conftest import migrated_storage

NOW = datetime(2026, 11, 18, 9, 0, tzinfo=UTC)
KEY = ConversationKey("slack", "T1", "C1", "1700000000.0001")


async def test_conversation_is_created_once_per_key(storage: SqlStorage) -> None:
    first = await storage.conversations.open_conversation(key=KEY, now=NOW)
    again = await storage.conversations.open_conversation(key=KEY, now=NOW)
    other = await storage.conversations.open_conversation(
        key=ConversationKey("slack", "T1", "C1", "other"), now=NOW
    )
    assert first.id == again.id != other.id


async def test_history_window_is_newest_messages_in_order_within_budget(
    storage: SqlStorage,
) -> None:
    user = await storage.users.resolve_user(
        ref=UserRef("slack", "T1", "U1"), display_name="Ann", timezone="UTC"
    )
    conv = await storage.conversations.open_conversation(key=KEY, now=NOW)
    for i in range(30):
        await storage.conversations.append_message(
            conversation_id=conv.id,
            user_id=user.id,
            role="user" if i % 2 == 0 else "assistant",
            content=f"m{i:02d}",
            now=NOW + timedelta(seconds=i),
            tool_calls=[ToolCall("list_tasks", {}, {"ok": True})] if i == 29 else (),
        )
    window = await storage.conversations.recent_messages(
        conversation_id=conv.id, limit=10, char_budget=10_000
    )
    assert [m.content for m in window] == [f"m{i:02d}" for i in range(20, 30)]
    assert window[-1].tool_calls == [ToolCall("list_tasks", {}, {"ok": True})]
    assert window[0].speaker_name == "Ann"
    tight = await storage.conversations.recent_messages(
        conversation_id=conv.id, limit=10, char_budget=9
    )
    # m29's stored tool call counts too: it fills the window alone.
    assert [m.content for m in tight] == ["m29"]
    stored = len(json.dumps([ToolCall("list_tasks", {}, {"ok": True}).as_json()]))
    counted = await storage.conversations.recent_messages(
        conversation_id=conv.id, limit=10, char_budget=3 + stored + 3
    )
    assert [m.content for m in counted] == ["m28", "m29"]


async def test_event_is_claimed_once(storage: SqlStorage) -> None:
    assert await storage.events.claim_event(platform="slack", event_id="Ev1", now=NOW)
    assert not await storage.events.claim_event(platform="slack", event_id="Ev1", now=NOW)
    assert await storage.events.claim_event(platform="discord", event_id="Ev1", now=NOW)


async def test_old_event_ids_are_pruned(storage: SqlStorage) -> None:
    await storage.events.claim_event(platform="slack", event_id="old", now=NOW)
    await storage.events.claim_event(platform="slack", event_id="new", now=NOW + timedelta(days=3))
    removed = await storage.events.prune_events(older_than=NOW + timedelta(days=1))
    assert removed == 1
    assert await storage.events.claim_event(platform="slack", event_id="old", now=NOW)
    assert not await storage.events.claim_event(platform="slack", event_id="new", now=NOW)


@pytest.mark.postgres
async def test_postgres_connections_always_plan_for_the_current_table(postgres_url: str) -> None:
    # A generic plan cached while `message` was small would scan the whole table once it grows;
    # the history window must stay an index scan however long the conversation gets.
    storage = open_sql_storage(postgres_url)
    try:
        async with storage.engine.connect() as conn:
            mode = await conn.scalar(text("SHOW plan_cache_mode"))
    finally:
        await storage.close()
    assert mode == "force_custom_plan"


def _turn(text: str, author: str = "U1") -> TurnRequest:
    return TurnRequest(
        message=IncomingMessage(key=KEY, author=UserRef("slack", "T1", author), text=text),
        now=datetime.now(UTC),
        default_timezone="UTC",
        timezone_hint=None,
        history_limit=10,
        history_chars=10_000,
    )


async def _say(storage: SqlStorage, text: str, author: str = "U1") -> list[str]:
    """A turn's start and its reply; returns the history the turn saw."""
    start = await storage.conversations.begin_turn(request=_turn(text, author))
    assert start is not None
    await storage.conversations.append_message(
        conversation_id=start.conversation.id,
        user_id=start.user.id,
        role="assistant",
        content=f"re: {text}",
        now=datetime.now(UTC),
        tool_calls=[ToolCall("list_tasks", {}, {"ok": True, "tasks": [{"number": 1}] * 3})],
    )
    return [m.content for m in start.history]


async def test_the_kept_window_sees_what_another_process_wrote(database_url: str) -> None:
    async with migrated_storage(database_url) as first:
        second = open_sql_storage(database_url)
        try:
            assert await _say(first, "a") == []
            assert await _say(first, "b") == ["a", "re: a"]
            assert await _say(second, "c", author="U2") == ["a", "re: a", "b", "re: b"]
            assert await _say(first, "d") == ["a", "re: a", "b", "re: b", "c", "re: c"]
        finally:
            await second.close()


async def test_the_kept_window_drops_a_reply_whose_transaction_rolled_back(
    storage: SqlStorage,
) -> None:
    await _say(storage, "a")
    start = await storage.conversations.begin_turn(request=_turn("b"))
    assert start is not None

    async def reply_then_fail() -> None:
        async with storage.one_transaction():
            await storage.conversations.append_message(
                conversation_id=start.conversation.id,
                user_id=start.user.id,
                role="assistant",
                content="never stored",
                now=datetime.now(UTC),
            )
            raise RuntimeError("the turn failed after the reply")

    with pytest.raises(RuntimeError):
        await reply_then_fail()
    # On SQLite the next message may even get the rolled-back one's id.
    seen = await _say(storage, "c")
    assert seen == ["a", "re: a", "b"]
    assert "never stored" not in await _say(storage, "d")


async def test_a_steady_turn_stores_the_speaker_and_follows_their_zone(storage: SqlStorage) -> None:
    """The steady start (one statement on PostgreSQL) for the same person, a zone hint they
    have not pinned, and a second person joining a conversation this process already serves."""
    await _say(storage, "a")
    hinted = dataclasses.replace(_turn("b"), timezone_hint="Europe/Paris")
    start = await storage.conversations.begin_turn(request=hinted)
    assert start is not None
    assert start.user.timezone == "Europe/Paris"
    assert [m.content for m in start.history] == ["a", "re: a"]
    assert (start.message.content, start.message.role) == ("b", "user")
    first = start.user.id

    assert await _say(storage, "c", author="U2") == ["a", "re: a", "b"]
    start = await storage.conversations.begin_turn(request=_turn("d"))
    assert start is not None
    assert start.user.id == first and start.message.user_id == first
    stored = await storage.conversations.recent_messages(
        conversation_id=start.conversation.id, limit=10, char_budget=10_000
    )
    assert [(m.content, m.user_id == first) for m in stored] == [
        ("a", True),
        ("re: a", True),
        ("b", True),
        ("c", False),
        ("re: c", False),
        ("d", True),
    ]
    user = await storage.users.find_user(ref=UserRef("slack", "T1", "U1"))
    assert user is not None and user.timezone == "Europe/Paris"


async def test_a_steady_turn_claims_its_event_with_the_message(storage: SqlStorage) -> None:
    """In a conversation this process already serves (PostgreSQL: the claim is part of the
    start's one statement), a delivery stores one message, a redelivery nothing."""
    await _say(storage, "a")
    request = _turn("b")
    delivered = dataclasses.replace(
        request, message=dataclasses.replace(request.message, event_id="Ev-1")
    )
    start = await storage.conversations.begin_turn(request=delivered)
    assert start is not None and start.message.content == "b"
    assert await storage.conversations.begin_turn(request=delivered) is None
    stored = await storage.conversations.recent_messages(
        conversation_id=start.conversation.id, limit=10, char_budget=10_000
    )
    assert [m.content for m in stored] == ["a", "re: a", "b"]
    # The claim carries the message's id (a take-over after the lease resumes that message).
    async with storage.engine.connect() as conn:
        claimed = await conn.scalar(
            text("SELECT message_id FROM processed_event WHERE event_id = 'Ev-1'")
        )
    assert claimed == start.message.id
