"""The rules agent reads a message that can be slow to understand in its reader process, and
short plain ones on the event loop; a reader process that dies or cannot start costs no answer."""

from __future__ import annotations

import asyncio
import sys
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.agent import AgentTurn
from bot.agents.rules.agent import RulesAgent, reads_quickly
from bot.agents.rules.intents import AddTasks
from bot.agents.rules.reader_process import ReaderProcess, ReaderUnavailable
from bot.agents.rules.understand import understand
from bot.conversations import User

NOW = datetime(2026, 11, 18, 9, 0)
SLOW = "add " + "x and " * 30  # ~30 ms of understanding on the loop, before
LONG = "add figure out the lease because the landlord said so " * 20


def turn(text: str) -> AgentTurn:
    user = User(id=1, display_name="ana", timezone="UTC")
    return AgentTurn(
        user=user, text=text, history=(), now=NOW.replace(tzinfo=UTC), tz=ZoneInfo("UTC")
    )


@pytest.mark.parametrize(
    ("text", "quick"),
    [
        ("add buy milk tomorrow", True),
        ("what's on my list?", True),
        ("done 2", True),
        (SLOW, False),
        (LONG, False),
        (", " * 40, False),
    ],
)
def test_only_short_plain_messages_are_read_on_the_loop(text: str, quick: bool) -> None:
    assert reads_quickly(text) is quick


async def test_the_reader_process_reads_as_understand_does() -> None:
    reader = ReaderProcess()
    try:
        for text in (SLOW, LONG, "add buy milk tomorrow, urgent", ": - , ; " * 500):
            aside = await reader.understand(text, now=NOW, expecting_tasks=False)
            assert aside == understand(text, now=NOW)
        expecting = await reader.understand("- eggs", now=NOW, expecting_tasks=True)
        assert expecting == understand("- eggs", now=NOW, expecting_tasks=True)
    finally:
        await reader.aclose()


async def test_a_reader_process_that_died_is_replaced() -> None:
    reader = ReaderProcess()
    try:
        first = await reader.understand(LONG, now=NOW, expecting_tasks=False)
        child = reader._child
        assert child is not None
        child.kill()
        child.wait()
        assert await reader.understand(LONG, now=NOW, expecting_tasks=False) == first
        assert reader._child is not child
    finally:
        await reader.aclose()


async def test_a_reading_given_up_on_ends_the_child_and_the_next_one_works() -> None:
    reader = ReaderProcess()
    try:
        await reader.understand("add milk", now=NOW, expecting_tasks=False)  # started
        child = reader._child
        assert child is not None
        reading = asyncio.ensure_future(reader.understand(LONG, now=NOW, expecting_tasks=False))
        await asyncio.sleep(0)
        reading.cancel()
        with pytest.raises(asyncio.CancelledError):
            await reading
        assert child.wait(timeout=5) is not None  # killed, not left reading
        intent = await reader.understand(LONG, now=NOW, expecting_tasks=False)
        assert intent == understand(LONG, now=NOW)
    finally:
        await reader.aclose()


async def test_the_agent_reads_on_the_loop_when_no_reader_process_can_start(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(sys, "executable", "/nonexistent/python")
    reader = ReaderProcess()
    with pytest.raises(ReaderUnavailable):
        await reader.understand(LONG, now=NOW, expecting_tasks=False)
    agent = RulesAgent()
    try:
        intent = await agent.read(turn(LONG))
        assert isinstance(intent, AddTasks)
        assert intent == understand(LONG, now=NOW)
    finally:
        await agent.aclose()


async def test_the_hybrid_backend_and_the_answer_read_a_turn_once() -> None:
    agent = RulesAgent()
    try:
        asked = turn(SLOW)
        assert await agent.confident(asked) == agent.is_confident(asked)
        reader = agent._reader
        await reader.aclose()
        # Read before: the answer does not need the reader process again.
        assert await agent.read(asked) == understand(SLOW, now=NOW)
        assert reader._child is None
    finally:
        await agent.aclose()
