"""The README's simulated sessions are what ``todobot simulate`` really prints.

When a reply's wording changes on purpose, refresh them with
``python tests/e2e/simulate/test_readme.py`` (it replays the typed lines and rewrites the
sessions' output) and read the diff.
"""

from __future__ import annotations

import asyncio
import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))

from tests.e2e.simulate.conftest import simulate  # noqa: E402

pytestmark = pytest.mark.e2e

README = ROOT / "README.md"
SESSION = re.compile(r"(```text\n\$ todobot simulate (slack|discord)\n)(.*?)(```)", re.S)
REFRESH = "the README's session is out of date: run python tests/e2e/simulate/test_readme.py"


def sessions() -> list[tuple[str, str]]:
    return [(m[2], m[3]) for m in SESSION.finditer(README.read_text(encoding="utf-8"))]


def typed_lines(shown: str) -> str:
    return "\n".join(match[1] for match in re.finditer(r"^\[\d+\] (.*)$", shown, re.M))


def test_the_readme_shows_a_session_for_each_platform() -> None:
    assert sorted(platform for platform, _ in sessions()) == ["discord", "slack"]


@pytest.mark.parametrize(("platform", "shown"), sessions())
async def test_a_readme_session_is_what_the_simulation_prints(platform: str, shown: str) -> None:
    run = await simulate(platform, typed=typed_lines(shown), as_json=False)
    assert run.out == shown, REFRESH


async def refresh() -> None:
    text = README.read_text(encoding="utf-8")
    for match in list(SESSION.finditer(text)):
        run = await simulate(match[2], typed=typed_lines(match[3]), as_json=False)
        text = text.replace(match[0], match[1] + run.out + match[4])
    README.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    asyncio.run(refresh())
