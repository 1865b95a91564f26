"""``todobot chat`` pointed at a model server by the environment alone (OPENAI_BASE_URL)."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from pathlib import Path

import pytest

from tests.e2e.openai.fake_server import FakeChatServer, completion, tool_call

pytestmark = pytest.mark.e2e


async def _chat(
    tmp_path: Path, sqlite_url: str, fake: FakeChatServer, stdin: str, **env: str
) -> list[dict]:
    config = tmp_path / "config.toml"
    config.write_text("", encoding="utf-8")
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "TODOBOT_"))}
    environment.update({"OPENAI_BASE_URL": fake.base_url, "TODOBOT_AGENT__MODEL": "fake-model"})
    environment.update(env)
    # An asyncio subprocess, so this loop keeps serving the fake model while the CLI talks to it.
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "--config",
        str(config),
        "--database-url",
        sqlite_url,
        "chat",
        "--user",
        "ann",
        "--now",
        "2026-11-18T09:00",
        "--json",
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env=environment,
    )
    out, err = await asyncio.wait_for(process.communicate(stdin.encode()), timeout=60)
    assert process.returncode == 0, err.decode()
    return [json.loads(line) for line in out.decode().splitlines()]


async def test_auto_backend_uses_the_model_server_named_by_the_environment(
    fake_model, sqlite_url, tmp_path
) -> None:
    fake_model.play(
        completion(None, [tool_call("add_task", {"title": "renew passport", "due": "2026-11-20"})]),
        completion("Added #1 “renew passport”, due Fri 20 Nov."),
    )
    (answer,) = await _chat(tmp_path, sqlite_url, fake_model, "passport renewal by friday pls\n")

    assert answer["reply"] == "Added #1 “renew passport”, due Fri 20 Nov."
    assert [c["name"] for c in answer["tool_calls"]] == ["add_task"]
    assert answer["tool_calls"][0]["result"]["task"]["due"] == "2026-11-20"
    assert fake_model.requests[0].headers["Authorization"] == "Bearer no-key-required"
    system = fake_model.bodies[0]["messages"][0]["content"]
    assert "Their local time now is Wednesday 18 November 2026, 09:00" in system


async def test_hybrid_backend_from_the_environment_spares_the_model(
    fake_model, sqlite_url, tmp_path
) -> None:
    answers = await _chat(
        tmp_path, sqlite_url, fake_model, "add buy milk\ndone 1\n", TODOBOT_AGENT__BACKEND="hybrid"
    )
    assert [a["tool_calls"][0]["name"] for a in answers] == ["add_task", "complete_task"]
    assert fake_model.requests == []
