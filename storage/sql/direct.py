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
from typing import Any, cast

from sqlalchemy.engine import Connection, Dialect
from sqlalchemy.sql import ClauseElement
from sqlalchemy.sql.base import Executable
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.util import await_only

# The SQL, and for each $n: its name, SQLAlchemy's processor for its type (or None), and
# the value the statement itself carries (a literal such as the 1 of ``n + 1``).
_Compiled = tuple[str, tuple[tuple[str, Callable[[Any], Any] | None, Any], ...]]


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
    """``statement``, run on asyncpg directly on PostgreSQL, through SQLAlchemy elsewhere.

    ``insert_columns``: ``statement`` is a bare ``insert(table)`` whose columns are the values
    given (compiled once per set of names). A statement SQLAlchemy must render again for each
    run (an expanding ``IN``) always goes through SQLAlchemy.
    """

    __slots__ = ("_by_columns", "_compiled", "statement")

    def __init__(self, statement: ClauseElement, *, insert_columns: bool = False) -> None:
        self.statement = statement
        self._by_columns = insert_columns
        self._compiled: dict[tuple[str, ...], _Compiled | None] = {}

    def _compile(self, dialect: Dialect, keys: tuple[str, ...]) -> _Compiled | None:
        try:
            return self._compiled[keys]
        except KeyError:
            pass
        # (Column keys only for a bare INSERT: given to any other statement they would add
        # columns of those names to its SET clauses, a CTE's included.)
        columns = list(keys) if self._by_columns else None
        compiled = self.statement.compile(dialect=dialect, column_keys=columns)
        assert isinstance(compiled, SQLCompiler)
        binds = compiled.binds
        found: _Compiled | None = None
        if not any(b.expanding or b.literal_execute for b in binds.values()):
            found = (
                compiled.string,
                tuple(
                    # The processor SQLAlchemy itself applies to the value (UTCDateTime's check
                    # and conversion, JSON's serialiser), or None for types asyncpg takes as is.
                    (
                        name,
                        binds[name].type._cached_bind_processor(dialect),
                        binds[name].effective_value,
                    )
                    for name in compiled.positiontup or ()
                ),
            )
        self._compiled[keys] = found
        return found

    @property
    def _executable(self) -> Executable:
        return cast(Executable, self.statement)

    def _direct(self, conn: Connection, values: Mapping[str, Any]) -> tuple[str, list[Any]] | None:
        if conn.dialect.name != "postgresql":
            return None
        compiled = self._compile(conn.dialect, tuple(values) if self._by_columns else ())
        if compiled is None:
            return None
        sql, order = compiled
        args = []
        for name, process, carried in order:
            value = values.get(name, carried)
            args.append(value if process is None or value is None else process(value))
        return sql, args

    def all(self, conn: Connection, values: Mapping[str, Any]) -> list[Any]:
        call = self._direct(conn, values)
        if call is None:
            return list(conn.execute(self._executable, values).all())
        return [Row(r) for r in await_only(driver(conn).fetch(call[0], *call[1]))]

    def one_or_none(self, conn: Connection, values: Mapping[str, Any]) -> Any:
        call = self._direct(conn, values)
        if call is None:
            return conn.execute(self._executable, values).one_or_none()
        record = await_only(driver(conn).fetchrow(call[0], *call[1]))
        return None if record is None else Row(record)

    def scalar(self, conn: Connection, values: Mapping[str, Any]) -> Any:
        call = self._direct(conn, values)
        if call is None:
            return conn.execute(self._executable, values).scalar()
        return await_only(driver(conn).fetchval(call[0], *call[1]))


_BY_STATEMENT: dict[int, Direct] = {}


def for_statement(statement: ClauseElement) -> Direct:
    """The ``Direct`` of a statement built once elsewhere and kept (e.g. a cached list
    page); ``statement`` is held, so its id is not reused while the entry lives."""
    found = _BY_STATEMENT.get(id(statement))
    if found is None or found.statement is not statement:
        if len(_BY_STATEMENT) >= 512:
            _BY_STATEMENT.clear()
        found = _BY_STATEMENT[id(statement)] = Direct(statement)
    return found


def driver(conn: Connection) -> Any:
    """The asyncpg connection under ``conn`` (same session, same transaction)."""
    return conn.connection.driver_connection
