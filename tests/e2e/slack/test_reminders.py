"""Reminders on Slack, end to end: the real slack-sdk client and bolt app against the fake.

The reminder DM arrives once with its buttons; Snooze and Done act as the clicking person
only; a person Slack will not DM gets it in the thread where it was asked, mentioned alone;
a 429 is waited out as Slack asks.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from adapters.slack.client import build_web_client
from adapters.slack.reminders import SNOOZE_HOUR_ACTION, SlackNotifier
from adapters.slack.simulation import payloads
from adapters.slack.simulation.fake_slack import TEAM, FakeSlack
from bot.chat import utc_now
from bot.identity import ConversationKey
from bot.reminders import ReminderScheduler
from tests.e2e.slack.conftest import BOT_TOKEN, SlackHarness, slack_settings
from tests.e2e.slack.test_events import open_titles

pytestmark = pytest.mark.e2e

THREAD = ConversationKey("slack", TEAM, "C1", "500.1")


async def remind(slack: SlackHarness, user: str, title: str) -> None:
    reply = await slack.chat.act(
        author=payloads_user(user),
        tool="add_task",
        arguments={"title": title, "remind_at": "in 1 minute"},
        place=THREAD,
    )
    assert not reply.is_error, reply.text


def payloads_user(user: str) -> Any:
    from adapters.slack.mapping import user_ref

    return user_ref(TEAM, user)


def scheduler(slack: SlackHarness, fake: FakeSlack) -> ReminderScheduler:
    client = build_web_client(BOT_TOKEN, slack_settings(fake).slack)
    return ReminderScheduler(
        storage=slack.storage, notifiers={"slack": SlackNotifier(client)}, clock=utc_now
    )


def in_dm(channel: str) -> dict[str, Any]:
    return {"type": "message", "message_ts": "1.1", "channel_id": channel, "is_ephemeral": False}


async def test_the_reminder_dm_arrives_once_with_its_buttons(slack: SlackHarness) -> None:
    await remind(slack, "U1", "stretch")
    run = scheduler(slack, slack.fake)
    later = utc_now() + timedelta(minutes=2)
    report = await run.run_once(later)
    assert len(report.sent) == 1
    [opened] = slack.fake.called("conversations.open")
    assert opened.args["users"] == "U1"
    [post] = slack.fake.called("chat.postMessage")
    assert post.args["channel"] == "D1" and "stretch" in post.args["text"]
    rows = [b for b in post.args["blocks"] if b["type"] == "actions"]
    buttons = [e["action_id"] for row in rows for e in row["elements"]]
    assert buttons == ["todo_complete", "todo_snooze_hour", "todo_snooze_tomorrow"]
    assert (await run.run_once(later + timedelta(minutes=1))).sent == []
    assert len(slack.fake.called("chat.postMessage")) == 1


async def test_snooze_acts_for_the_owner_only(slack: SlackHarness) -> None:
    await remind(slack, "U1", "stretch")
    stranger = payloads.block_action(SNOOZE_HOUR_ACTION, "U1:1", user="U2", container=in_dm("D1"))
    assert (await slack.interact(stranger)).status == 200
    [refusal] = await slack.fake.wait_for("chat.postEphemeral")
    assert "someone else" in refusal.args["text"] and refusal.args["user"] == "U2"
    owner = payloads.block_action(SNOOZE_HOUR_ACTION, "U1:1", user="U1", container=in_dm("D1"))
    assert (await slack.interact(owner)).status == 200
    await slack.fake.wait_for("chat.postEphemeral", count=2)
    pending = await slack.storage.reminders.pending(user_id=await user_id(slack, "U1"))
    assert pending[0].remind_at is not None
    assert pending[0].remind_at > utc_now() + timedelta(minutes=55)


async def test_done_on_the_reminder_completes_the_task(slack: SlackHarness) -> None:
    await remind(slack, "U1", "stretch")
    done = payloads.block_action(
        "todo_complete", "U1:1", container=in_dm("D1"), response_url=slack.fake.response_url("r")
    )
    assert (await slack.interact(done)).status == 200
    await slack.settle()
    assert await open_titles(slack, "U1") == []


async def test_closed_dms_fall_back_to_the_thread_mentioning_only_that_person(
    slack: SlackHarness,
) -> None:
    slack.fake.closed_dms.add("U2")
    await remind(slack, "U2", "water plants")
    report = await scheduler(slack, slack.fake).run_once(utc_now() + timedelta(minutes=2))
    assert len(report.sent) == 1
    [post] = slack.fake.called("chat.postMessage")
    assert post.args["channel"] == "C1" and post.args["thread_ts"] == "500.1"
    assert post.args["text"].startswith("<@U2> ")
    assert "<@U1>" not in post.args["text"]


async def test_a_person_who_left_is_recorded_and_not_retried(slack: SlackHarness) -> None:
    slack.fake.gone_users.add("U3")
    await remind(slack, "U3", "gone")
    run = scheduler(slack, slack.fake)
    report = await run.run_once(utc_now() + timedelta(minutes=2))
    assert len(report.failed) == 1
    assert (await run.run_once(utc_now() + timedelta(hours=1))).failed == []
    assert len(slack.fake.called("conversations.open")) == 1


async def test_a_429_is_waited_out_then_delivered_once(slack: SlackHarness) -> None:
    await remind(slack, "U1", "stretch")
    slack.fake.fail_next("chat.postMessage", 429, retry_after=1)
    report = await scheduler(slack, slack.fake).run_once(utc_now() + timedelta(minutes=2))
    assert len(report.sent) == 1
    calls = slack.fake.called("chat.postMessage")
    assert len(calls) == 2  # the limited attempt and the one after Retry-After
    assert calls[1].at - calls[0].at >= 0.9


async def user_id(slack: SlackHarness, user: str) -> int:
    found = await slack.storage.users.find_user(ref=payloads_user(user))
    assert found is not None
    return found.id
