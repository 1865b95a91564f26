"""Failures end in an apology and a log line; Slack's limits and rate limits are respected."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from zoneinfo import ZoneInfo

import pytest

from adapters.slack import views
from adapters.slack.simulation import payloads
from adapters.slack.simulation.fake_slack import FakeSlack
from bot.chat import ChatService
from bot.texts import storage_apology
from storage.sql import open_sql_storage
from tests.e2e.slack.conftest import (
    SlackHarness,
    serving,
)
from tests.e2e.slack.scripted_agent import ScriptedAgent

pytestmark = pytest.mark.e2e


async def test_rate_limited_post_is_retried_after_retry_after(slack: SlackHarness) -> None:
    slack.fake.fail_next("chat.postMessage", 429, retry_after=1)
    await slack.event(payloads.mention("<@UBOT> add buy milk", ts="800.1"))
    first, second = await slack.fake.wait_for("chat.postMessage", 2)
    await slack.settle()

    assert second.at - first.at >= 1.0  # waited as Slack asked
    assert second.args["text"] == first.args["text"] == "Added #1 buy milk"
    assert len(slack.fake.called("chat.postMessage")) == 2
    assert len(slack.agent.turns) == 1  # the retry re-sends the answer, not the turn


async def test_a_rate_limit_longer_than_we_wait_ends_in_an_apology(
    slack: SlackHarness, caplog: pytest.LogCaptureFixture
) -> None:
    # Waiting as asked would take an hour: the apology coming at all shows it did not wait.
    slack.fake.fail_next("chat.postMessage", 429, retry_after=3600)
    await slack.event(payloads.mention("<@UBOT> add buy milk", ts="800.2"))
    _refused, apology = await slack.fake.wait_for("chat.postMessage", 2, within=120)

    assert apology.args["text"].startswith("Sorry")
    assert apology.args["thread_ts"] == "800.2"
    assert "slack reply failed in conversation slack/T1/C1/800.2" in caplog.text


async def test_agent_failure_is_an_apology_in_the_thread_and_a_log_line_with_the_key(
    slack: SlackHarness, caplog: pytest.LogCaptureFixture
) -> None:
    await slack.event(payloads.mention("<@UBOT> boom", ts="810.1"))
    [post] = await slack.fake.wait_for("chat.postMessage")

    assert post.args["thread_ts"] == "810.1"
    assert post.args["text"].startswith("Sorry")
    assert "Traceback" not in post.args["text"]
    assert "slack/T1/C1/810.1" in caplog.text
    # What the person wrote is kept: the next turn in the thread sees it.
    await slack.event(payloads.message("hello", ts="810.2", thread_ts="810.1"))
    await slack.fake.wait_for("chat.postMessage", 2)
    assert slack.agent.turns[-1].history[0].content == "boom"


async def test_slack_refusing_the_answer_ends_in_an_apology(
    slack: SlackHarness, caplog: pytest.LogCaptureFixture
) -> None:
    slack.fake.fail_next("chat.postMessage", 200, error="msg_too_long")
    await slack.event(payloads.message("hi", channel="D1", channel_type="im", ts="820.1"))
    _, apology = await slack.fake.wait_for("chat.postMessage", 2)

    assert apology.args["channel"] == "D1" and apology.args["text"].startswith("Sorry")
    assert "slack reply failed in conversation slack/T1/D1/dm" in caplog.text


async def test_long_answers_are_split_within_slack_limits_in_order(slack: SlackHarness) -> None:
    await slack.event(payloads.mention("<@UBOT> long", ts="830.1"))
    await slack.settle()
    posts = slack.fake.called("chat.postMessage")

    assert len(posts) >= 4
    assert all(p.args["thread_ts"] == "830.1" for p in posts)
    sections = [b["text"]["text"] for p in posts for b in p.args["blocks"]]
    assert all(len(s) <= 3000 for s in sections)
    lines = "\n".join(sections).splitlines()
    assert [line.split(":")[0] for line in lines] == [f"line {i}" for i in range(120)]


async def test_output_never_pings_the_channel(slack: SlackHarness) -> None:
    await slack.event(
        payloads.mention(
            "<@UBOT> echo <!channel> look, <!here|@here> and @everyone &amp; **you**", ts="840.1"
        )
    )
    [post] = await slack.fake.wait_for("chat.postMessage")
    text = post.args["text"]

    assert "<!" not in text and "<!" not in str(post.args["blocks"])
    for word in ("@channel", "@here", "@everyone"):
        assert word not in text  # a word joiner keeps them inert
    assert "&amp;" in text and "*you*" in text


async def test_timezone_comes_from_the_profile_and_is_cached(slack: SlackHarness) -> None:
    slack.fake.timezones["U1"] = "Europe/Berlin"
    await slack.event(payloads.message("one", channel="D1", channel_type="im", ts="850.1"))
    await slack.fake.wait_for("chat.postMessage")
    await slack.event(payloads.message("two", channel="D1", channel_type="im", ts="850.2"))
    await slack.fake.wait_for("chat.postMessage", 2)

    assert [t.tz for t in slack.agent.turns] == [ZoneInfo("Europe/Berlin")] * 2
    assert slack.agent.turns[0].user.display_name == "person U1"
    assert len(slack.fake.called("users.info")) == 1


@pytest.fixture
async def down_slack(
    fake_slack: FakeSlack, unreachable_database_url: str
) -> AsyncIterator[SlackHarness]:
    storage = open_sql_storage(unreachable_database_url, connect_timeout=2)
    agent = ScriptedAgent()
    chat = ChatService(storage=storage, agent=agent)
    try:
        async with serving(fake_slack, chat, agent, storage) as harness:
            yield harness
    finally:
        await storage.close()


async def test_database_down_is_an_apology_where_the_person_wrote(
    down_slack: SlackHarness, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    await down_slack.event(payloads.mention("<@UBOT> add buy milk", ts="860.1"))
    [post] = await down_slack.fake.wait_for("chat.postMessage")
    await down_slack.command("add pay rent", response="down")
    [answer] = await down_slack.fake.wait_for("response:down")
    await down_slack.settle()

    assert post.args["thread_ts"] == "860.1" and post.args["text"] == storage_apology()
    assert answer.args["text"] == storage_apology()
    assert down_slack.agent.turns == []
    assert "slack/T1/C1/860.1" in caplog.text
    # A thread reply cannot be checked against the database; it is left alone, and logged.
    await down_slack.event(payloads.message("add tea", ts="860.2", thread_ts="860.1"))
    await down_slack.settle()
    assert len(down_slack.fake.called("chat.postMessage")) == 1
    assert "cannot tell whether I talk in slack/T1/C1/860.1" in caplog.text


async def test_database_down_keeps_the_modal_open_with_the_reason(down_slack: SlackHarness) -> None:
    view = views.add_task_modal()
    submit = payloads.view_submission(view, payloads.modal_values(title="Pay rent"))
    answer = await down_slack.interact(submit)

    assert answer.status == 200
    assert answer.json() == {"response_action": "errors", "errors": {"title": storage_apology()}}
