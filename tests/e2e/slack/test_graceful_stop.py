"""Stopping ``todobot run slack --http`` as process managers do: SIGTERM during work.

Each event was acknowledged (200) before the signal, so Slack will not send it again: if the
process died with its turns, those people would never get an answer.
"""

from __future__ import annotations

import asyncio
import json
import signal
from pathlib import Path

import aiohttp
import pytest

from adapters.slack.simulation import payloads
from adapters.slack.simulation.fake_slack import FakeSlack
from tests.e2e.slack.conftest import BOT_TOKEN, free_port
from tests.e2e.slack.test_run_command import pytestmark as run_marks
from tests.e2e.slack.test_run_command import start_todobot

pytestmark = run_marks

IN_FLIGHT = 60


async def wait_healthy(session: aiohttp.ClientSession, base: str) -> None:
    async with asyncio.timeout(60):
        while True:
            try:
                async with session.get(f"{base}/healthz") as response:
                    if response.status == 200:
                        return
            except aiohttp.ClientConnectionError:
                pass
            await asyncio.sleep(0.1)


async def send_event(session: aiohttp.ClientSession, base: str, event: dict[str, object]) -> int:
    body = json.dumps(payloads.event_body(event))
    headers = {"Content-Type": "application/json", **payloads.sign(body)}
    async with session.post(f"{base}/slack/events", data=body, headers=headers) as response:
        return response.status


async def until_unready(session: aiohttp.ClientSession, base: str) -> None:
    """Wait until the process has taken the signal: its readiness probe says it is stopping."""
    async with asyncio.timeout(30):
        while True:
            async with session.get(f"{base}/readyz") as ready:
                if (await ready.json()).get("stopping"):
                    assert ready.status == 503
                    return
            await asyncio.sleep(0.05)


def dm(number: int) -> dict[str, object]:
    return payloads.message(
        f"add task number {number}", user=f"U{number}", channel=f"D{number}", channel_type="im"
    )


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT])
async def test_a_stop_signal_lets_every_accepted_turn_answer(
    fake_slack: FakeSlack, tmp_path: Path, stop: signal.Signals
) -> None:
    # Every turn waits on Slack's users.info until the test lets it answer, so all of them are
    # running when the signal comes.
    fake_slack.gates["users.info"] = gate = asyncio.Event()
    port = free_port()
    process = await start_todobot(
        fake_slack, tmp_path, port,
        SLACK_BOT_TOKEN=BOT_TOKEN, SLACK_SIGNING_SECRET=payloads.SIGNING_SECRET,
        TODOBOT_RUN__DRAIN_SECONDS="60",
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        async with aiohttp.ClientSession() as session:
            await wait_healthy(session, base)
            statuses = await asyncio.gather(
                *(send_event(session, base, dm(n)) for n in range(IN_FLIGHT))
            )
            assert statuses == [200] * IN_FLIGHT
            await fake_slack.wait_for("users.info", IN_FLIGHT, within=30)
            assert fake_slack.called("chat.postMessage") == []  # all of them still running

            process.send_signal(stop)
            # While it drains, it takes no new work: Slack is told to retry later, and the
            # load balancer's readiness probe sees it going away.
            await until_unready(session, base)
            assert await send_event(session, base, dm(IN_FLIGHT)) == 503
            gate.set()
        _, stderr = await asyncio.wait_for(process.communicate(), 60)
    finally:
        gate.set()
        if process.returncode is None:
            process.kill()
            await process.wait()

    text = stderr.decode()
    assert process.returncode == 0, text
    posted = sorted(call.args["channel"] for call in fake_slack.called("chat.postMessage"))
    assert posted == sorted(f"D{n}" for n in range(IN_FLIGHT))
    assert "Traceback" not in text
