"""Conversations, their messages, and the bounded history window."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import ColumnElement, select, update
from sqlalchemy.exc import IntegrityError

from bot.conversations import Conversation, Role, StoredMessage, ToolCall
from bot.errors import StorageError
from bot.identity import ConversationKey
from storage.sql.models import AppUser, ConversationRow, MessageRow
from storage.sql.session import SqlStoreBase


def _key_filter(key: ConversationKey) -> tuple[ColumnElement[bool], ...]:
    return (
        ConversationRow.platform == key.platform,
        ConversationRow.tenant == key.tenant,
        ConversationRow.channel_id == key.channel_id,
        ConversationRow.thread_id == key.thread_id,
    )


def _to_message(row: MessageRow, speaker_name: str) -> StoredMessage:
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


class SqlConversationStore(SqlStoreBase):
    async def open_conversation(self, *, key: ConversationKey, now: datetime) -> Conversation:
        async with self._tx() as session:
            conversation_id = await session.scalar(
                select(ConversationRow.id).where(*_key_filter(key))
            )
        if conversation_id is not None:
            return Conversation(id=conversation_id, key=key)
        try:
            async with self._tx() as session:
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
                return Conversation(id=row.id, key=key)
        except StorageError as exc:
            if not isinstance(exc.__cause__, IntegrityError):
                raise
        # Another process created it between our look-up and insert.
        async with self._tx() as session:
            conversation_id = await session.scalar(
                select(ConversationRow.id).where(*_key_filter(key))
            )
        if conversation_id is None:
            raise StorageError(f"conversation {key} vanished")
        return Conversation(id=conversation_id, key=key)

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
    ) -> StoredMessage:
        async with self._tx() as session:
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
            await session.execute(
                update(ConversationRow)
                .where(ConversationRow.id == conversation_id)
                .values(updated_at=now)
            )
            await session.flush()
            name = await session.scalar(select(AppUser.display_name).where(AppUser.id == user_id))
            return _to_message(row, name or "")

    async def recent_messages(
        self, *, conversation_id: int, limit: int, char_budget: int
    ) -> list[StoredMessage]:
        if limit <= 0:
            return []
        # Newest first through the (conversation_id, created_at) index, so the cost is the
        # window's size whatever the conversation's length.
        stmt = (
            select(MessageRow, AppUser.display_name)
            .join(AppUser, AppUser.id == MessageRow.user_id)
            .where(MessageRow.conversation_id == conversation_id)
            .order_by(MessageRow.created_at.desc(), MessageRow.id.desc())
            .limit(limit)
        )
        async with self._tx() as session:
            rows = (await session.execute(stmt)).all()
        picked: list[StoredMessage] = []
        used = 0
        for row, name in rows:
            if picked and used + len(row.content) > char_budget:
                break
            picked.append(_to_message(row, name))
            used += len(row.content)
        return picked[::-1]
