"""``SqliteDatabase``: units of work on the event loop's thread (see ``storage.sql.session``)."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from contextvars import ContextVar
from typing import Any, TypeVar

from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import OperationalError, SQLAlchemyError

from bot.errors import TodobotError
from storage.sql.session import UNREACHABLE, Work, failed

log = logging.getLogger(__name__)

T = TypeVar("T")

CHECKPOINT_EVERY_COMMITS = 200
# A shared transaction lets the loop run other work (a Slack acknowledgement, a timer) at the
# end of a unit once this long has passed since it last could: a turn that adds a thousand
# tasks would otherwise hold the loop for the whole turn (every unit here runs without
# waiting, so ``await`` alone never yields).
SHARED_SLICE_SECONDS = 0.002


class SqliteDatabase:
    """One connection used from the event loop's thread; see the module docstring."""

    dialect = "sqlite"

    def __init__(self, engine: Engine, *, busy_timeout: float) -> None:
        self.engine = engine
        self._busy_timeout = busy_timeout
        self._gate = asyncio.Lock()
        self._conn: Connection | None = None
        self._begin = "BEGIN IMMEDIATE"
        self._commits = 0
        self._slice_ends = 0.0
        self._checkpoint: asyncio.Future[None] | None = None
        self._shared: ContextVar[Connection | None] = ContextVar("sqlite_shared", default=None)
        self._committed: ContextVar[list[Callable[[], None]] | None] = ContextVar(
            "sqlite_after_commit", default=None
        )

        @event.listens_for(engine, "begin")
        def _on_begin(connection: Connection) -> None:
            # Writers take the write lock up front (a reader upgrading later could fail with
            # "database is locked"); readers take none, so they never wait for a writer.
            # On the driver's cursor: SQLAlchemy's execution would cost more than the BEGIN.
            connection.connection.driver_connection.execute(self._begin)  # type: ignore[union-attr]

    def _connection(self) -> Connection:
        if self._conn is None or self._conn.invalidated:
            self._conn = self.engine.connect()
        return self._conn

    async def run(
        self,
        work: Work[T],
        *,
        write: bool = True,
        conflicts: bool = False,
        durable: bool = True,
        heavy: bool = False,
    ) -> T:
        # In WAL mode with synchronous=NORMAL no commit waits for the disk: ``durable`` is moot.
        shared = self._shared.get()
        if shared is not None:
            if heavy:
                return await _in_worker(lambda: self._in_shared(shared, work, conflicts))
            result = self._in_shared(shared, work, conflicts)
            if time.perf_counter() >= self._slice_ends:
                await asyncio.sleep(0)
                self._slice_ends = time.perf_counter() + SHARED_SLICE_SECONDS
            return result
        async with self._gate:
            return await self._with_retry(lambda: self._once(work, write), heavy=heavy)

    def _in_shared(self, conn: Connection, work: Work[T], conflicts: bool) -> T:
        try:
            if conflicts:
                with conn.begin_nested():
                    return work(conn)
            return work(conn)
        except TodobotError:
            raise
        except (SQLAlchemyError, sqlite3.Error, *UNREACHABLE) as exc:
            raise failed(exc) from exc

    def _once(self, work: Work[T], write: bool) -> T:
        conn = self._connection()
        self._begin = "BEGIN IMMEDIATE" if write else "BEGIN"
        with conn.begin():
            result = work(conn)
        if write:
            self._wrote()
        return result

    async def _with_retry(self, attempt: Callable[[], T], *, heavy: bool = False) -> T:
        deadline = time.monotonic() + self._busy_timeout
        delay = 0.002
        while True:
            try:
                # A heavy read (a page of 10,000 tasks sorted by calendar day: 7-30 ms) runs in
                # a worker thread: the driver lets go of the GIL while SQLite works, so the loop
                # keeps serving. The connection stays this unit's alone: the gate (or the
                # shared transaction it runs in) keeps every other unit off it meanwhile.
                return (await _in_worker(attempt)) if heavy else attempt()
            except TodobotError:
                raise
            except (OperationalError, sqlite3.OperationalError) as exc:
                if not _is_busy(exc) or time.monotonic() > deadline:
                    raise failed(exc) from exc
            except (SQLAlchemyError, sqlite3.Error, *UNREACHABLE) as exc:
                raise failed(exc) from exc
            # Another process holds the write lock: wait without holding up the loop.
            await asyncio.sleep(delay)
            delay = min(delay * 2, 0.05)

    @asynccontextmanager
    async def shared(self) -> AsyncIterator[None]:
        if self._shared.get() is not None:
            yield
            return
        async with self._gate:
            conn = self._connection()

            def begin() -> Any:
                self._begin = "BEGIN IMMEDIATE"
                return conn.begin()

            tx = await self._with_retry(begin)
            self._slice_ends = time.perf_counter() + SHARED_SLICE_SECONDS
            token = self._shared.set(conn)
            pending: list[Callable[[], None]] = []
            waiting = self._committed.set(pending)
            try:
                yield
                tx.commit()
            except BaseException:
                if tx.is_active:
                    tx.rollback()
                raise
            finally:
                self._shared.reset(token)
                self._committed.reset(waiting)
            self._wrote()
            for action in pending:
                action()

    def after_commit(self, action: Callable[[], None]) -> None:
        pending = self._committed.get()
        if pending is None:
            action()
        else:
            pending.append(action)

    def _wrote(self) -> None:
        self._commits += 1
        if self._commits % CHECKPOINT_EVERY_COMMITS == 0 and (
            self._checkpoint is None or self._checkpoint.done()
        ):
            self._checkpoint = asyncio.ensure_future(asyncio.to_thread(self._run_checkpoint))

    def _run_checkpoint(self) -> None:
        path = self.engine.url.database
        if not path or path == ":memory:":
            return
        try:
            with sqlite3.connect(path, timeout=self._busy_timeout) as db:
                db.execute("PRAGMA wal_checkpoint(PASSIVE)")
            # The with-block only ends the transaction; close the connection too.
            db.close()
        except sqlite3.Error as exc:
            log.warning("WAL checkpoint failed: %s", exc)

    async def close(self) -> None:
        async with self._gate:
            if self._checkpoint is not None:
                await self._checkpoint
            if self._conn is not None:
                self._conn.close()
                self._conn = None
            await asyncio.to_thread(self._run_checkpoint)
            self.engine.dispose()


def _is_busy(exc: OperationalError | sqlite3.OperationalError) -> bool:
    # SQLAlchemy wraps the driver's error; a statement run on the driver's cursor raises it bare.
    text = str(getattr(exc, "orig", exc)).lower()
    return "locked" in text or "busy" in text


async def _in_worker(call: Callable[[], T]) -> T:
    """``call`` in a worker thread, finished before this returns even when cancelled.

    A cancelled turn must not let go of the connection while the worker still uses it: the
    gate would admit the next unit (or the shared transaction would roll back) on the main
    thread while the worker's statements run, and a connection is one thread's at a time.
    """
    running = asyncio.ensure_future(asyncio.to_thread(call))
    try:
        return await asyncio.shield(running)
    except asyncio.CancelledError:
        await asyncio.wait([running])
        if not running.cancelled():
            running.exception()  # retrieved: the cancellation is what the caller sees
        raise
