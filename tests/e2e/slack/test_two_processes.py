"""Two HTTP-mode processes behind a load balancer, sharing one database (SQLite and PostgreSQL):
a retry that lands on the other process is still a no-op, and threads carry over."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

import pytest

from adapters.slack.simulation import payloads
from adapters.slack.simulation.fake_slack import FakeSlack
from bot.chat import ChatService
from storage import migrate
from storage.sql import open_sql_storage
from tests.e2e.slack.conftest import (
    SlackHarness,
    serving,
)
from tests.e2e.slack.scripted_agent import ScriptedAgent

pytestmark = pytest.mark.e2e


@contextlib.asynccontextmanager
async def process(fake: FakeSlack, url: str) -> AsyncIterator[SlackHarness]:
    storage = open_sql_storage(url)
    agent = ScriptedAgent()
    chat = ChatService(storage=storage, agent=agent)
    try:
        async with serving(fake, chat, agent, storage) as harness:
            yield harness
    finally:
        await storage.close()


async def test_retry_on_another_process_is_a_no_op_and_threads_carry_over(
    fake_slack: FakeSlack, database_url: str
) -> None:
    setup = open_sql_storage(database_url)
    await migrate.upgrade(setup.engine)
    await setup.close()

    async with process(fake_slack, database_url) as a, process(fake_slack, database_url) as b:
        event = payloads.mention("<@UBOT> add renew passport", ts="900.1")
        await a.event(event, event_id="EvTWICE")
        await fake_slack.wait_for("chat.postMessage")
        retry = await b.event(event, event_id="EvTWICE", headers={"X-Slack-Retry-Num": "1"})
        assert retry.status == 200
        await b.settle()
        assert len(fake_slack.called("chat.postMessage")) == 1
        assert b.agent.turns == []

        # The thread started on process A continues on process B, without a mention.
        await b.event(payloads.message("add book flights", ts="900.2", thread_ts="900.1"))
        posts = await fake_slack.wait_for("chat.postMessage", 2)
        assert posts[1].args["thread_ts"] == "900.1"
        assert posts[1].args["text"] == "Added #2 book flights"
        assert len(b.agent.turns[0].history) == 2
