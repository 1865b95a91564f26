"""Conversations, their messages, the bounded history window, and the start of a turn."""

from __future__ import annotations

import dataclasses
from collections import OrderedDict
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.util import await_only

from bot.conversations import (
    Conversation,
    Role,
    StoredMessage,
    ToolCall,
    TurnRequest,
    TurnStart,
)
from bot.errors import StorageError
from bot.identity import ConversationKey, UserRef
from storage.sql import direct, driver
from storage.sql.driver import sqlite_json
from storage.sql.events import EVENT_ID_MAX, claim, take_over
from storage.sql.models import AppUser, ConversationRow, MessageRow
from storage.sql.resume import record_message, resumed_turn
from storage.sql.session import Database
from storage.sql.users import (
    finding_user_with,
    get_or_create_user,
    identity_params,
    raced_on_insert,
    set_timezone,
    to_user,
)
from storage.sql.windows import NEWEST_ID, UNKNOWN, HistoryWindows, Unknown, fit, read_window

_FIND_CONVERSATION = select(ConversationRow.id).where(
    ConversationRow.platform == bindparam("platform"),
    ConversationRow.tenant == bindparam("tenant"),
    ConversationRow.channel_id == bindparam("channel_id"),
    ConversationRow.thread_id == bindparam("thread_id"),
)
_CREATE_CONVERSATION = insert(ConversationRow).returning(ConversationRow.id)
_TOUCH_CONVERSATION = (
    update(ConversationRow)
    .where(ConversationRow.id == bindparam("cid"))
    .values(updated_at=bindparam("now"))
)
_INSERT_MESSAGE = direct.Direct(insert(MessageRow).returning(MessageRow.id), insert_columns=True)
_USER_AND_NEWEST = finding_user_with(NEWEST_ID.label("newest"))
_SPEAKER_NAME = select(AppUser.display_name).where(AppUser.id == bindparam("uid"))


# The steady turn's start on PostgreSQL, one round trip: the author's row and the newest
# message id (read in the statement's snapshot, so before this message), the conversation
# touched and the message stored — only if the author was found (a new author takes the full
# path, and nothing was written). ``$1`` conversation, ``$2..$4`` identity, ``$5`` now, ``$6``
# text, ``$7`` platform message id.
_PG_FOUND = """
found AS (
    SELECT app_user.id, app_user.display_name, app_user.timezone, app_user.timezone_pinned,
        (SELECT message.id FROM message WHERE message.conversation_id = $1
         ORDER BY message.created_at DESC, message.id DESC LIMIT 1) AS newest
    FROM app_user JOIN user_identity ON user_identity.user_id = app_user.id
    WHERE user_identity.platform = $2 AND user_identity.tenant = $3
        AND user_identity.external_id = $4
)"""
_PG_STEADY_START = f"""
WITH {_PG_FOUND}, touched AS (
    UPDATE conversation SET updated_at = $5
    WHERE conversation.id = $1 AND EXISTS (SELECT 1 FROM found)
), stored AS (
    INSERT INTO message (conversation_id, user_id, role, content, platform_message_id,
        created_at)
    SELECT $1, found.id, 'user', $6, $7, $5 FROM found
    RETURNING message.id
)
SELECT found.*, (SELECT stored.id FROM stored) AS message_id FROM found
"""
# The same with the platform event claimed (``$8`` platform, ``$9`` event id): the claim
# carries the message's id, drawn from its sequence first, and the message is stored and the
# conversation touched only if the claim was made (``message_id`` is NULL when the event was
# claimed before: the caller rolls back, and nothing was written anyway).
_PG_STEADY_START_CLAIMING = f"""
WITH {_PG_FOUND}, numbered AS (
    SELECT nextval(pg_get_serial_sequence('message', 'id')) AS id FROM found
), claimed AS (
    INSERT INTO processed_event (platform, event_id, seen_at, message_id)
    SELECT $8, $9, $5, numbered.id FROM numbered
    ON CONFLICT DO NOTHING
    RETURNING message_id
), touched AS (
    UPDATE conversation SET updated_at = $5
    WHERE conversation.id = $1 AND EXISTS (SELECT 1 FROM claimed)
), stored AS (
    INSERT INTO message (id, conversation_id, user_id, role, content, platform_message_id,
        created_at)
    SELECT claimed.message_id, $1, found.id, 'user', $6, $7, $5 FROM claimed, found
    RETURNING message.id
)
SELECT found.*, (SELECT stored.id FROM stored) AS message_id FROM found
"""


def _key_params(key: ConversationKey) -> dict[str, str]:
    return {
        "platform": key.platform,
        "tenant": key.tenant,
        "channel_id": key.channel_id,
        "thread_id": key.thread_id,
    }


def conversation_id(conn: Connection, key: ConversationKey, now: datetime) -> int:
    found = conn.execute(_FIND_CONVERSATION, _key_params(key)).scalar()
    if found is not None:
        return int(found)
    created = conn.execute(
        _CREATE_CONVERSATION, {**_key_params(key), "created_at": now, "updated_at": now}
    ).scalar_one()
    return int(created)


def insert_message(
    conn: Connection,
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
    stored = [c.as_stored() for c in tool_calls] or None
    if conn.dialect.name == "sqlite":
        row = {
            "conversation_id": conversation_id,
            "user_id": user_id,
            "role": role,
            "content": content,
            "tool_calls": sqlite_json(stored),
            "tokens_used": tokens_used,
            "platform_message_id": platform_message_id,
            "created_at": now,
        }
        message_id = driver.insert(conn, "message", row)
    else:
        message_id = _INSERT_MESSAGE.scalar(
            conn,
            {
                "conversation_id": conversation_id,
                "user_id": user_id,
                "role": role,
                "content": content,
                "tool_calls": stored,
                "tokens_used": tokens_used,
                "platform_message_id": platform_message_id,
                "created_at": now,
            },
        )
    return StoredMessage(
        id=message_id,
        conversation_id=conversation_id,
        user_id=user_id,
        speaker_name=speaker_name,
        role=role,
        content=content,
        tool_calls=list(tool_calls),
        created_at=now,
    )


def _user_and_newest(conn: Connection, author: UserRef, conversation_id: int) -> Any:
    """The author's row and the conversation's newest message id, or None (a new author)."""
    if conn.dialect.name != "sqlite":
        params = {**identity_params(author), "cid": conversation_id}
        return conn.execute(_USER_AND_NEWEST, params).one_or_none()
    row = driver.execute(
        conn,
        driver.USER_AND_NEWEST,
        (conversation_id, author.platform, author.tenant, author.external_id),
    ).fetchone()
    if row is None:
        return None
    return _Found(
        id=row[0], display_name=row[1], timezone=row[2], timezone_pinned=row[3], newest=row[4]
    )


@dataclasses.dataclass(frozen=True, slots=True)
class _Found:
    id: int
    display_name: str
    timezone: str
    timezone_pinned: bool
    newest: int | None


def _as_kept(message: StoredMessage) -> StoredMessage:
    """``message`` as a later read gives it back: tool calls in their stored form."""
    if not message.tool_calls:
        return message
    stored = [ToolCall(**c.as_stored()) for c in message.tool_calls]
    return dataclasses.replace(message, tool_calls=stored)


CONVERSATION_CACHE_SIZE = 10_000


class _AlreadyClaimed(Exception):
    """The event was claimed before: roll the turn's start back and see whether its claim
    can be taken over."""


class SqlConversationStore:
    """Conversations and messages.

    A key's conversation id never changes once created, so ids are cached in-process (bounded):
    the hot path then skips a look-up. ``conversation.updated_at`` is the time of the last
    message a person wrote there.
    """

    def __init__(self, db: Database) -> None:
        self._db = db
        self._ids: OrderedDict[ConversationKey, int] = OrderedDict()
        self._windows = HistoryWindows()

    def _remember(self, key: ConversationKey, conversation_id: int) -> int:
        self._ids[key] = conversation_id
        self._ids.move_to_end(key)
        if len(self._ids) > CONVERSATION_CACHE_SIZE:
            self._ids.popitem(last=False)
        return conversation_id

    async def open_conversation(self, *, key: ConversationKey, now: datetime) -> Conversation:
        """The conversation for ``key``, created on first use (tests and benchmarks)."""
        for attempt in range(2):
            try:
                found = await self._db.run(lambda conn: conversation_id(conn, key, now))
                return Conversation(id=self._remember(key, found), key=key)
            except StorageError as exc:
                # Another process created it between our look-up and insert: look again.
                if attempt or not raced_on_insert(exc):
                    raise
        raise AssertionError("unreachable")

    async def find_conversation(self, *, key: ConversationKey) -> Conversation | None:
        found = await self._db.run(
            lambda conn: conn.execute(_FIND_CONVERSATION, _key_params(key)).scalar(),
            write=False,
        )
        return None if found is None else Conversation(id=int(found), key=key)

    async def begin_turn(self, *, request: TurnRequest) -> TurnStart | None:
        incoming = request.message
        key = incoming.key
        cached = self._ids.get(key)

        def work(conn: Connection, claiming: bool = True) -> TurnStart:
            now = request.now
            hint = request.timezone_hint
            newest: int | Unknown | None = UNKNOWN
            found = None
            steady = cached is not None and self._windows.holds(cached, request.history_limit)
            if steady and conn.dialect.name != "sqlite":
                assert cached is not None
                started = self._steady_start_pg(conn, request, cached, claiming=claiming)
                if started is not None:
                    return started
            elif steady:
                # The steady turn: the author and the newest message id in one statement.
                assert cached is not None
                found = _user_and_newest(conn, incoming.author, cached)
            if found is not None:
                user, newest = to_user(found), found.newest
            else:
                user = get_or_create_user(
                    conn, incoming.author, incoming.display_name, hint or request.default_timezone
                )
            if hint and not user.timezone_pinned and user.timezone != hint:
                user = set_timezone(conn, user.id, hint, pinned=False)
            conv_id = cached if cached is not None else conversation_id(conn, key, now)
            if conn.dialect.name == "sqlite":
                driver.execute(conn, driver.TOUCH_CONVERSATION, (now, conv_id))
            else:
                conn.execute(_TOUCH_CONVERSATION, {"cid": conv_id, "now": now})
            window = self._windows.read(
                conn, conv_id, request.history_limit, request.history_chars, newest=newest
            )
            message = insert_message(
                conn,
                conversation_id=conv_id,
                user_id=user.id,
                speaker_name=user.display_name,
                role="user",
                content=incoming.text,
                now=now,
                platform_message_id=incoming.platform_message_id,
            )
            # The claim comes last, carrying the message's id; a delivery that finds the
            # event claimed rolls all of this back (rare, so the steady turn pays nothing).
            event_id = incoming.event_id
            if claiming and event_id and not claim(conn, key.platform, event_id, now, message.id):
                raise _AlreadyClaimed
            return TurnStart(
                user=user,
                conversation=Conversation(id=conv_id, key=key),
                history=window,
                message=message,
            )

        def take_over_claim(conn: Connection) -> TurnStart | None:
            assert incoming.event_id is not None
            stale_before = request.now - timedelta(seconds=request.event_lease_seconds)
            taken = take_over(conn, key.platform, incoming.event_id, request.now, stale_before)
            if taken is None:
                return None  # answered, or its turn is still running: a duplicate
            if taken.message_id is not None:
                resumed = resumed_turn(conn, key, taken.message_id, request)
                if resumed is not None:
                    return resumed
            start = work(conn, claiming=False)
            record_message(conn, key.platform, incoming.event_id, start.message.id)
            return start

        for attempt in range(2):
            try:
                # Not flushed to disk on its own (PostgreSQL): the turn's last commit, the
                # reply's, is, and it makes this one durable too.
                start: TurnStart | None = await self._db.run(work, durable=False)
            except _AlreadyClaimed:
                start = await self._db.run(take_over_claim)
                if start is None or start.resumed:
                    return start
            except StorageError as exc:
                if attempt or not raced_on_insert(exc):
                    raise
                continue
            assert start is not None
            self._remember(key, start.conversation.id)
            self._windows.added(start.message)
            return start
        raise AssertionError("unreachable")

    def _steady_start_pg(
        self, conn: Connection, request: TurnRequest, conv_id: int, *, claiming: bool
    ) -> TurnStart | None:
        """The steady turn's start in one statement (PostgreSQL), its event claimed in it
        too; None for a new author."""
        incoming = request.message
        author = incoming.author
        values = [
            conv_id,
            author.platform,
            author.tenant,
            author.external_id,
            request.now,
            incoming.text,
            incoming.platform_message_id,
        ]
        sql = _PG_STEADY_START
        if claiming and incoming.event_id:
            sql = _PG_STEADY_START_CLAIMING
            values += [incoming.key.platform, incoming.event_id[:EVENT_ID_MAX]]
        found = await_only(direct.driver(conn).fetchrow(sql, *values))
        if found is None:
            return None
        if found["message_id"] is None:
            raise _AlreadyClaimed
        user = to_user(direct.Row(found))
        hint = request.timezone_hint
        if hint and not user.timezone_pinned and user.timezone != hint:
            user = set_timezone(conn, user.id, hint, pinned=False)
        message = StoredMessage(
            id=found["message_id"],
            conversation_id=conv_id,
            user_id=user.id,
            speaker_name=user.display_name,
            role="user",
            content=incoming.text,
            tool_calls=[],
            created_at=request.now,
        )
        window = self._windows.read(
            conn,
            conv_id,
            request.history_limit,
            request.history_chars,
            newest=found["newest"],
            excluding=message.id,
        )
        key = incoming.key
        return TurnStart(
            user=user,
            conversation=Conversation(id=conv_id, key=key),
            history=window,
            message=message,
        )

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
        def work(conn: Connection) -> StoredMessage:
            name = speaker_name
            if name is None:
                name = conn.execute(_SPEAKER_NAME, {"uid": user_id}).scalar()
            stored = insert_message(
                conn,
                conversation_id=conversation_id,
                user_id=user_id,
                speaker_name=name or "",
                role=role,
                content=content,
                now=now,
                tool_calls=tool_calls,
                tokens_used=tokens_used,
                platform_message_id=platform_message_id,
            )
            kept = _as_kept(stored)
            self._db.after_commit(lambda: self._windows.added(kept))
            return stored

        return await self._db.run(work)

    async def recent_messages(
        self, *, conversation_id: int, limit: int, char_budget: int
    ) -> list[StoredMessage]:
        """The newest messages, oldest first (tests and tools that read a conversation)."""

        def work(conn: Connection) -> list[StoredMessage]:
            return fit(read_window(conn, conversation_id, limit), limit, char_budget)

        return await self._db.run(work, write=False)
