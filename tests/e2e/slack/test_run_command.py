"""``todobot run slack --http`` as a real process against the fake Slack."""

from __future__ import annotations

import asyncio
import importlib.util
import json
import os
import signal
import sys
from pathlib import Path

import aiohttp
import pytest

from adapters.slack.simulation import payloads
from adapters.slack.simulation.fake_slack import FakeSlack
from tests.e2e.slack.conftest import BOT_TOKEN, free_port

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(
        importlib.util.find_spec("bot.agents.rules") is None,
        reason="todobot run needs the offline rules agent, which is not merged yet",
    ),
]


async def start_todobot(
    fake: FakeSlack, tmp_path: Path, port: int, **secrets: str
) -> asyncio.subprocess.Process:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SLACK_")}
    env |= {
        **secrets,
        "SLACK_API_URL": fake.url,
        "TODOBOT_AGENT__BACKEND": "rules",
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'todobot.db'}",
    }
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", "slack", "--http", "--port", str(port),
        cwd=tmp_path, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip


async def test_a_missing_signing_secret_is_one_line(fake_slack: FakeSlack, tmp_path: Path) -> None:
    process = await start_todobot(fake_slack, tmp_path, free_port(), SLACK_BOT_TOKEN=BOT_TOKEN)
    _, stderr = await asyncio.wait_for(process.communicate(), 60)
    text = stderr.decode()

    assert process.returncode == 2
    assert text.strip().splitlines()[-1].startswith("todobot: SLACK_SIGNING_SECRET is not set")
    assert "Traceback" not in text
    assert fake_slack.calls == []


async def test_it_answers_a_dm_and_stops_on_ctrl_c(fake_slack: FakeSlack, tmp_path: Path) -> None:
    port = free_port()
    # At DEBUG, in JSON lines: everything a library could print is printed.
    process = await start_todobot(
        fake_slack, tmp_path, port,
        SLACK_BOT_TOKEN=BOT_TOKEN, SLACK_SIGNING_SECRET=payloads.SIGNING_SECRET,
        TODOBOT_LOGGING__LEVEL="DEBUG", TODOBOT_LOGGING__FORMAT="json",
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        async with aiohttp.ClientSession() as session:
            async with asyncio.timeout(60):
                while True:
                    try:
                        async with session.get(f"{base}/healthz") as response:
                            if response.status == 200:
                                break
                    except aiohttp.ClientConnectionError:
                        await asyncio.sleep(0.1)
            event = payloads.message("add buy milk tomorrow", channel="D1", channel_type="im")
            body = json.dumps(payloads.event_body(event))
            headers = {"Content-Type": "application/json", **payloads.sign(body)}
            async with session.post(f"{base}/slack/events", data=body, headers=headers) as sent:
                assert sent.status == 200
        [post] = await fake_slack.wait_for("chat.postMessage", within=30)
        assert post.args["channel"] == "D1"
        assert "buy milk" in post.args["text"]
    finally:
        process.send_signal(signal.SIGINT)
        _, stderr = await asyncio.wait_for(process.communicate(), 30)
    text = stderr.decode()
    assert "Traceback" not in text
    assert BOT_TOKEN not in text and payloads.SIGNING_SECRET not in text
    # Never the person's words, at any level: not the message, not the task title.
    assert "milk" not in text
    lines = [json.loads(line) for line in text.splitlines()]
    [turn] = [line for line in lines if line.get("outcome")]
    assert turn["platform"] == "slack" and turn["outcome"] == "answered"
    assert turn["event_id"] and turn["conversation"].startswith("slack/T1/D1")
    assert isinstance(turn["turn_ms"], float)
