"""The history window of each conversation, read once and then kept in step in-process.

Every turn needs the newest messages of its conversation. Reading them means decoding
twenty rows (text, tool-call JSON, timestamps) where the turn before already had nineteen of
them in hand. So a window read from the database is kept, each message this process stores
there is added to it once its transaction has committed, and a later turn checks with one
indexed look-up — the id of the conversation's newest message — that nobody else wrote in
between (another process, or a transaction that rolled back). Any difference and the window
is read again. Within a turn no one else writes to its conversation: turns hold the
conversation's turn lock — across processes on PostgreSQL, within the one process that serves
a SQLite database (two console chats as the same person at once could see a stale window).
"""

from __future__ import annotations

import json
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Text, bindparam, cast, func, select
from sqlalchemy.engine import Connection

from bot.conversations import StoredMessage, ToolCall
from storage.sql.models import AppUser, MessageRow

_ORDER = (MessageRow.created_at.desc(), MessageRow.id.desc())
# Newest first through the (conversation_id, created_at) index, so the cost is the window's
# size whatever the conversation's length. What a message costs the window is its text plus
# its stored tool calls, measured by the database.
MESSAGE_COLUMNS = (
    MessageRow.id,
    MessageRow.conversation_id,
    MessageRow.user_id,
    MessageRow.role,
    MessageRow.content,
    MessageRow.tool_calls,
    MessageRow.created_at,
    AppUser.display_name,
    (
        func.length(MessageRow.content)
        + func.coalesce(func.length(cast(MessageRow.tool_calls, Text)), 0)
    ).label("stored_chars"),
)
_READ = (
    select(*MESSAGE_COLUMNS)
    .join(AppUser, AppUser.id == MessageRow.user_id)
    .where(MessageRow.conversation_id == bindparam("cid"))
    .order_by(*_ORDER)
    .limit(bindparam("limit"))
)
_NEWEST = (
    select(MessageRow.id)
    .where(MessageRow.conversation_id == bindparam("cid"))
    .order_by(*_ORDER)
    .limit(1)
)

# The conversation's newest message id, as a subquery another statement can carry along.
NEWEST_ID = _NEWEST.scalar_subquery()


class Unknown:
    """``read`` was not told the newest id: it asks the database."""


UNKNOWN = Unknown()

WINDOWS_KEPT = 2_000
Sized = list[tuple[StoredMessage, int]]  # messages, oldest first, each with its stored size


def stored_chars(message: StoredMessage) -> int:
    """What ``message`` costs the window, as the database measures it (``_READ``)."""
    if not message.tool_calls:
        return len(message.content)
    return len(message.content) + len(json.dumps([c.as_stored() for c in message.tool_calls]))


def to_message(row: Any) -> StoredMessage:
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
        speaker_name=row.display_name,
        role=row.role,
        content=row.content,
        tool_calls=calls,
        created_at=row.created_at,
    )


@dataclass
class _Window:
    messages: Sized
    capacity: int  # the limit it was read with: it holds the newest ``capacity`` messages
    newest_id: int | None


def fit(messages: Sized, limit: int, budget: int) -> list[StoredMessage]:
    """The newest ``limit`` messages within about ``budget`` characters, oldest first."""
    picked: list[StoredMessage] = []
    used = 0
    for message, size in reversed(messages[-limit:] if limit else []):
        if picked and used + size > budget:
            break
        picked.append(message)
        used += size
    return picked[::-1]


def read_window(conn: Connection, conversation_id: int, limit: int) -> Sized:
    rows = conn.execute(_READ, {"cid": conversation_id, "limit": limit}).all()
    return [(to_message(row), int(row.stored_chars)) for row in reversed(rows)]


class HistoryWindows:
    """Windows of the conversations this process serves (bounded, least recent dropped)."""

    def __init__(self, kept: int = WINDOWS_KEPT) -> None:
        self._kept = kept
        self._windows: OrderedDict[int, _Window] = OrderedDict()

    def holds(self, conversation_id: int, limit: int) -> bool:
        """Whether a kept window may serve ``limit`` (the caller then fetches the newest id,
        e.g. along with another query, with ``NEWEST_ID``)."""
        kept = self._windows.get(conversation_id)
        return kept is not None and kept.capacity >= limit

    def read(
        self,
        conn: Connection,
        conversation_id: int,
        limit: int,
        budget: int,
        *,
        newest: int | Unknown | None = UNKNOWN,
        excluding: int | None = None,
    ) -> list[StoredMessage]:
        """The window as the database holds it now (inside the caller's transaction).

        ``newest``: the conversation's newest message id, if the caller already read it.
        ``excluding``: a message this transaction just stored, which the window (the history
        before it) leaves out.
        """
        if limit <= 0:
            return []
        kept = self._windows.get(conversation_id)
        if kept is not None and kept.capacity >= limit:
            if isinstance(newest, Unknown):
                newest = conn.execute(_NEWEST, {"cid": conversation_id}).scalar()
            if newest == kept.newest_id:
                self._windows.move_to_end(conversation_id)
                return fit(kept.messages, limit, budget)
        if excluding is None:
            messages = read_window(conn, conversation_id, limit)
        else:
            messages = read_window(conn, conversation_id, limit + 1)
            messages = [m for m in messages if m[0].id != excluding][-limit:]
        newest_id = messages[-1][0].id if messages else None
        self._keep(conversation_id, _Window(messages, limit, newest_id))
        return fit(messages, limit, budget)

    def added(self, message: StoredMessage) -> None:
        """``message`` was stored and committed: it is the conversation's newest now."""
        kept = self._windows.get(message.conversation_id)
        if kept is None:
            return
        kept.messages.append((message, stored_chars(message)))
        del kept.messages[: -kept.capacity]
        kept.newest_id = message.id

    def _keep(self, conversation_id: int, window: _Window) -> None:
        self._windows[conversation_id] = window
        self._windows.move_to_end(conversation_id)
        if len(self._windows) > self._kept:
            self._windows.popitem(last=False)
