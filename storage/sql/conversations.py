"""Conversations, their messages, the bounded history window, and the start of a turn."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import ColumnElement, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.conversations import Conversation, Role, StoredMessage, ToolCall, TurnStart
from bot.errors import StorageError
from bot.identity import ConversationKey, UserRef
from storage.sql.events import claim
from storage.sql.models import AppUser, ConversationRow, MessageRow
from storage.sql.session import SqlStoreBase
from storage.sql.users import get_or_create_user_row, raced_on_insert, to_user


def _key_filter(key: ConversationKey) -> tuple[ColumnElement[bool], ...]:
    return (
        ConversationRow.platform == key.platform,
        ConversationRow.tenant == key.tenant,
        ConversationRow.channel_id == key.channel_id,
        ConversationRow.thread_id == key.thread_id,
    )


class _MessageFields(Protocol):
    id: int
    conversation_id: int
    user_id: int
    role: str
    content: str
    tool_calls: list[dict[str, Any]] | None
    created_at: datetime


def _to_message(row: _MessageFields, speaker_name: str) -> StoredMessage:
    calls = [
        ToolCall(
            name=c.get("name", ""), arguments=c.get("arguments") or {}, result=c.get("result") or {}
        )
        for c in row.tool_calls or []
    ]
    return StoredMessage(
        id=row.id,
        conversation_id=row.conversation_id,
        user_id=row.user_id,
        speaker_name=speaker_name,
        role=row.role,  # type: ignore[arg-type]
        content=row.content,
        tool_calls=calls,
        created_at=row.created_at,
    )


async def _conversation_id(session: AsyncSession, key: ConversationKey, now: datetime) -> int:
    found = await session.scalar(select(ConversationRow.id).where(*_key_filter(key)))
    if found is not None:
        return found
    row = ConversationRow(
        platform=key.platform,
        tenant=key.tenant,
        channel_id=key.channel_id,
        thread_id=key.thread_id,
        created_at=now,
        updated_at=now,
    )
    session.add(row)
    await session.flush()
    return row.id


async def _insert_message(
    session: AsyncSession,
    *,
    conversation_id: int,
    user_id: int,
    speaker_name: str,
    role: Role,
    content: str,
    now: datetime,
    tool_calls: Sequence[ToolCall] = (),
    tokens_used: int | None = None,
    platform_message_id: str | None = None,
) -> StoredMessage:
    row = MessageRow(
        conversation_id=conversation_id,
        user_id=user_id,
        role=role,
        content=content,
        tool_calls=[c.as_json() for c in tool_calls] or None,
        tokens_used=tokens_used,
        platform_message_id=platform_message_id,
        created_at=now,
    )
    session.add(row)
    await session.flush()
    return _to_message(row, speaker_name)


async def _history(
    session: AsyncSession, conversation_id: int, limit: int, char_budget: int
) -> list[StoredMessage]:
    if limit <= 0:
        return []
    # Newest first through the (conversation_id, created_at) index, so the cost is the window's
    # size whatever the conversation's length.
    # Plain columns, not ORM entities: the window is read-only and this runs every turn.
    stmt = (
        select(
            MessageRow.id,
            MessageRow.conversation_id,
            MessageRow.user_id,
            MessageRow.role,
            MessageRow.content,
            MessageRow.tool_calls,
            MessageRow.created_at,
            AppUser.display_name,
        )
        .join(AppUser, AppUser.id == MessageRow.user_id)
        .where(MessageRow.conversation_id == conversation_id)
        .order_by(MessageRow.created_at.desc(), MessageRow.id.desc())
        .limit(limit)
    )
    picked: list[StoredMessage] = []
    used = 0
    for row in (await session.execute(stmt)).all():
        if picked and used + len(row.content) > char_budget:
            break
        picked.append(_to_message(row, row.display_name))
        used += len(row.content)
    return picked[::-1]


CONVERSATION_CACHE_SIZE = 10_000


class SqlConversationStore(SqlStoreBase):
    """Conversations and messages.

    A key's conversation id never changes once created, so ids are cached in-process (bounded):
    the hot path then skips a look-up. ``conversation.updated_at`` is the time of the last
    message a person wrote there.
    """

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        super().__init__(sessions)
        self._ids: OrderedDict[ConversationKey, int] = OrderedDict()

    def _remember(self, key: ConversationKey, conversation_id: int) -> int:
        self._ids[key] = conversation_id
        self._ids.move_to_end(key)
        if len(self._ids) > CONVERSATION_CACHE_SIZE:
            self._ids.popitem(last=False)
        return conversation_id

    async def open_conversation(self, *, key: ConversationKey, now: datetime) -> Conversation:
        for attempt in range(2):
            try:
                async with self._tx() as session:
                    conversation_id = await _conversation_id(session, key, now)
                return Conversation(id=self._remember(key, conversation_id), key=key)
            except StorageError as exc:
                # Another process created it between our look-up and insert: look again.
                if attempt or not raced_on_insert(exc):
                    raise
        raise AssertionError("unreachable")

    async def find_conversation(self, *, key: ConversationKey) -> Conversation | None:
        async with self._tx() as session:
            found = await session.scalar(select(ConversationRow.id).where(*_key_filter(key)))
        return None if found is None else Conversation(id=found, key=key)

    async def begin_turn(
        self,
        *,
        key: ConversationKey,
        author: UserRef,
        display_name: str | None,
        default_timezone: str,
        timezone_hint: str | None,
        text: str,
        platform_message_id: str | None,
        now: datetime,
        history_limit: int,
        history_chars: int,
        event_id: str | None = None,
    ) -> TurnStart | None:
        for attempt in range(2):
            try:
                async with self._tx() as session:
                    if event_id and not await claim(session, key.platform, event_id, now):
                        return None
                    user_row = await get_or_create_user_row(
                        session, author, display_name, timezone_hint or default_timezone
                    )
                    if (
                        timezone_hint
                        and not user_row.timezone_pinned
                        and user_row.timezone != timezone_hint
                    ):
                        user_row.timezone = timezone_hint
                    conversation_id = self._ids.get(key)
                    if conversation_id is None:
                        conversation_id = await _conversation_id(session, key, now)
                    await session.execute(
                        update(ConversationRow)
                        .where(ConversationRow.id == conversation_id)
                        .values(updated_at=now)
                    )
                    history = await _history(session, conversation_id, history_limit, history_chars)
                    message = await _insert_message(
                        session,
                        conversation_id=conversation_id,
                        user_id=user_row.id,
                        speaker_name=user_row.display_name,
                        role="user",
                        content=text,
                        now=now,
                        platform_message_id=platform_message_id,
                    )
                    start = TurnStart(
                        user=to_user(user_row),
                        conversation=Conversation(id=conversation_id, key=key),
                        history=history,
                        message=message,
                    )
                self._remember(key, conversation_id)
                return start
            except StorageError as exc:
                if attempt or not raced_on_insert(exc):
                    raise
        raise AssertionError("unreachable")

    async def append_message(
        self,
        *,
        conversation_id: int,
        user_id: int,
        role: Role,
        content: str,
        now: datetime,
        tool_calls: Sequence[ToolCall] = (),
        tokens_used: int | None = None,
        platform_message_id: str | None = None,
        speaker_name: str | None = None,
    ) -> StoredMessage:
        async with self._tx() as session:
            if speaker_name is None:
                speaker_name = await session.scalar(
                    select(AppUser.display_name).where(AppUser.id == user_id)
                )
            return await _insert_message(
                session,
                conversation_id=conversation_id,
                user_id=user_id,
                speaker_name=speaker_name or "",
                role=role,
                content=content,
                now=now,
                tool_calls=tool_calls,
                tokens_used=tokens_used,
                platform_message_id=platform_message_id,
            )

    async def recent_messages(
        self, *, conversation_id: int, limit: int, char_budget: int
    ) -> list[StoredMessage]:
        async with self._tx() as session:
            return await _history(session, conversation_id, limit, char_budget)
