"""The hottest inserts on SQLite, run on the driver's own cursor.

SQLAlchemy's execution of an INSERT costs about ten times what SQLite spends on it (measured:
~140 µs against ~14 µs per message row); a turn stores two messages. These few statements are
written out once here and given the values exactly as SQLAlchemy would have stored them (the
timestamp format of ``UTCDateTime`` on SQLite, ``json.dumps`` for JSON), so every other
statement reads them back unchanged. They run on the same connection, inside the same
transaction as the rest of the unit of work.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.engine import Connection

INSERT_MESSAGE = (
    "INSERT INTO message (conversation_id, user_id, role, content, tool_calls, tokens_used, "
    "platform_message_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
)


def sqlite_timestamp(moment: datetime) -> str:
    """``moment`` as SQLAlchemy's SQLite DATETIME stores a ``UTCDateTime``: naive UTC text."""
    if moment.tzinfo is None:
        raise ValueError(f"timestamps must be timezone-aware datetimes, got {moment!r}")
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds")


def sqlite_json(value: Any) -> str | None:
    """A JSON column's text as SQLAlchemy writes it (``None`` is SQL NULL)."""
    return None if value is None else json.dumps(value)


def insert_row(conn: Connection, sql: str, values: tuple[Any, ...]) -> int:
    """Run an INSERT on the SQLite connection under ``conn``; the new row's id."""
    cursor = conn.connection.driver_connection.execute(sql, values)  # type: ignore[union-attr]
    row_id = cursor.lastrowid
    cursor.close()
    if row_id is None:
        raise RuntimeError("SQLite reported no row id for an insert")
    return int(row_id)
