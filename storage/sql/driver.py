"""The statements of a steady turn on SQLite, run on the driver's own cursor.

SQLAlchemy's execution of a statement costs several times what SQLite spends on it
(measured: ~140 µs against ~14 µs for a message row, ~30 µs against ~7 µs for a keyed
SELECT); a turn runs five or six. These statements are written out once here and given their
values exactly as SQLAlchemy would have stored them (``UTCDateTime``'s naive-UTC text on
SQLite, booleans as 0/1, ``json.dumps`` for JSON), so every other statement reads the rows
back unchanged. They run on the same connection, inside the same transaction as the rest of
the unit of work. PostgreSQL keeps the Core statements: its round trips, not SQLAlchemy, are
what a turn waits for there.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime
from functools import cache
from typing import Any

from sqlalchemy.engine import Connection

USER_AND_NEWEST = (
    "SELECT app_user.id, app_user.display_name, app_user.timezone, app_user.timezone_pinned, "
    "(SELECT message.id FROM message WHERE message.conversation_id = ? "
    "ORDER BY message.created_at DESC, message.id DESC LIMIT 1) AS newest "
    "FROM app_user JOIN user_identity ON user_identity.user_id = app_user.id "
    "WHERE user_identity.platform = ? AND user_identity.tenant = ? "
    "AND user_identity.external_id = ?"
)
TOUCH_CONVERSATION = "UPDATE conversation SET updated_at = ? WHERE id = ?"
# Stops counting at the limit: all that is asked is whether a list is long.
COUNT_TASKS = "SELECT count(*) FROM (SELECT 1 FROM task WHERE user_id = ? LIMIT ?)"
ALLOCATE_NUMBER = (
    "UPDATE app_user SET next_task_number = next_task_number + 1 WHERE id = ? "
    "RETURNING next_task_number"
)


def sqlite_timestamp(moment: datetime) -> str:
    """``moment`` as SQLAlchemy's SQLite DATETIME stores a ``UTCDateTime``: naive UTC text."""
    if moment.tzinfo is None:
        raise ValueError(f"timestamps must be timezone-aware datetimes, got {moment!r}")
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds")


def sqlite_json(value: Any) -> str | None:
    """A JSON column's text as SQLAlchemy writes it (``None`` is SQL NULL)."""
    return None if value is None else json.dumps(value)


def stored(value: Any) -> Any:
    """``value`` as SQLAlchemy stores it in a SQLite column."""
    if isinstance(value, datetime):
        return sqlite_timestamp(value)
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, dict | list):
        return json.dumps(value)
    return value


def cursor(conn: Connection) -> sqlite3.Connection:
    """The SQLite connection under ``conn`` (same connection, same transaction)."""
    raw = conn.connection.driver_connection
    assert isinstance(raw, sqlite3.Connection)
    return raw


def execute(conn: Connection, sql: str, values: tuple[Any, ...]) -> sqlite3.Cursor:
    return cursor(conn).execute(sql, tuple(stored(v) for v in values))


@cache
def _insert_sql(table: str, columns: tuple[str, ...]) -> str:
    marks = ", ".join("?" for _ in columns)
    return f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})"


def insert(conn: Connection, table: str, values: dict[str, Any]) -> int:
    """INSERT one row of ``values`` (column → value, stored as SQLAlchemy stores it); its id."""
    columns = tuple(values)
    done = execute(conn, _insert_sql(table, columns), tuple(values[c] for c in columns))
    row_id = done.lastrowid
    done.close()
    if row_id is None:
        raise RuntimeError("SQLite reported no row id for an insert")
    return int(row_id)
