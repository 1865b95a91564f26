"""App Home's Open | Completed switch, its pages and Reopen buttons: the real slack-bolt app
against the fake Slack (``views.publish`` recorded), on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from adapters.slack.simulation import payloads
from adapters.slack.simulation.fake_slack import TEAM
from bot.identity import UserRef
from storage.sql import SqlStorage
from tests.conftest import migrated_storage
from tests.e2e.slack.conftest import SlackHarness
from tests.e2e.slack.test_events import open_titles

pytestmark = pytest.mark.e2e

HOME = {"type": "view", "view_id": "VHOME"}
ME = UserRef("slack", TEAM, "U1")


@pytest.fixture
async def storage(database_url: str) -> AsyncIterator[SqlStorage]:
    """The Slack harness on SQLite and on PostgreSQL."""
    async with migrated_storage(database_url) as store:
        yield store


def published(slack: SlackHarness, user: str = "U1") -> list[dict[str, Any]]:
    return [c.args["view"] for c in slack.fake.called("views.publish") if c.args["user_id"] == user]


def rows(view: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(line, button action, button value) per task row of a Home view."""
    return [
        (b["text"]["text"], b["accessory"]["action_id"], b["accessory"]["value"])
        for b in view["blocks"]
        if str(b.get("block_id", "")).startswith("task:")
    ]


def block(view: dict[str, Any], block_id: str) -> dict[str, Any] | None:
    return next((b for b in view["blocks"] if b.get("block_id") == block_id), None)


async def click(slack: SlackHarness, action: str, value: str, *, user: str = "U1") -> None:
    await slack.interact(payloads.block_action(action, value, user=user, container=HOME))
    await slack.settle()


async def test_completed_tab_pages_and_reopens(slack: SlackHarness) -> None:
    for n in range(1, 29):
        await slack.chat.act(author=ME, tool="add_task", arguments={"title": f"task {n}"})
    for n in range(1, 27):
        await slack.chat.act(author=ME, tool="complete_task", arguments={"number": n})
    await slack.settle()

    await click(slack, "todo_home_completed", "completed:1")
    view = published(slack)[-1]
    assert view["private_metadata"] == "completed:1"
    first = rows(view)
    # Newest first, 25 to a page, each with Reopen; the Completed switch is the one lit.
    assert [r[0] for r in first[:2]] == ["*#26* task 26", "*#25* task 25"]
    assert len(first) == 25 and {r[1] for r in first} == {"todo_reopen"}
    assert "26 completed tasks" in view["blocks"][1]["text"]["text"]
    switch = block(view, "home:tabs")
    assert switch is not None
    assert [e.get("style") for e in switch["elements"]] == [None, "primary"]
    pager = block(view, "home:pages")
    assert pager is not None
    assert [(e["action_id"], e["value"]) for e in pager["elements"]] == [
        ("todo_home_next", "completed:2")
    ]

    await click(slack, "todo_home_next", "completed:2")
    view = published(slack)[-1]
    assert rows(view) == [("*#1* task 1", "todo_reopen", "U1:1")]

    # Reopening the one task of page 2 empties it: the Home shows the last page there is,
    # still on Completed, and the task is open again.
    await click(slack, "todo_reopen", "U1:1")
    view = published(slack)[-1]
    assert view["private_metadata"] == "completed:1"
    assert len(rows(view)) == 25 and block(view, "home:pages") is None
    assert await open_titles(slack, "U1") == ["task 1", "task 27", "task 28"]

    # A change made elsewhere refreshes the Home on the tab the person is looking at.
    await slack.chat.act(author=ME, tool="complete_task", arguments={"number": 27})
    await slack.settle()
    view = published(slack)[-1]
    assert view["private_metadata"] == "completed:1"
    assert rows(view)[0][0] == "*#27* task 27"

    await click(slack, "todo_home_open", "open:1")
    view = published(slack)[-1]
    assert [(r[1], r[2]) for r in rows(view)] == [
        ("todo_complete", "U1:1"),
        ("todo_complete", "U1:28"),
    ]


async def test_opening_home_keeps_the_tab_the_view_was_left_on(slack: SlackHarness) -> None:
    await slack.chat.act(author=ME, tool="add_task", arguments={"title": "done one"})
    await slack.chat.act(author=ME, tool="complete_task", arguments={"number": 1})
    await slack.settle()
    before = len(published(slack))
    event = {
        "type": "app_home_opened",
        "user": "U1",
        "channel": "D1",
        "tab": "home",
        "event_ts": "1.1",
        "view": {"id": "VHOME", "type": "home", "private_metadata": "completed:1"},
    }
    await slack.event(event)
    await slack.fake.wait_for("views.publish", before + 1)
    await slack.settle()
    assert rows(published(slack)[-1]) == [("*#1* done one", "todo_reopen", "U1:1")]


async def test_someone_elses_reopen_or_tab_click_never_touches_another_home(
    slack: SlackHarness,
) -> None:
    await slack.chat.act(author=ME, tool="add_task", arguments={"title": "mine"})
    await slack.chat.act(author=ME, tool="complete_task", arguments={"number": 1})
    other = UserRef("slack", TEAM, "U2")
    await slack.chat.act(author=other, tool="add_task", arguments={"title": "theirs"})
    await slack.chat.act(author=other, tool="complete_task", arguments={"number": 1})
    await slack.settle()
    mine_before = len(published(slack, "U1"))

    # U2 replays U1's Reopen value: nothing changes; then U2 switches tabs: only U2's Home
    # is published, with U2's tasks.
    await click(slack, "todo_reopen", "U1:1", user="U2")
    assert await open_titles(slack, "U1") == []
    assert await open_titles(slack, "U2") == []
    await click(slack, "todo_home_completed", "completed:1", user="U2")
    assert rows(published(slack, "U2")[-1]) == [("*#1* theirs", "todo_reopen", "U2:1")]
    assert len(published(slack, "U1")) == mine_before

    # Forged tab values are ignored.
    before = len(slack.fake.called("views.publish"))
    await click(slack, "todo_home_completed", "everyone:1", user="U2")
    assert len(slack.fake.called("views.publish")) == before
