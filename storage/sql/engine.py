"""Engines for the two supported databases, with the settings each needs."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import create_engine, event
from sqlalchemy.engine import URL, Engine, make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.pool import StaticPool

from bot.errors import ConfigError
from storage.sql.urls import asyncpg_url

if TYPE_CHECKING:
    # The async engine is imported where one is made: a SQLite start runs without it.
    from sqlalchemy.ext.asyncio import AsyncEngine

SQLITE_BUSY_TIMEOUT_MS = 5000
SQLITE_POOL_WAIT_SECONDS = 30.0
POOL_RECYCLE_SECONDS = 1800
# What the connection that serves turns runs with (see ``create_sqlite_inline_engine``).
SQLITE_INLINE_PRAGMAS = (
    "journal_mode=WAL",
    "foreign_keys=ON",
    "busy_timeout=0",
    "synchronous=NORMAL",
    "wal_autocheckpoint=0",
)


COMMAND_TIMEOUT_MARGIN = 5.0


@dataclass(frozen=True, slots=True)
class WaitLimits:
    """How long any one wait on the database may last, in seconds."""

    statement: float = 30.0  # one statement (PostgreSQL's statement_timeout)
    lock: float = 10.0  # a row or table lock (lock_timeout)
    pool: float = 10.0  # a free connection of the pool
    busy: float = SQLITE_BUSY_TIMEOUT_MS / 1000  # SQLite: another process's write lock

    def server_settings(self) -> dict[str, str]:
        """PostgreSQL session settings that make the server end what runs too long."""
        return {
            "statement_timeout": str(int(self.statement * 1000)),
            "lock_timeout": str(int(self.lock * 1000)),
            # A transaction left open by a process that hangs would hold its locks forever.
            "idle_in_transaction_session_timeout": str(int(max(60.0, self.statement * 2) * 1000)),
        }


def normalize_url(url: str) -> URL:
    """Parse ``url`` and pick the async driver: ``sqlite://`` → aiosqlite, ``postgresql://`` →
    asyncpg. Anything else is a ``ConfigError`` (without the password)."""
    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError) as exc:
        raise ConfigError(f"Cannot parse the database URL {_redact(url)!r}.") from exc
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        return parsed.set(drivername="sqlite+aiosqlite")
    if backend in ("postgresql", "postgres"):
        return parsed.set(drivername="postgresql+asyncpg")
    raise ConfigError(
        f"Unsupported database {backend!r} in {parsed.render_as_string(hide_password=True)}: "
        "use sqlite:///PATH or postgresql://USER@HOST/DB."
    )


def _redact(url: str) -> str:
    head, sep, tail = url.partition("@")
    return f"{head.split(':')[0]}:***@{tail}" if sep and ":" in head.split("//")[-1] else url


def create_sql_engine(
    url: str,
    *,
    pool_size: int = 5,
    connect_timeout: float = 10.0,
    echo: bool = False,
    enforce_foreign_keys: bool = True,
    limits: WaitLimits | None = None,
    max_overflow: int | None = None,
    pool_timeout: float | None = None,
    application_name: str | None = None,
    autocommit: bool = False,
) -> AsyncEngine:
    """An engine for ``url``. ``enforce_foreign_keys=False`` is for SQLite migrations only;
    ``max_overflow``, ``pool_timeout`` and ``application_name`` (PostgreSQL) are for the turn
    locks' engine, whose connections also run the turn's statements (``autocommit``: the
    driver sends no BEGIN of its own; see ``storage.sql.pooled``)."""
    from sqlalchemy.ext.asyncio import create_async_engine

    parsed = normalize_url(url)
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(parsed, echo=echo, foreign_keys=enforce_foreign_keys)
    limits = limits or WaitLimits(pool=connect_timeout)
    # Settings the URL gives (``options=-c statement_timeout=…``) win over todobot's own.
    chosen = _url_settings(parsed)
    ours = {k: v for k, v in limits.server_settings().items() if k not in chosen}
    statement_ms = _milliseconds(chosen.get("statement_timeout"), limits.statement * 1000)
    connect_args: dict[str, Any] = {
        "timeout": connect_timeout,
        # The server enforces statement and lock timeouts, but a server that hangs (stopped,
        # partitioned away) enforces nothing: the client gives up a little after it should
        # have answered (never, if the URL turned the statement timeout off).
        "command_timeout": statement_ms / 1000 + COMMAND_TIMEOUT_MARGIN if statement_ms else None,
        "server_settings": {
            # asyncpg prepares every statement; after five runs PostgreSQL may switch a
            # prepared statement to a generic plan chosen while the table was small (a
            # sequential scan of `message`) and keep it as the table grows. Custom plans cost
            # a fraction of a millisecond and always see the index.
            "plan_cache_mode": "force_custom_plan",
            **ours,
        },
    }
    if application_name:
        connect_args["server_settings"]["application_name"] = application_name
    parsed, url_args = asyncpg_url(parsed)  # sslmode=, sslrootcert=, options=… (libpq style)
    connect_args.update(url_args)
    return create_async_engine(
        parsed,
        echo=echo,
        # Statement parameters are people's messages and task titles: keep them out of logs.
        hide_parameters=True,
        pool_size=pool_size,
        max_overflow=pool_size * 2 if max_overflow is None else max_overflow,
        # No pre-ping: it cost a round trip on every checkout (13 of 28 per turn). Connections
        # are recycled before servers or proxies drop idle ones, and a connection found dead
        # is replaced by ``AsyncDatabase.run``.
        pool_recycle=POOL_RECYCLE_SECONDS,
        pool_timeout=limits.pool if pool_timeout is None else pool_timeout,
        connect_args=connect_args,
        **({"isolation_level": "AUTOCOMMIT"} if autocommit else {}),
    )


def _url_settings(url: URL) -> dict[str, str]:
    """Server settings in the URL's libpq ``options`` (``-c name=value`` or ``--name=value``)."""
    options = url.query.get("options")
    text = " ".join(options) if isinstance(options, tuple) else options or ""
    found: dict[str, str] = {}
    words = text.split()
    for index, word in enumerate(words):
        setting = words[index + 1] if word == "-c" and index + 1 < len(words) else None
        if word.startswith("--") or (word.startswith("-c") and len(word) > 2):
            setting = word[2:]
        if setting and "=" in setting:
            name, _, value = setting.partition("=")
            found[name.replace("-", "_")] = value
    return found


def _milliseconds(value: str | None, default: float) -> float:
    """A PostgreSQL duration setting (``4321``, ``30s``, ``2min``) in milliseconds."""
    if value is None:
        return default
    units = {"ms": 1, "s": 1000, "min": 60_000, "h": 3_600_000, "d": 86_400_000}
    number = value.rstrip("abcdefghijklmnopqrstuvwxyz")
    try:
        return float(number) * units.get(value[len(number) :].strip() or "ms", 1)
    except ValueError:
        return default


def _sqlite_engine(url: URL, *, echo: bool, foreign_keys: bool) -> AsyncEngine:
    # One connection: SQLite takes one writer at a time anyway, and queueing for the pool in
    # this process is fair and immediate, where several connections would contend through
    # SQLite's busy handler, which sleeps (seen: p99 over a second with 8 conversations at
    # once). The busy timeout still covers other processes (a CLI import while the bot runs).
    from sqlalchemy.ext.asyncio import create_async_engine

    engine = create_async_engine(
        url,
        echo=echo,
        # Statement parameters are people's messages and task titles: keep them out of logs.
        hide_parameters=True,
        pool_size=1,
        max_overflow=0,
        pool_timeout=SQLITE_POOL_WAIT_SECONDS,
        connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000},
    )

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Take over transaction control from the driver so every transaction starts with
        # BEGIN IMMEDIATE: a writer then waits (busy timeout) instead of failing with
        # "database is locked" when it upgrades a read lock.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA foreign_keys={'ON' if foreign_keys else 'OFF'}")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        # In WAL mode NORMAL cannot corrupt the database; it only risks the last commits on
        # power loss, and makes each commit much cheaper.
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def create_sqlite_inline_engine(url: str) -> Engine:
    """The synchronous engine ``SqliteDatabase`` drives from the event loop's thread.

    Busy timeout zero (a locked database is retried with an ``asyncio.sleep``, never a sleep
    inside SQLite that would stall the loop) and automatic checkpoints off (they write the
    database file and fsync; ``SqliteDatabase`` runs them in a worker thread).
    """
    parsed = normalize_url(url)
    if parsed.get_backend_name() != "sqlite":
        raise ConfigError("the inline engine is for SQLite only")
    engine = create_engine(
        parsed.set(drivername="sqlite+pysqlite"),
        hide_parameters=True,
        poolclass=StaticPool,
        connect_args={"timeout": 0, "check_same_thread": False},
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        for pragma in SQLITE_INLINE_PRAGMAS:
            cursor.execute(f"PRAGMA {pragma}")
        cursor.close()

    return engine
