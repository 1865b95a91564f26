"""The statements of a steady turn on PostgreSQL, run on asyncpg's own connection.

SQLAlchemy's execution of a statement (compiled-cache look-up, parameter and result set-up,
the adapter's cursor over asyncpg) cost more client time per statement than asyncpg itself,
on a turn whose every statement is a round trip the client waits for anyway. A ``Direct``
statement is a Core statement compiled once for asyncpg: at run time its values go through
the same type processors SQLAlchemy would apply (``UTCDateTime``, JSON) and straight to the
driver, inside the unit of work's transaction (``AsyncDatabase`` opens that transaction on
the driver's connection; see ``storage.sql.pooled``). Rows come back as asyncpg gives them:
timestamps aware UTC, JSON decoded by the codec SQLAlchemy installed on the connection.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from sqlalchemy.engine import Connection, Dialect
from sqlalchemy.sql import ClauseElement
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.util import await_only

_Compiled = tuple[str, tuple[tuple[str, Callable[[Any], Any] | None], ...]]


class Row:
    """A driver record read by attribute, as a SQLAlchemy row is (``row.title``)."""

    __slots__ = ("_record",)

    def __init__(self, record: Any) -> None:
        self._record = record

    def __getattr__(self, name: str) -> Any:
        try:
            return self._record[name]
        except KeyError:
            raise AttributeError(name) from None

    def __getitem__(self, index: int) -> Any:
        return self._record[index]


class Direct:
    """``statement`` compiled once per set of values given (an INSERT's columns)."""

    __slots__ = ("_compiled", "statement")

    def __init__(self, statement: ClauseElement) -> None:
        self.statement = statement
        self._compiled: dict[tuple[str, ...], _Compiled] = {}

    def _compile(self, dialect: Dialect, keys: tuple[str, ...]) -> _Compiled:
        found = self._compiled.get(keys)
        if found is None:
            compiled = self.statement.compile(dialect=dialect, column_keys=list(keys))
            assert isinstance(compiled, SQLCompiler)
            order = compiled.positiontup or []
            binds = compiled.binds
            found = (
                compiled.string,
                tuple(
                    # The processor SQLAlchemy itself applies to the value (UTCDateTime's check
                    # and conversion, JSON's serialiser), or None for types asyncpg takes as is.
                    (name, binds[name].type._cached_bind_processor(dialect))
                    for name in order
                ),
            )
            self._compiled[keys] = found
        return found

    def _args(self, conn: Connection, values: Mapping[str, Any]) -> tuple[str, list[Any]]:
        sql, order = self._compile(conn.dialect, tuple(values))
        args = []
        for name, process in order:
            value = values[name]
            args.append(value if process is None or value is None else process(value))
        return sql, args

    def fetch(self, conn: Connection, values: Mapping[str, Any]) -> list[Row]:
        sql, args = self._args(conn, values)
        return [Row(r) for r in await_only(driver(conn).fetch(sql, *args))]

    def one_or_none(self, conn: Connection, values: Mapping[str, Any]) -> Row | None:
        sql, args = self._args(conn, values)
        record = await_only(driver(conn).fetchrow(sql, *args))
        return None if record is None else Row(record)

    def scalar(self, conn: Connection, values: Mapping[str, Any]) -> Any:
        sql, args = self._args(conn, values)
        return await_only(driver(conn).fetchval(sql, *args))


def driver(conn: Connection) -> Any:
    """The asyncpg connection under ``conn`` (same session, same transaction)."""
    return conn.connection.driver_connection
