"""``todobot run discord`` as a real process against the fake Discord."""

from __future__ import annotations

import asyncio
import importlib.util
import os
import signal
import sys
from pathlib import Path

import pytest

from adapters.discord import texts
from adapters.discord.simulation import payloads as p
from adapters.discord.simulation.fake_discord import TOKEN, FakeDiscord

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(
        importlib.util.find_spec("bot.agents.rules") is None,
        reason="todobot run needs the offline rules agent, which is not merged yet",
    ),
]


async def start_todobot(
    fake: FakeDiscord, tmp_path: Path, token: str
) -> asyncio.subprocess.Process:
    env = {
        **os.environ,
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


async def test_a_bad_token_is_one_line_and_no_traceback(fake: FakeDiscord, tmp_path: Path) -> None:
    process = await start_todobot(fake, tmp_path, "wrong-token")
    _, stderr = await asyncio.wait_for(process.communicate(), 60)
    lines = stderr.decode().strip().splitlines()
    assert process.returncode == 2
    assert lines[-1] == f"todobot: {texts.bad_token()}"
    assert "Traceback" not in stderr.decode()
    assert "wrong-token" not in stderr.decode()


async def test_it_answers_a_dm_and_stops_on_ctrl_c(fake: FakeDiscord, tmp_path: Path) -> None:
    process = await start_todobot(fake, tmp_path, TOKEN)
    try:
        await asyncio.wait_for(fake.guild_ready.wait(), 60)
        dm = p.message("add buy milk tomorrow", guild=False, channel_id=p.DM_CHANNEL_ID)
        await fake.dispatch("MESSAGE_CREATE", dm)
        answer = await fake.wait_for_call("POST", rf"/channels/{p.DM_CHANNEL_ID}/messages")
        assert "buy milk" in answer[0].content
    finally:
        process.send_signal(signal.SIGINT)
        _, stderr = await asyncio.wait_for(process.communicate(), 30)
    assert "Traceback" not in stderr.decode()
    assert TOKEN not in stderr.decode()
