"""Understanding stays fast on long and hostile text: no pattern backtracks badly."""

from __future__ import annotations

import time
from datetime import datetime

import pytest

from bot.agents.rules.intents import NotUnderstood
from bot.agents.rules.understand import understand

NOW = datetime(2026, 11, 18, 9, 0)


@pytest.mark.parametrize(
    "text",
    [
        ":" * 4000,
        "!" * 4000,
        ", " * 2000,
        ". " * 2000,
        "- " * 2000,
        ": - , ; " * 500,
        "add " + "a, " * 1300,
        "add " + "x and " * 650,
        "x is not " * 440,
        "move x to " * 400,
        "the thing is done is not is " * 140,
        "add figure out the lease because the landlord said so " * 70,
        "tomorrow at 5pm next friday dec 5 " * 115,
    ],
)
def test_long_hostile_text_is_read_in_linear_time(text: str) -> None:
    # No budget in seconds (machines are shared): the time for 4,000 characters is compared
    # side by side with the time for 1,000. Linear reading is about 4x, quadratic 16x; the
    # hazard is catastrophic backtracking (cubic and worse: 64x and up), so the bound sits
    # above quadratic to ride out the noise of a loaded machine. Best of five runs each.
    def best(sample: str) -> float:
        runs = []
        for _ in range(5):
            started = time.perf_counter()
            understand(sample, now=NOW)
            runs.append(time.perf_counter() - started)
        return min(runs)

    short, long = best(text[:1000]), best(text[:4000])
    assert long < 24 * short + 0.01


def test_a_huge_message_is_not_read() -> None:
    assert understand("add " + "x" * 20_000, now=NOW) == NotUnderstood("too long")
