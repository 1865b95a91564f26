"""Events API through the real AsyncApp over HTTP: mentions, threads, DMs, dedup, signatures."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from adapters.slack.simulation import payloads
from adapters.slack.simulation.fake_slack import TEAM
from bot.identity import UserRef
from bot.tasks import TaskQuery
from tests.e2e.slack.conftest import SlackHarness

pytestmark = pytest.mark.e2e


async def open_titles(slack: SlackHarness, user: str) -> list[str]:
    """The titles of ``user``'s open tasks, read from the storage."""
    found = await slack.storage.users.find_user(ref=UserRef("slack", TEAM, user))
    if found is None:
        return []
    tasks = await slack.storage.tasks.list_tasks(
        user_id=found.id, query=TaskQuery(), now=datetime.now(UTC), tz=ZoneInfo("UTC")
    )
    return [t.title for t in tasks]


async def test_mention_is_answered_in_its_thread_with_buttons(slack: SlackHarness) -> None:
    answer = await slack.event(payloads.mention("<@UBOT> add buy milk", ts="100.000001"))
    assert answer.status == 200

    [post] = await slack.fake.wait_for("chat.postMessage")
    assert post.args["channel"] == "C1"
    assert post.args["thread_ts"] == "100.000001"
    assert "Added #1 buy milk" in post.args["text"]
    assert slack.agent.turns[0].text == "add buy milk"  # our own mention is not part of it
    buttons = [e for b in post.args["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert {(b["action_id"], b["value"]) for b in buttons} == {
        ("todo_complete", "U1:1"),
        ("todo_delete", "U1:1"),
    }
    assert await open_titles(slack, "U1") == ["buy milk"]


async def test_thread_follow_up_needs_no_mention_and_each_person_acts_for_themselves(
    slack: SlackHarness,
) -> None:
    await slack.event(payloads.mention("<@UBOT> add buy milk", ts="100.000001"))
    await slack.fake.wait_for("chat.postMessage")

    follow_up = payloads.message(
        "add call the bank", user="U2", ts="100.000005", thread_ts="100.000001"
    )
    await slack.event(follow_up)
    posts = await slack.fake.wait_for("chat.postMessage", 2)

    assert posts[1].args["thread_ts"] == "100.000001"
    assert "Added #1 call the bank" in posts[1].args["text"]
    assert await open_titles(slack, "U1") == ["buy milk"]
    assert await open_titles(slack, "U2") == ["call the bank"]
    # The second turn saw the first one: same conversation.
    assert len(slack.agent.turns[1].history) == 2


async def test_threads_the_bot_is_not_in_and_top_level_chatter_are_left_alone(
    slack: SlackHarness,
) -> None:
    await slack.event(payloads.message("add lunch", ts="300.1", thread_ts="200.1"))
    await slack.event(payloads.message("add lunch", ts="300.2"))
    # The message event that accompanies a mention is answered once, via app_mention.
    await slack.event(payloads.message("<@UBOT> add tea", ts="300.3"))
    await slack.event(payloads.mention("<@UBOT> add tea", ts="300.3"))
    await slack.settle()

    assert len(slack.fake.called("chat.postMessage")) == 1
    assert [t.text for t in slack.agent.turns] == ["add tea"]


async def test_dm_top_level_shares_one_conversation_and_threads_get_their_own(
    slack: SlackHarness,
) -> None:
    await slack.event(payloads.message("hello", channel="D1", channel_type="im", ts="10.1"))
    await slack.fake.wait_for("chat.postMessage")
    await slack.event(payloads.message("again", channel="D1", channel_type="im", ts="10.2"))
    await slack.event(
        payloads.message(
            "in a thread", channel="D1", channel_type="im", ts="10.4", thread_ts="10.3"
        )
    )
    posts = await slack.fake.wait_for("chat.postMessage", 3)
    await slack.settle()

    by_text = {p.args["text"].split(" (")[0]: p for p in posts}
    assert by_text["You said: hello"].args.get("thread_ts") is None
    assert by_text["You said: again"].args.get("thread_ts") is None
    assert by_text["You said: in a thread"].args["thread_ts"] == "10.3"
    history = {t.text: len(t.history) for t in slack.agent.turns}
    assert history == {"hello": 0, "again": 2, "in a thread": 0}


async def test_redelivered_event_gives_one_reply_and_one_task(slack: SlackHarness) -> None:
    event = payloads.mention("<@UBOT> add renew passport", ts="400.1")
    await slack.event(event, event_id="EvSAME")
    await slack.fake.wait_for("chat.postMessage")
    retry = await slack.event(
        event,
        event_id="EvSAME",
        headers={"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"},
    )
    assert retry.status == 200
    await slack.settle()

    assert len(slack.fake.called("chat.postMessage")) == 1
    assert len(slack.agent.turns) == 1
    assert await open_titles(slack, "U1") == ["renew passport"]


@pytest.mark.parametrize(
    "headers",
    [
        pytest.param({"X-Slack-Signature": "v0=" + "0" * 64}, id="wrong-signature"),
        pytest.param(payloads.sign("{}", secret="not-the-secret"), id="other-secret"),
        pytest.param({"X-Slack-Signature": "", "X-Slack-Request-Timestamp": ""}, id="empty"),
        pytest.param({"X-Slack-Request-Timestamp": "soon"}, id="garbage-timestamp"),
        pytest.param({}, id="unsigned"),
    ],
)
async def test_bad_signatures_are_refused(slack: SlackHarness, headers: dict[str, str]) -> None:
    body = json.dumps(payloads.event_body(payloads.mention("<@UBOT> add x")))
    if headers and "X-Slack-Request-Timestamp" not in headers:
        headers = {**headers, "X-Slack-Request-Timestamp": str(int(time.time()))}
    answer = await slack.post(body, content_type="application/json", headers=headers, signed=False)
    await slack.settle()

    assert answer.status == 401
    assert slack.agent.turns == []
    assert slack.fake.called("chat.postMessage") == []


async def test_stale_signature_is_refused(slack: SlackHarness) -> None:
    body = json.dumps(payloads.event_body(payloads.mention("<@UBOT> add x")))
    ten_minutes_ago = int(time.time()) - 600
    answer = await slack.post(
        body,
        content_type="application/json",
        headers=payloads.sign(body, timestamp=ten_minutes_ago),
    )
    await slack.settle()

    assert answer.status == 401
    assert slack.agent.turns == []
    assert slack.fake.called("chat.postMessage") == []


@pytest.mark.parametrize(
    "event",
    [
        pytest.param(
            payloads.bot_message("add spam", channel="D1", channel_type="im"), id="other-bot"
        ),
        pytest.param(
            payloads.own_message("add echo", channel="D1", channel_type="im"), id="own-message"
        ),
        pytest.param(
            payloads.message("x", channel="D1", channel_type="im", subtype="message_changed"),
            id="edit",
        ),
        pytest.param(
            payloads.message("x", channel="D1", channel_type="im", subtype="message_deleted"),
            id="deletion",
        ),
        pytest.param(
            payloads.mention("<@UBOT> add loop", user="U9") | {"bot_id": "B9"}, id="bot-mention"
        ),
    ],
)
async def test_bots_edits_and_deletions_are_ignored(slack: SlackHarness, event: dict) -> None:  # type: ignore[type-arg]
    answer = await slack.event(event)
    await slack.settle()

    assert answer.status == 200
    assert slack.agent.turns == []
    assert slack.fake.called("chat.postMessage") == []


async def test_url_verification_challenge_is_answered(slack: SlackHarness) -> None:
    body = json.dumps({"token": "legacy", "challenge": "c-123", "type": "url_verification"})
    answer = await slack.post(body, content_type="application/json")

    assert answer.status == 200
    assert "c-123" in answer.text


async def test_probes_and_metrics_are_served_on_the_events_port(slack: SlackHarness) -> None:
    await slack.event(payloads.mention("<@UBOT> add buy milk", ts="990.1"))
    await slack.fake.wait_for("chat.postMessage")
    await slack.settle()
    async with slack.session.get(f"{slack.base}/readyz") as ready:
        assert ready.status == 200
        assert (await ready.json())["checks"] == {"slack": True}
    async with slack.session.get(f"{slack.base}/metrics") as metrics:
        lines = (await metrics.text()).splitlines()
    assert 'todobot_turns_total{outcome="answered",platform="slack"} 1.0' in lines
