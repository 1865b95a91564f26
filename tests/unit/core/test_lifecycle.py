"""A serving process's stop: signals, draining in-flight work, readiness."""

from __future__ import annotations

import asyncio
import os
import signal

import pytest

from bot.lifecycle import InFlight, Lifecycle


async def test_a_first_signal_stops_gracefully_and_a_second_at_once() -> None:
    lifecycle = Lifecycle(drain_seconds=1)

    async def serve() -> None:
        with lifecycle.signals_handled():
            os.kill(os.getpid(), signal.SIGTERM)
            await lifecycle.wait_stopping()
            os.kill(os.getpid(), signal.SIGINT)
            await asyncio.Event().wait()  # only the second signal ends this

    with pytest.raises(asyncio.CancelledError):
        await asyncio.create_task(serve())
    assert lifecycle.stopping
    # The handlers are gone with the context: SIGINT is Python's again.
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


async def test_drain_waits_for_tracked_work_and_gives_up_when_it_never_ends() -> None:
    inflight = InFlight()
    release = asyncio.Event()

    async def work() -> None:
        async with inflight.track():
            await release.wait()

    task = asyncio.create_task(work())
    await asyncio.sleep(0)
    assert inflight.count == 1
    assert await inflight.wait_idle(0.05) is False  # still running: the drain gives up
    release.set()
    assert await inflight.wait_idle(30) is True
    await task
    assert inflight.count == 0


async def test_spawned_work_is_counted_and_its_failure_logged(
    caplog: pytest.LogCaptureFixture,
) -> None:
    inflight = InFlight()

    async def fails() -> None:
        raise RuntimeError("boom")

    inflight.spawn(fails(), name="home U1")
    assert inflight.count == 1
    assert await inflight.wait_idle(30)
    assert "background work home U1 failed" in caplog.text


async def test_readiness_is_false_for_a_failing_or_false_check() -> None:
    lifecycle = Lifecycle()

    async def fine() -> bool:
        return True

    async def broken() -> bool:
        raise OSError("no route")

    lifecycle.add_readiness_check("database", fine)
    lifecycle.add_readiness_check("slack", broken)
    assert await lifecycle.readiness() == {"database": True, "slack": False}
