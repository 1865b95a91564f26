"""``todobot run slack --http`` killed mid-turn (SIGKILL: no handler runs), then Slack's retry
reaches a fresh process: the event is answered once, and nothing is stored or done twice."""

from __future__ import annotations

import asyncio
import json
import sqlite3
from pathlib import Path

import aiohttp

from adapters.slack.simulation import payloads
from adapters.slack.simulation.fake_slack import FakeSlack
from tests.e2e.slack.conftest import BOT_TOKEN, free_port
from tests.e2e.slack.test_graceful_stop import wait_healthy
from tests.e2e.slack.test_run_command import pytestmark as run_marks
from tests.e2e.slack.test_run_command import start_todobot

pytestmark = run_marks

LEASE_SECONDS = 1.0
HANG = 3600.0  # a Slack that never answers chat.postMessage


async def deliver(
    session: aiohttp.ClientSession,
    base: str,
    event: dict[str, object],
    *,
    event_id: str = "EvCRASH",
    retry: int = 0,
) -> int:
    body = json.dumps(payloads.event_body(event, event_id=event_id))
    headers = {"Content-Type": "application/json", **payloads.sign(body)}
    if retry:
        headers |= {"X-Slack-Retry-Num": str(retry), "X-Slack-Retry-Reason": "http_timeout"}
    async with session.post(f"{base}/slack/events", data=body, headers=headers) as response:
        return response.status


def counts(db: Path) -> tuple[int, int]:
    """(the person's stored messages, their tasks)."""
    with sqlite3.connect(db) as conn:
        said = conn.execute("SELECT count(*) FROM message WHERE role = 'user'").fetchone()[0]
        tasks = conn.execute("SELECT count(*) FROM task").fetchone()[0]
    conn.close()
    return said, tasks


async def run_process(fake: FakeSlack, tmp_path: Path, port: int) -> asyncio.subprocess.Process:
    return await start_todobot(
        fake, tmp_path, port,
        SLACK_BOT_TOKEN=BOT_TOKEN, SLACK_SIGNING_SECRET=payloads.SIGNING_SECRET,
        TODOBOT_RUN__EVENT_LEASE_SECONDS=str(LEASE_SECONDS),
    )  # fmt: skip


async def test_sigkill_mid_turn_then_the_retry_answers_once(
    fake_slack: FakeSlack, tmp_path: Path
) -> None:
    dm = payloads.message("add buy milk tomorrow", channel="D1", channel_type="im")
    db = tmp_path / "todobot.db"

    # The first process stores the message, adds the task and its answer, and hangs posting
    # it: then it is killed.
    fake_slack.delays["chat.postMessage"] = HANG
    port = free_port()
    first = await run_process(fake_slack, tmp_path, port)
    try:
        async with aiohttp.ClientSession() as session:
            await wait_healthy(session, f"http://127.0.0.1:{port}")
            assert await deliver(session, f"http://127.0.0.1:{port}", dm) == 200
            await fake_slack.wait_for("chat.postMessage", within=30)
    finally:
        first.kill()
        await first.wait()
    assert counts(db) == (1, 1)

    # Slack retries (the first delivery was never acknowledged as answered) to a new process.
    fake_slack.delays.pop("chat.postMessage")
    port = free_port()
    second = await run_process(fake_slack, tmp_path, port)
    base = f"http://127.0.0.1:{port}"
    try:
        async with aiohttp.ClientSession() as session:
            await wait_healthy(session, base)
            await asyncio.sleep(LEASE_SECONDS)  # the dead process's claim is past its lease
            assert await deliver(session, base, dm, retry=1) == 200
            posts = await fake_slack.wait_for("chat.postMessage", 2, within=30)
            assert posts[1].args["channel"] == "D1"
            assert "buy milk" in posts[1].args["text"]
            assert posts[1].args["text"] == posts[0].args["text"]  # the answer stored then

            # A retry of the answered event is a no-op; the next message is answered as usual
            # (after the retry: turns of one conversation run in the order they arrive).
            assert await deliver(session, base, dm, retry=2) == 200
            follow_up = payloads.message("list", channel="D1", channel_type="im", ts="100.9")
            assert await deliver(session, base, follow_up, event_id="EvNEXT") == 200
            posts = await fake_slack.wait_for("chat.postMessage", 3, within=30)
    finally:
        second.terminate()
        _, stderr = await asyncio.wait_for(second.communicate(), 60)

    assert [p.args["channel"] for p in posts] == ["D1"] * 3
    assert "buy milk" in posts[2].args["text"]
    # The person's two messages, each stored once; the task added once.
    assert counts(db) == (2, 1)
    assert "Traceback" not in stderr.decode()
