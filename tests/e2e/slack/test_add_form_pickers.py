"""The Add-task form's date and time pickers: read in the person's timezone through the one
date reader; a picked date with typed text too is a field error, never a lost task. The real
slack-bolt app against the fake Slack, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from adapters.slack.simulation import payloads
from adapters.slack.simulation.fake_slack import TEAM
from bot.identity import UserRef
from bot.tasks import TaskQuery
from storage.sql import SqlStorage
from tests.conftest import migrated_storage
from tests.e2e.slack.conftest import SlackHarness

pytestmark = pytest.mark.e2e

ME = UserRef("slack", TEAM, "U1")
ZONE = "America/New_York"


@pytest.fixture
async def storage(database_url: str) -> AsyncIterator[SqlStorage]:
    async with migrated_storage(database_url) as store:
        yield store


async def _form(slack: SlackHarness) -> dict[str, Any]:
    await slack.chat.act(author=ME, tool="set_timezone", arguments={"timezone": ZONE})
    await slack.interact(
        payloads.block_action("todo_home_add", "", container={"type": "view", "view_id": "V"})
    )
    [opened] = await slack.fake.wait_for("views.open")
    return dict(opened.args["view"])


async def _submit(slack: SlackHarness, view: dict[str, Any], **values: Any) -> Any:
    answer = await slack.interact(
        payloads.view_submission(view, payloads.modal_values(title="t", **values))
    )
    assert answer.status == 200
    await slack.settle()
    return answer.json()


async def _dues(slack: SlackHarness) -> list[str | None]:
    user = await slack.storage.users.find_user(ref=ME)
    assert user is not None
    zone = ZoneInfo(ZONE)
    found = await slack.storage.tasks.list_tasks(
        user_id=user.id,
        query=TaskQuery(status="all", order="number"),
        now=datetime.now(UTC),
        tz=zone,
    )
    return [task.due.export(zone) if task.due else None for task in found]


async def test_the_form_has_both_pickers_and_says_how_they_combine(slack: SlackHarness) -> None:
    view = await _form(slack)
    blocks = {b["block_id"]: b for b in view["blocks"]}
    assert blocks["due_date"]["element"]["type"] == "datepicker"
    assert blocks["due_time"]["element"]["type"] == "timepicker"
    assert blocks["due_date"]["optional"] and blocks["due_time"]["optional"]
    assert "picked date" in blocks["due"]["hint"]["text"]


async def test_picked_date_and_time_are_read_in_the_persons_zone(slack: SlackHarness) -> None:
    view = await _form(slack)
    assert await _submit(slack, view, due_date="2031-02-01", due_time="17:00") is None
    assert await _submit(slack, view, due_date="2031-02-02") is None
    # A time picked alone goes with the typed day; the picked time wins over a typed one.
    assert await _submit(slack, view, due="2031-02-03 8am", due_time="09:30") is None
    assert await _dues(slack) == [
        "2031-02-01T17:00-05:00",
        "2031-02-02",
        "2031-02-03T09:30-05:00",
    ]


async def test_bad_combinations_are_field_errors_and_add_nothing(slack: SlackHarness) -> None:
    view = await _form(slack)
    both = await _submit(slack, view, due="friday", due_date="2031-02-01")
    assert both["response_action"] == "errors" and set(both["errors"]) == {"due"}
    unreadable = await _submit(slack, view, due="the twelfth of never", due_time="09:00")
    assert unreadable["response_action"] == "errors" and set(unreadable["errors"]) == {"due"}
    assert "twelfth of never" in unreadable["errors"]["due"]
    # Anything but Slack's own shapes is not taken as a pick.
    forged = await _submit(slack, view, due_date="next year", due_time="25 o'clock")
    assert forged is None
    assert await _dues(slack) == [None]
