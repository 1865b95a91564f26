"""``todobot simulate`` as people run it: a separate process, no tokens in the environment."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.e2e.simulate.conftest import events_file

pytestmark = pytest.mark.e2e

SECRETS = ("SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "SLACK_SIGNING_SECRET", "DISCORD_TOKEN")


def simulate(tmp_path: Path, platform: str, events: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in SECRETS and k != "DATABASE_URL"}
    env["TODOBOT_AGENT__BACKEND"] = "openai"  # the simulation uses the offline agent anyway
    env["XDG_DATA_HOME"] = str(tmp_path / "data")  # where the default database would go
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "bot",
            "simulate",
            platform,
            "--events",
            str(events),
            "--json",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        cwd=tmp_path,
        check=False,
    )


@pytest.mark.parametrize(
    ("platform", "user", "channel"), [("slack", "U2", "C1"), ("discord", "4242", "100")]
)
def test_a_script_runs_without_any_account_and_repeats_exactly(
    tmp_path: Path, platform: str, user: str, channel: str
) -> None:
    events = events_file(
        tmp_path,
        [
            {"type": "mention", "user": user, "channel": channel, "text": "add buy oat milk"},
            {"type": "click", "user": user, "text": "complete 1"},
        ],
    )
    first = simulate(tmp_path, platform, events)
    assert first.returncode == 0, first.stderr
    calls = [json.loads(line) for line in first.stdout.splitlines()]
    assert any("oat milk" in json.dumps(c) and c["event"] == 1 for c in calls)
    assert any(c["event"] == 2 for c in calls)
    assert first.stderr == ""
    second = simulate(tmp_path, platform, events)
    assert second.stdout == first.stdout
    # A temporary database: the person's own list is not touched.
    assert list((tmp_path / "data").rglob("*.db")) == []
