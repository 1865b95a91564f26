"""The README's simulated sessions are what ``todobot simulate`` really prints."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.e2e.simulate.conftest import simulate

pytestmark = pytest.mark.e2e

README = Path(__file__).resolve().parents[3] / "README.md"


def sessions() -> list[tuple[str, str]]:
    text = README.read_text(encoding="utf-8")
    found = re.findall(r"```text\n\$ todobot simulate (slack|discord)\n(.*?)```", text, re.S)
    return [(platform, body) for platform, body in found]


def test_the_readme_shows_a_session_for_each_platform() -> None:
    assert sorted(platform for platform, _ in sessions()) == ["discord", "slack"]


@pytest.mark.parametrize(("platform", "shown"), sessions())
async def test_a_readme_session_is_what_the_simulation_prints(platform: str, shown: str) -> None:
    typed = "\n".join(match[1] for match in re.finditer(r"^\[\d+\] (.*)$", shown, re.M))
    run = await simulate(platform, typed=typed, as_json=False)
    assert run.out == shown
