"""``/todo`` through the real AsyncApp: acknowledged at once, answered at ``response_url``."""

from __future__ import annotations

import asyncio

import pytest

from tests.e2e.slack.conftest import SlackHarness

pytestmark = pytest.mark.e2e


async def test_command_is_acked_while_the_agent_is_still_thinking(slack: SlackHarness) -> None:
    # Slack gives up after 3 s: the acknowledgement must not wait for the agent. The agent
    # here waits until the test lets it go, so an acknowledgement that waited would never come.
    slack.agent.gate = asyncio.Event()
    answer = await asyncio.wait_for(slack.command("slow think hard", response="slow"), 60)

    assert answer.status == 200
    assert slack.fake.responses.get("slow") is None

    slack.agent.gate.set()
    [call] = await slack.fake.wait_for("response:slow")
    assert call.args["response_type"] == "ephemeral"
    assert call.args["text"] == "Finally: think hard"


async def test_command_text_goes_through_the_agent_and_shows_buttons(slack: SlackHarness) -> None:
    await slack.command("add water plants; pay rent", response="add")
    [call] = await slack.fake.wait_for("response:add")

    assert call.args["response_type"] == "ephemeral"
    assert "Added #1 water plants" in call.args["text"]
    values = [
        e["value"]
        for b in call.args["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
        if e["action_id"] == "todo_complete"
    ]
    assert values == ["U1:1", "U1:2"]


async def test_empty_command_shows_the_open_list_and_a_line_of_help(slack: SlackHarness) -> None:
    await slack.command("add water plants; pay rent", response="add")
    await slack.fake.wait_for("response:add")
    await slack.command("", response="list")
    [call] = await slack.fake.wait_for("response:list")

    text = call.args["text"]
    assert "*#1* water plants" in text and "*#2* pay rent" in text
    assert "/todo" in text.splitlines()[-1]  # the one-line help
    assert len(slack.agent.turns) == 1  # listing needs no agent


async def test_empty_command_with_nothing_open_says_so(slack: SlackHarness) -> None:
    await slack.command("   ", response="empty", user="U7")
    [call] = await slack.fake.wait_for("response:empty")

    assert call.args["text"].startswith("You have no open tasks.")
    assert "blocks" in call.args and not [b for b in call.args["blocks"] if b["type"] == "actions"]


async def test_commands_of_two_people_in_one_channel_do_not_share_history(
    slack: SlackHarness,
) -> None:
    await slack.command("hello", response="a", user="U1")
    await slack.fake.wait_for("response:a")
    await slack.command("hello", response="b", user="U2")
    await slack.fake.wait_for("response:b")

    assert [len(t.history) for t in slack.agent.turns] == [0, 0]
