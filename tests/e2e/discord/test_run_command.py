"""``todobot run discord`` as a real process against the fake Discord."""

from __future__ import annotations

import asyncio
import importlib.util
import os
import signal
import sys
from pathlib import Path

import aiohttp
import pytest

from adapters.discord import texts
from adapters.discord.simulation import payloads as p
from adapters.discord.simulation.fake_discord import TOKEN, FakeDiscord
from tests.e2e.slack.conftest import free_port

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(
        importlib.util.find_spec("bot.agents.rules") is None,
        reason="todobot run needs the offline rules agent, which is not merged yet",
    ),
]


async def start_todobot(
    fake: FakeDiscord, tmp_path: Path, token: str, **extra: str
) -> asyncio.subprocess.Process:
    env = {
        **os.environ,
        **extra,
        "DISCORD_TOKEN": token,
        "TODOBOT_DISCORD__API_URL": fake.url,
        "TODOBOT_DISCORD__GATEWAY_URL": fake.gateway_url,
        "TODOBOT_AGENT__BACKEND": "rules",
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'todobot.db'}",
    }
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "run",
        "discord",
        cwd=tmp_path,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )


async def ready_within(session: aiohttp.ClientSession, url: str) -> dict[str, bool]:
    async with asyncio.timeout(30):
        while True:
            async with session.get(url) as response:
                checks: dict[str, bool] = (await response.json())["checks"]
                if response.status == 200:
                    return checks
            await asyncio.sleep(0.1)


async def test_a_bad_token_is_one_line_and_no_traceback(fake: FakeDiscord, tmp_path: Path) -> None:
    process = await start_todobot(fake, tmp_path, "wrong-token")
    _, stderr = await asyncio.wait_for(process.communicate(), 60)
    lines = stderr.decode().strip().splitlines()
    assert process.returncode == 2
    assert lines[-1] == f"todobot: {texts.bad_token()}"
    assert "Traceback" not in stderr.decode()
    assert "wrong-token" not in stderr.decode()


async def test_it_answers_a_dm_serves_probes_and_stops_on_sigterm(
    fake: FakeDiscord, tmp_path: Path
) -> None:
    port = free_port()
    process = await start_todobot(fake, tmp_path, TOKEN, TODOBOT_RUN__HEALTH_PORT=str(port))
    base = f"http://127.0.0.1:{port}"
    try:
        await asyncio.wait_for(fake.guild_ready.wait(), 60)
        dm = p.message("add buy milk tomorrow", guild=False, channel_id=p.DM_CHANNEL_ID)
        await fake.dispatch("MESSAGE_CREATE", dm)
        answer = await fake.wait_for_call("POST", rf"/channels/{p.DM_CHANNEL_ID}/messages")
        assert "buy milk" in answer[0].content
        async with aiohttp.ClientSession() as session:
            # Ready once discord.py has finished its start (guilds streamed, on_ready).
            assert await ready_within(session, f"{base}/readyz") == {
                "database": True,
                "discord": True,
            }
            async with session.get(f"{base}/metrics") as metrics:
                text = await metrics.text()
        assert 'todobot_turns_total{outcome="answered",platform="discord"} 1.0' in text
    finally:
        process.send_signal(signal.SIGTERM)
        _, stderr = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode == 0, stderr.decode()
    assert "Traceback" not in stderr.decode()
    assert TOKEN not in stderr.decode()
