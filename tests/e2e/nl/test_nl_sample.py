"""The sample natural-language cases, scored through the real command line.

The cases live outside the repository, at ``<repo>/../shared/eval/nl_sample.json``
(``TODOBOT_NL_CASES`` names another file). Each case runs in fresh processes on a fresh SQLite
file: ``tasks import`` → ``chat --json`` → ``tasks export``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e

REPO = Path(__file__).resolve().parents[3]
CASES = Path(os.environ.get("TODOBOT_NL_CASES") or REPO.parent / "shared/eval/nl_sample.json")


def test_sample_cases_pass_through_the_command_line() -> None:
    if not CASES.is_file():
        pytest.skip(f"no natural-language cases at {CASES} (set TODOBOT_NL_CASES to a file)")
    run = subprocess.run(
        [
            sys.executable,
            str(REPO / "benchmarks/score_nl_cases.py"),
            str(CASES),
            "--json",
            "--min-pass",
            "0.9",
        ],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
        cwd=REPO,
    )
    assert run.returncode in (0, 1), run.stderr
    summary = json.loads(run.stdout)
    failing = "\n".join(f"{f['id']}: {f['say']!r} → {f['failures']}" for f in summary["failing"])
    assert summary["cases"] > 0
    assert summary["pass_rate"] >= 0.9, f"pass rate {summary['pass_rate']:.0%}\n{failing}"
    assert run.returncode == 0
