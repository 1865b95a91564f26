"""Reminders across real ``todobot`` processes: exactly once on PostgreSQL, and a SIGKILL.

Three ``reminders run-once`` processes share 1,000 reminders due in the same minute; every
one is printed exactly once. A process killed between claiming and posting leaves claims that
the next run takes over once the lease has passed (delivery is at least once; the post it
never made is made exactly once).
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from adapters.slack.simulation.fake_slack import FakeSlack

pytestmark = pytest.mark.e2e

DUE = "2026-11-18T10:00:00+00:00"


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DISCORD_"))}
    env.pop("DATABASE_URL", None)
    env.update(extra)
    return env


async def todobot(url: str, *args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "--database-url", url, *args,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE, env=env or _env(),
    )  # fmt: skip
    out, err = await asyncio.wait_for(process.communicate(), timeout=300)
    return process.returncode or 0, out.decode(), err.decode()


def reminders_file(tmp_path: Path, count: int) -> Path:
    path = tmp_path / "in.json"
    rows = [{"title": f"rem{i:04d}", "remind_at": DUE} for i in range(count)]
    path.write_text(json.dumps(rows))
    return path


async def setup(url: str, tmp_path: Path, user: str, count: int) -> None:
    code, _, err = await todobot(url, "db", "upgrade")
    assert code == 0, err
    path = str(reminders_file(tmp_path, count))
    code, _, err = await todobot(url, "tasks", "import", "--user", user, path)
    assert code == 0, err


@pytest.mark.postgres
async def test_three_processes_deliver_a_thousand_reminders_exactly_once(
    postgres_url: str, tmp_path: Path
) -> None:
    url = postgres_url.replace("postgresql://", "postgresql+asyncpg://")
    await setup(url, tmp_path, "pgrem", 1000)
    once = ("reminders", "run-once", "--now", "2026-11-18T10:00:30", "--json")
    runs = await asyncio.gather(*(todobot(url, *once) for _ in range(3)))
    seen: Counter[str] = Counter()
    for code, out, err in runs:
        assert code == 0, err
        for line in out.splitlines():
            seen[json.loads(line)["title"]] += 1
    assert len(seen) == 1000
    assert set(seen.values()) == {1}
    assert sum(1 for _, out, _ in runs if out.strip()) >= 2, "one process did all the work"
    code, out, _ = await todobot(
        url, "reminders", "run-once", "--now", "2026-11-18T10:01", "--json"
    )
    assert code == 0 and out == ""


async def test_sigkill_between_claim_and_post_is_delivered_once_after_the_lease(
    sqlite_url: str, tmp_path: Path
) -> None:
    fake = FakeSlack()
    await fake.start()
    try:
        await setup(sqlite_url, tmp_path, "slack:T1:U1", 20)
        env = _env(SLACK_BOT_TOKEN="xoxb-test", SLACK_API_URL=fake.url)
        fake.delays["conversations.open"] = 60  # the process hangs on its first DM …
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "--database-url", sqlite_url,
            "reminders", "run-once", "--now", "2026-11-18T10:00:30",
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE, env=env,
        )  # fmt: skip
        await fake.wait_for("conversations.open", within=120)
        process.send_signal(signal.SIGKILL)  # … and dies there, its claims committed
        await process.wait()
        assert fake.called("chat.postMessage") == []
        fake.delays.clear()
        # Within the lease (5 min) nobody takes the claims over: no double delivery.
        code, _, err = await run_once(sqlite_url, "2026-11-18T10:03", env)
        assert code == 0, err
        assert fake.called("chat.postMessage") == []
        code, _, err = await run_once(sqlite_url, "2026-11-18T10:06", env)
        assert code == 0, err
        posted: Counter[str] = Counter(_title(c.args) for c in fake.called("chat.postMessage"))
        assert len(posted) == 20 and set(posted.values()) == {1}
        code, _, err = await run_once(sqlite_url, "2026-11-18T10:20", env)
        assert len(fake.called("chat.postMessage")) == 20
    finally:
        await fake.stop()


async def run_once(url: str, now: str, env: dict[str, str]) -> tuple[int, str, str]:
    return await todobot(url, "reminders", "run-once", "--now", now, env=env)


def _title(args: dict[str, Any]) -> str:
    text = str(args.get("text", ""))
    return text.split("rem", 1)[1][:4] if "rem" in text else text
