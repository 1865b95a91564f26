"""A heavy SQLite read runs in a worker thread; cancelling its turn must not free the connection
while the worker still uses it (the next unit, maybe another person's write, would share the
connection across two threads and fail)."""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path

import pytest
from sqlalchemy import text

from storage.sql.engine import create_sqlite_inline_engine
from storage.sql.inline import SqliteDatabase


async def test_a_cancelled_heavy_read_keeps_the_connection_until_its_worker_is_done(
    tmp_path: Path,
) -> None:
    db = SqliteDatabase(create_sqlite_inline_engine(f"sqlite:///{tmp_path}/x.db"), busy_timeout=5)
    await db.run(lambda c: c.execute(text("create table t(x int)")))
    started, release = threading.Event(), threading.Event()

    def slow_read(c):  # type: ignore[no-untyped-def]
        c.execute(text("select 1")).all()
        started.set()
        release.wait(10)
        return c.execute(text("select count(*) from t")).scalar()

    read = asyncio.ensure_future(db.run(slow_read, write=False, heavy=True))
    assert await asyncio.get_running_loop().run_in_executor(None, started.wait, 10)
    read.cancel()
    write = asyncio.ensure_future(db.run(lambda c: c.execute(text("insert into t values (1)"))))
    for _ in range(20):
        await asyncio.sleep(0)
    # The worker still holds the connection: neither the cancelled read nor the write is through.
    assert not read.done()
    assert not write.done()

    release.set()
    with pytest.raises(asyncio.CancelledError):
        await read
    await write
    assert await db.run(lambda c: c.execute(text("select count(*) from t")).scalar()) == 1
