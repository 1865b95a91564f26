"""A serving process's life: running → stopping → drained → exit.

``todobot run`` makes one :class:`Lifecycle` and hands it to every service (Slack, Discord,
the reminders scheduler). SIGTERM or SIGINT sets :meth:`Lifecycle.stop`; each service then
stops taking new work (closes its socket, refuses new requests) and the process waits, at most
``drain_seconds``, for the work already accepted — turns, their replies, reminder deliveries —
which every service counts in ``lifecycle.inflight``. A second signal stops at once.

Process managers (Heroku, Kubernetes, systemd) stop with SIGTERM and wait a grace period before
SIGKILL, so draining is what keeps a deploy from cutting off a person's answer.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine, Iterator
from typing import Any

log = logging.getLogger(__name__)

ReadinessCheck = Callable[[], Awaitable[bool]]
STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)
# A readiness probe answers within a few seconds or counts as "not ready": a database that
# takes longer to answer one query cannot serve turns either.
CHECK_SECONDS = 3.0


class InFlight:
    """Work still running after the platform got its acknowledgement.

    Platforms want an acknowledgement within seconds and the turn goes on afterwards; this
    counts such work so shutdown can let it finish instead of cutting it off.
    """

    def __init__(self) -> None:
        self._count = 0
        self._idle = asyncio.Event()
        self._idle.set()
        self._tasks: set[asyncio.Task[None]] = set()

    @property
    def count(self) -> int:
        return self._count

    @contextlib.asynccontextmanager
    async def track(self) -> AsyncIterator[None]:
        self.begin()
        try:
            yield
        finally:
            self.end()

    def spawn(self, work: Coroutine[Any, Any, None], *, name: str) -> None:
        """Run ``work`` in the background, counted until it ends (failures are logged)."""
        self.begin()
        task = asyncio.create_task(self._guarded(work, name), name=name)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _guarded(self, work: Coroutine[Any, Any, None], name: str) -> None:
        try:
            await work
        except Exception:
            log.exception("background work %s failed", name)
        finally:
            self.end()

    async def wait_idle(self, seconds: float) -> bool:
        """True once nothing runs; False if work is still running after ``seconds``."""
        # Work a platform library scheduled just before we were asked (a listener task that
        # has not run its first step yet) gets the chance to register itself.
        for _ in range(3):
            await asyncio.sleep(0)
        try:
            async with asyncio.timeout(seconds):
                await self._idle.wait()
        except TimeoutError:
            return False
        return True

    def begin(self) -> None:
        """One more piece of work (pair it with :meth:`end`; prefer :meth:`track`)."""
        self._count += 1
        self._idle.clear()

    def end(self) -> None:
        self._count -= 1
        if self._count == 0:
            self._idle.set()


class Lifecycle:
    """Shared by the services of one process: the stop signal, in-flight work, readiness."""

    def __init__(self, *, drain_seconds: float = 20.0) -> None:
        self.drain_seconds = drain_seconds
        self.inflight = InFlight()
        self._stopping = asyncio.Event()
        self._checks: dict[str, ReadinessCheck] = {}

    @property
    def stopping(self) -> bool:
        return self._stopping.is_set()

    def stop(self, reason: str = "asked to stop") -> None:
        if not self._stopping.is_set():
            log.info(
                "stopping (%s): no new work; draining for up to %.0f s", reason, self.drain_seconds
            )
        self._stopping.set()

    async def wait_stopping(self) -> None:
        await self._stopping.wait()

    async def drain(self) -> bool:
        """Wait for in-flight work, at most ``drain_seconds``; True if it all finished."""
        finished = await self.inflight.wait_idle(self.drain_seconds)
        if finished:
            log.info("drained: every accepted message was answered")
        else:
            log.warning(
                "drain time (%.0f s) is up with %d still running",
                self.drain_seconds,
                self.inflight.count,
            )
        return finished

    def add_readiness_check(self, name: str, check: ReadinessCheck) -> None:
        """``check`` answers whether ``name`` (the database, a platform) can serve now."""
        self._checks[name] = check

    async def readiness(self) -> dict[str, bool]:
        """Each check's answer; one that fails or takes over ``CHECK_SECONDS`` is False."""
        names = list(self._checks)
        results = await asyncio.gather(*(self._run_check(n) for n in names))
        return dict(zip(names, results, strict=True))

    async def _run_check(self, name: str) -> bool:
        try:
            async with asyncio.timeout(CHECK_SECONDS):
                return await self._checks[name]()
        except Exception as exc:
            log.warning("readiness check %s failed: %s", name, type(exc).__name__)
            return False

    @contextlib.contextmanager
    def signals_handled(self) -> Iterator[None]:
        """SIGTERM and SIGINT stop gracefully; a second one cancels the calling task at once.

        Must be entered inside the running event loop, by the task that runs the services.
        """
        loop = asyncio.get_running_loop()
        main = asyncio.current_task()

        def on_signal(signum: signal.Signals) -> None:
            if self.stopping and main is not None:
                log.warning("%s again: stopping without waiting", signum.name)
                main.cancel()
                return
            self.stop(signum.name)

        installed = []
        for signum in STOP_SIGNALS:
            try:
                loop.add_signal_handler(signum, on_signal, signum)
            except (NotImplementedError, RuntimeError):  # not the main thread, or Windows
                continue
            installed.append(signum)
        try:
            yield
        finally:
            for signum in installed:
                loop.remove_signal_handler(signum)
