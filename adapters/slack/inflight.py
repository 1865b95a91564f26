"""Work still running after Slack got its acknowledgement, so shutdown can let it finish.

Bolt answers Slack as soon as a listener acknowledges and keeps the listener running; on
shutdown we wait (bounded) for those turns so nobody's answer is cut off mid-way.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Coroutine
from contextlib import asynccontextmanager
from typing import Any

log = logging.getLogger(__name__)


class InFlight:
    def __init__(self) -> None:
        self._count = 0
        self._idle = asyncio.Event()
        self._idle.set()
        self._tasks: set[asyncio.Task[None]] = set()

    @property
    def count(self) -> int:
        return self._count

    @asynccontextmanager
    async def track(self) -> AsyncIterator[None]:
        self._begin()
        try:
            yield
        finally:
            self._end()

    def spawn(self, work: Coroutine[Any, Any, None], *, name: str) -> None:
        """Run ``work`` in the background, counted until it ends (failures are logged)."""
        self._begin()
        task = asyncio.create_task(self._guarded(work, name), name=name)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _guarded(self, work: Coroutine[Any, Any, None], name: str) -> None:
        try:
            await work
        except Exception:
            log.exception("background work %s failed", name)
        finally:
            self._end()

    async def wait_idle(self, seconds: float) -> bool:
        """True once nothing runs; False if work is still running after ``seconds``."""
        try:
            async with asyncio.timeout(seconds):
                await self._idle.wait()
        except TimeoutError:
            return False
        return True

    def _begin(self) -> None:
        self._count += 1
        self._idle.clear()

    def _end(self) -> None:
        self._count -= 1
        if self._count == 0:
            self._idle.set()
