"""Buttons, App Home, the Add-task modal and the "Add as todo" shortcut, end to end."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest

from adapters.slack.simulation import payloads
from adapters.slack.simulation.fake_slack import TEAM
from bot.identity import UserRef
from tests.e2e.slack.conftest import SlackHarness
from tests.e2e.slack.test_events import open_titles

pytestmark = pytest.mark.e2e


async def posted_list(slack: SlackHarness, text: str = "<@UBOT> add buy milk; call mom") -> Any:
    """Mention the bot so it answers with buttons; the posted message as Slack would store it."""
    await slack.event(payloads.mention(text, ts="500.1"))
    [post] = await slack.fake.wait_for("chat.postMessage")
    await slack.settle()
    return {
        "type": "message",
        "ts": "1700000000.000001",
        "text": post.args["text"],
        "blocks": post.args["blocks"],
        "thread_ts": "500.1",
        "user": "UBOT",
    }


def in_channel(message: Any) -> dict[str, Any]:
    return {
        "type": "message",
        "message_ts": message["ts"],
        "channel_id": "C1",
        "is_ephemeral": False,
    }


def last_home(slack: SlackHarness, user: str = "U1") -> list[dict[str, Any]]:
    views = [c for c in slack.fake.called("views.publish") if c.args["user_id"] == user]
    assert views, "no Home tab was published"
    return views[-1].args["view"]["blocks"]


def home_rows(blocks: list[dict[str, Any]]) -> list[str]:
    return [b["text"]["text"] for b in blocks if str(b.get("block_id", "")).startswith("task:")]


async def test_complete_button_completes_the_clickers_task_and_updates_the_message(
    slack: SlackHarness,
) -> None:
    message = await posted_list(slack)
    click = payloads.block_action(
        "todo_complete",
        "U1:1",
        container=in_channel(message),
        message=message,
        response_url=slack.fake.response_url("btn"),
    )
    answer = await slack.interact(click)
    assert answer.status == 200
    [update] = await slack.fake.wait_for("chat.update")
    await slack.settle()

    assert update.args["channel"] == "C1" and update.args["ts"] == message["ts"]
    settled = {b.get("block_id"): b for b in update.args["blocks"]}
    assert settled["task:1"]["type"] == "context"
    assert "~#1 buy milk~" in settled["task:1"]["elements"][0]["text"]
    assert settled["task:2"]["type"] == "actions"  # the other task keeps its buttons
    assert await open_titles(slack, "U1") == ["call mom"]
    assert home_rows(last_home(slack)) == ["*#2* call mom"]  # Home refreshed after the change


async def test_someone_elses_click_changes_nothing(slack: SlackHarness) -> None:
    message = await posted_list(slack)
    await slack.chat.act(
        author=UserRef("slack", TEAM, "U2"),
        tool="add_task",
        arguments={"title": "U2's own first task"},
    )
    click = payloads.block_action(
        "todo_complete",
        "U1:1",
        user="U2",
        container=in_channel(message),
        message=message,
        response_url=slack.fake.response_url("btn"),
    )
    await slack.interact(click)
    [whisper] = await slack.fake.wait_for("chat.postEphemeral")
    await slack.settle()

    assert whisper.args["user"] == "U2" and whisper.args["thread_ts"] == "500.1"
    assert "<@U1>" in whisper.args["text"]
    assert await open_titles(slack, "U1") == ["buy milk", "call mom"]
    assert await open_titles(slack, "U2") == ["U2's own first task"]
    assert slack.fake.called("chat.update") == []


async def test_delete_button_deletes(slack: SlackHarness) -> None:
    message = await posted_list(slack)
    click = payloads.block_action(
        "todo_delete", "U1:2", container=in_channel(message), message=message
    )
    await slack.interact(click)
    [update] = await slack.fake.wait_for("chat.update")

    line = {b.get("block_id"): b for b in update.args["blocks"]}["task:2"]
    assert "deleted" in line["elements"][0]["text"]
    assert await open_titles(slack, "U1") == ["buy milk"]


async def test_button_on_a_task_already_gone_tells_only_the_clicker(slack: SlackHarness) -> None:
    message = await posted_list(slack)
    for _ in range(2):
        click = payloads.block_action(
            "todo_delete", "U1:2", container=in_channel(message), message=message
        )
        await slack.interact(click)
        await slack.settle()

    [whisper] = slack.fake.called("chat.postEphemeral")
    assert whisper.args["user"] == "U1"
    assert "#2" in whisper.args["text"]
    assert len(slack.fake.called("chat.update")) == 1


async def test_home_tab_lists_open_tasks_soonest_due_first(slack: SlackHarness) -> None:
    me = UserRef("slack", TEAM, "U1")
    for title, due in [("later", "2031-03-01"), ("no date", None), ("sooner", "2031-01-15")]:
        arguments = {"title": title} | ({"due": due} if due else {})
        await slack.chat.act(author=me, tool="add_task", arguments=arguments)
    await slack.chat.act(author=me, tool="complete_task", arguments={"number": 1})
    await slack.settle()
    before = len(slack.fake.called("views.publish"))

    event = {
        "type": "app_home_opened",
        "user": "U1",
        "channel": "D1",
        "tab": "home",
        "event_ts": "1.1",
    }
    await slack.event(event)
    await slack.fake.wait_for("views.publish", before + 1)
    await slack.settle()

    blocks = last_home(slack)
    assert home_rows(blocks) == ["*#3* sooner · due Wed 15 Jan 2031", "*#2* no date"]
    buttons = [b["accessory"] for b in blocks if str(b.get("block_id", "")).startswith("task:")]
    assert [(b["action_id"], b["value"]) for b in buttons] == [
        ("todo_complete", "U1:3"),
        ("todo_complete", "U1:2"),
    ]
    add = [
        b["accessory"] for b in blocks if b.get("accessory", {}).get("action_id") == "todo_home_add"
    ]
    assert add, "the Add task button is missing"


async def test_home_complete_button_refreshes_the_home_tab(slack: SlackHarness) -> None:
    me = UserRef("slack", TEAM, "U1")
    await slack.chat.act(author=me, tool="add_task", arguments={"title": "water plants"})
    await slack.settle()
    click = payloads.block_action(
        "todo_complete", "U1:1", container={"type": "view", "view_id": "VHOME"}
    )
    await slack.interact(click)
    await slack.settle()

    assert home_rows(last_home(slack)) == []
    assert await open_titles(slack, "U1") == []


async def test_modal_shows_validation_errors_and_then_adds_the_task(slack: SlackHarness) -> None:
    await slack.interact(
        payloads.block_action("todo_home_add", "", container={"type": "view", "view_id": "VHOME"})
    )
    [opened] = await slack.fake.wait_for("views.open")
    view = opened.args["view"]
    assert view["callback_id"] == "todo_add"

    bad_date = payloads.view_submission(
        view, payloads.modal_values(title="Pay rent", due="the day after never")
    )
    answer = await slack.interact(bad_date)
    assert answer.status == 200
    assert answer.json()["response_action"] == "errors"
    assert set(answer.json()["errors"]) == {"due"}
    assert "the day after never" in answer.json()["errors"]["due"]

    blank = payloads.view_submission(view, payloads.modal_values(title="   "))
    assert set((await slack.interact(blank)).json()["errors"]) == {"title"}
    assert await open_titles(slack, "U1") == []

    good = payloads.view_submission(
        view,
        payloads.modal_values(
            title="Pay rent", due="2031-02-01", priority="high", notes="landlord's new IBAN"
        ),
    )
    answer = await slack.interact(good)
    assert answer.status == 200 and not answer.text  # an empty ack closes the modal
    await slack.settle()

    assert await open_titles(slack, "U1") == ["Pay rent"]
    assert home_rows(last_home(slack)) == ["*#1* Pay rent · due Sat 1 Feb 2031 · high priority"]


async def test_add_as_todo_shortcut_links_back_to_the_message(slack: SlackHarness) -> None:
    original = {
        "type": "message",
        "user": "U5",
        "ts": "600.000100",
        "text": "Can someone &lt;review&gt; the <https://example.com/pr/7|PR>?\nThanks!",
    }
    await slack.interact(
        payloads.message_shortcut(original, response_url=slack.fake.response_url("sc"))
    )
    [opened] = await slack.fake.wait_for("views.open")
    [link] = slack.fake.called("chat.getPermalink")
    assert link.args == {"channel": "C1", "message_ts": "600.000100"}

    view = opened.args["view"]
    inputs = {b["block_id"]: b["element"] for b in view["blocks"]}
    assert (
        inputs["title"]["initial_value"]
        == "Can someone <review> the PR (https://example.com/pr/7)?"
    )
    submit = payloads.view_submission(
        view,
        payloads.modal_values(
            title=inputs["title"]["initial_value"], notes=inputs["notes"]["initial_value"]
        ),
    )
    assert (await slack.interact(submit)).status == 200
    await slack.settle()

    found = await slack.storage.users.find_user(ref=UserRef("slack", TEAM, "U1"))
    assert found is not None
    task = await slack.storage.tasks.get_task(user_id=found.id, number=1)
    assert task.description.endswith("From Slack: https://test.slack.com/archives/C1/p600000100")
    assert "Thanks!" in task.description
    assert json.loads(view["private_metadata"])["source"].startswith("https://test.slack.com/")


async def test_button_on_an_ephemeral_list_answers_through_response_url(
    slack: SlackHarness,
) -> None:
    await slack.command("add water plants", response="list")
    [listing] = await slack.fake.wait_for("response:list")
    [row] = [b for b in listing.args["blocks"] if b["type"] == "actions"]
    value = row["elements"][0]["value"]
    ephemeral = {"type": "message", "message_ts": "1.1", "channel_id": "C1", "is_ephemeral": True}
    click = payloads.block_action(
        "todo_complete", value, container=ephemeral, response_url=slack.fake.response_url("eph")
    )
    await slack.interact(click)
    [answer] = await slack.fake.wait_for("response:eph")
    await slack.settle()

    assert answer.args["response_type"] == "ephemeral"
    assert "~#1 water plants~" in answer.args["text"]
    assert slack.fake.called("chat.update") == []
    assert await open_titles(slack, "U1") == []


async def test_home_refreshes_coalesce_and_end_on_the_latest_state(slack: SlackHarness) -> None:
    me = UserRef("slack", TEAM, "U1")
    slack.fake.delays["views.publish"] = 0.3  # changes arrive while a publish is under way
    await asyncio.gather(
        *(
            slack.chat.act(author=me, tool="add_task", arguments={"title": f"task {n}"})
            for n in range(1, 9)
        )
    )
    await slack.settle()

    assert len(home_rows(last_home(slack))) == 8
    assert len(slack.fake.called("views.publish")) <= 3


async def test_the_add_form_is_acknowledged_in_time_when_users_info_is_rate_limited(
    slack: SlackHarness,
) -> None:
    await slack.interact(
        payloads.block_action("todo_home_add", "", container={"type": "view", "view_id": "VHOME"})
    )
    [opened] = await slack.fake.wait_for("views.open")
    # users.info answers only when the test lets it (a rate limit longer than Slack's three
    # seconds): an acknowledgement that waited for it would never come.
    slack.fake.gates["users.info"] = gate = asyncio.Event()
    slack.fake.fail_next("users.info", 429, retry_after=4)
    submitted = payloads.view_submission(
        opened.args["view"], payloads.modal_values(title="Pay rent")
    )
    answer = await asyncio.wait_for(slack.interact(submitted), 60)
    assert answer.status == 200
    assert await open_titles(slack, "U1") == ["Pay rent"]
    gate.set()
    await slack.settle()


async def test_a_failing_button_ends_in_one_log_line_and_a_private_apology(
    slack: SlackHarness, caplog: pytest.LogCaptureFixture
) -> None:
    # The app's one error handler (Bolt's app.error), not the listener, turns it into words.
    message = await posted_list(slack)
    slack.fake.fail_next("chat.update", 200, error="cant_update_message")
    click = payloads.block_action(
        "todo_complete", "U1:1", container=in_channel(message), message=message
    )
    await slack.interact(click)
    [apology] = await slack.fake.wait_for("chat.postEphemeral")
    await slack.settle()

    assert apology.args["user"] == "U1" and apology.args["text"].startswith("Sorry")
    failures = [r for r in caplog.records if r.name == "adapters.slack.failures"]
    assert [r.getMessage() for r in failures] == ["slack block_actions by U1 failed"]
    assert failures[0].exc_info is not None
    assert await open_titles(slack, "U1") == ["call mom"]  # the change itself stands
