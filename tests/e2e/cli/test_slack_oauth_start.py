"""``todobot run slack`` with OAuth configured: a missing or malformed token key, or Socket
Mode, is one line on stderr and exit 2, before anything is opened — never a traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e

OAUTH = {
    "SLACK_CLIENT_ID": "1111.2222",
    "SLACK_CLIENT_SECRET": "client-secret-value",
    "SLACK_SIGNING_SECRET": "signing-secret-value",
}


def run_slack(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "TODOBOT_"))}
    database = f"sqlite:///{tmp_path / 'x.db'}"
    return subprocess.run(
        [sys.executable, "-m", "bot", "--database-url", database, "run", "slack", *args],
        env={**clean, **OAUTH, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize(
    ("env", "args", "needle"),
    [
        ({}, ("--http",), "TODOBOT_TOKEN_KEY is not set"),
        ({"TODOBOT_TOKEN_KEY": "not-a-fernet-key"}, ("--http",), "is not a Fernet key"),
        ({"TODOBOT_TOKEN_KEY": "x" * 44}, (), "needs HTTP mode"),
    ],
)
def test_start_up_errors_are_one_line(
    tmp_path: Path, env: dict[str, str], args: tuple[str, ...], needle: str
) -> None:
    result = run_slack(tmp_path, *args, **env)
    assert result.returncode == 2, result.stderr
    assert needle in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert "Traceback" not in result.stderr
    for value in (*OAUTH.values(), *env.values()):
        assert value not in result.stderr
    assert not (tmp_path / "x.db").exists()  # nothing was opened
