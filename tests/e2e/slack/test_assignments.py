"""Assigning on Slack, end to end: a mention through bolt, the rules agent, the notice DM'd
once to the assignee with Done / Decline, and the giver told of the outcome."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from adapters.slack.assignments import DECLINE_ACTION
from adapters.slack.client import build_web_client
from adapters.slack.mapping import user_ref
from adapters.slack.reminders import SlackNotifier
from adapters.slack.simulation import payloads
from adapters.slack.simulation.fake_slack import TEAM, dm_channel
from bot.agents.rules import RulesAgent
from bot.chat import utc_now
from bot.reminders import ReminderScheduler
from bot.tasks import TaskQuery
from tests.e2e.slack.conftest import BOT_TOKEN, SlackHarness, slack_settings
from tests.e2e.slack.test_events import open_titles

pytestmark = pytest.mark.e2e


@pytest.fixture
def agent() -> Any:
    return RulesAgent()


def scheduler(slack: SlackHarness) -> ReminderScheduler:
    client = build_web_client(BOT_TOKEN, slack_settings(slack.fake).slack)
    return ReminderScheduler(
        storage=slack.storage, notifiers={"slack": SlackNotifier(client)}, clock=utc_now
    )


def in_dm(channel: str) -> dict[str, Any]:
    return {"type": "message", "message_ts": "1.1", "channel_id": channel, "is_ephemeral": False}


async def assign(slack: SlackHarness, text: str) -> str:
    answer = await slack.event(payloads.mention(f"<@UBOT> {text}", ts="100.000001"))
    assert answer.status == 200
    [post] = await slack.fake.wait_for("chat.postMessage")
    return str(post.args["text"])


async def test_the_assignee_is_told_once_and_the_giver_hears_the_decline(
    slack: SlackHarness,
) -> None:
    reply = await assign(slack, "assign order chairs to <@U2> by friday")
    assert "Assigned to" in reply and "order chairs" in reply
    assert await open_titles(slack, "U2") == ["order chairs"]
    assert await open_titles(slack, "U1") == []

    run = scheduler(slack)
    report = await run.run_once(utc_now())
    assert [(str(n.to), n.kind) for n in report.sent] == [(f"slack:{TEAM}:U2", "assigned")]
    notice = slack.fake.called("chat.postMessage")[-1]
    assert notice.args["channel"] == dm_channel("U2") and "order chairs" in notice.args["text"]
    buttons = [
        e["action_id"]
        for b in notice.args["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
    ]
    assert buttons == ["todo_complete", DECLINE_ACTION]
    assert (await run.run_once(utc_now() + timedelta(minutes=1))).sent == []

    # The giver cannot decline for the assignee; the assignee can.
    by_giver = payloads.block_action(
        DECLINE_ACTION, "U2:1", user="U1", container=in_dm(dm_channel("U2"))
    )
    assert (await slack.interact(by_giver)).status == 200
    await slack.settle()
    assert await open_titles(slack, "U2") == ["order chairs"]
    by_owner = payloads.block_action(
        DECLINE_ACTION, "U2:1", user="U2", container=in_dm(dm_channel("U2"))
    )
    assert (await slack.interact(by_owner)).status == 200
    await slack.settle()
    assert await open_titles(slack, "U2") == []

    report = await run.run_once(utc_now() + timedelta(minutes=2))
    assert [(str(n.to), n.kind) for n in report.sent] == [(f"slack:{TEAM}:U1", "assigned-declined")]
    assert (await run.run_once(utc_now() + timedelta(minutes=3))).sent == []


async def test_a_person_of_another_workspace_cannot_be_reached(slack: SlackHarness) -> None:
    stranger = user_ref("T_OTHER", "U2")
    await slack.storage.users.resolve_user(ref=stranger, display_name="U2", timezone="UTC")
    await assign(slack, "assign order chairs to <@U2>")
    found = await slack.storage.users.find_user(ref=stranger)
    assert found is not None
    tasks = await slack.storage.tasks.list_tasks(
        user_id=found.id, query=TaskQuery(status="all"), now=utc_now(), tz=ZoneInfo("UTC")
    )
    assert list(tasks) == []
    assert await open_titles(slack, "U2") == ["order chairs"]  # U2 of this workspace


async def test_a_labelled_mention_assigns_to_that_person(slack: SlackHarness) -> None:
    # Slash commands with escaped names, and older clients, send <@U2|bob>: the id counts.
    reply = await assign(slack, "assign order chairs to <@U2|bob smith> by friday")
    assert "Assigned to" in reply and "order chairs" in reply
    assert await open_titles(slack, "U2") == ["order chairs"]
    assert await open_titles(slack, "U1") == []
    report = await scheduler(slack).run_once(utc_now())
    assert [(str(n.to), n.kind) for n in report.sent] == [(f"slack:{TEAM}:U2", "assigned")]
    assert len(slack.fake.called("chat.postMessage")) == 2  # the reply, then the notice once


async def test_a_labelled_mention_in_a_command_assigns_too(slack: SlackHarness) -> None:
    answer = await slack.command("<@U3|carol> can you book the room")
    assert answer.status == 200
    await slack.settle()
    assert await open_titles(slack, "U3") == ["book the room"]
    assert await open_titles(slack, "U1") == []
