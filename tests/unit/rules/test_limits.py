"""Long and hostile text is read (its speed: benchmarks/understand.py); huge text is not."""

from __future__ import annotations

from datetime import datetime

import pytest

from benchmarks.understand import HOSTILE_TEXTS
from bot.agents.rules.intents import NotUnderstood
from bot.agents.rules.understand import understand

NOW = datetime(2026, 11, 18, 9, 0)


@pytest.mark.parametrize("text", HOSTILE_TEXTS)
def test_long_hostile_text_is_read(text: str) -> None:
    # How fast is measured by `python benchmarks/understand.py` (its "hostile" figures): a
    # wall-clock budget here would fail on a loaded machine. A pattern that backtracks badly
    # still shows here as a test that does not finish.
    assert understand(text[:4000], now=NOW) is not None


def test_a_huge_message_is_not_read() -> None:
    assert understand("add " + "x" * 20_000, now=NOW) == NotUnderstood("too long")


@pytest.mark.parametrize("expecting_tasks", [False, True])
@pytest.mark.parametrize("text", [":" * 4000, "urgent: " * 500 + "call mom"])
def test_a_wall_of_settings_prefixes_is_read_without_deep_recursion(
    text: str, expecting_tasks: bool
) -> None:
    # "important: …" hands the words after the colon to the title reader again; a wall of
    # colons once did so 4,000 times deep (RecursionError).
    assert understand(text, now=NOW, expecting_tasks=expecting_tasks) is not None
