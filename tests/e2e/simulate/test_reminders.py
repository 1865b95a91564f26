"""``wait`` and ``at`` move the simulation's clock; reminders that fall due arrive as DMs."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.simulate.conftest import events_file, simulate

pytestmark = pytest.mark.e2e


def said(call: dict[str, Any]) -> str:
    return json.dumps(call, ensure_ascii=False)


async def test_slack_reminder_dm_arrives_when_the_clock_passes_it(tmp_path: Path) -> None:
    events: list[dict[str, Any] | str] = [
        {
            "type": "mention",
            "user": "U2",
            "channel": "C1",
            "text": "remind me to call mum in 2 hours",
        },
        {"type": "wait", "for": "1h"},
        {"type": "wait", "for": "1h"},
        {"type": "click", "user": "U2", "text": "snooze_hour 1"},
        {"type": "wait", "until": "2026-11-16T12:00:00+00:00"},
        {"type": "wait", "for": "5m"},
    ]
    run = await simulate("slack", events=events_file(tmp_path, events))
    assert run.errors == []
    assert run.of_event(2) == []  # an hour early: nothing yet
    opened, posted = [c for c in run.of_event(3) if c["method"] != "users.info"]
    assert opened == {"event": 3, "method": "conversations.open", "users": "U2"}
    assert posted["method"] == "chat.postMessage" and posted["channel"] == "D2"
    assert "thread_ts" not in posted and "call mum" in posted["text"]
    actions = [e["action_id"] for b in posted["blocks"] for e in b.get("elements", [])]
    assert actions == ["todo_complete", "todo_snooze_hour", "todo_snooze_tomorrow"]
    [snoozed] = [c for c in run.of_event(4) if c["method"] == "chat.postEphemeral"]
    assert "Snoozed #1" in snoozed["text"]
    again = [c for c in run.of_event(5) if c["method"] == "chat.postMessage"]
    assert len(again) == 1 and "call mum" in again[0]["text"]
    assert run.of_event(6) == []  # delivered once


async def test_discord_reminder_dm_arrives_when_the_clock_passes_it(tmp_path: Path) -> None:
    events: list[dict[str, Any] | str] = [
        {"type": "mention", "user": "4242", "text": "remind me to call mum in 2 hours"},
        {"type": "wait", "for": "2h"},
        {"type": "click", "user": "4242", "text": "complete 1"},
        {"type": "wait", "for": "1d"},
    ]
    run = await simulate("discord", events=events_file(tmp_path, events))
    assert run.errors == []
    opened, posted = run.of_event(2)
    assert (opened["path"], opened["json"]) == ("/users/@me/channels", {"recipient_id": 4242})
    assert re.fullmatch(r"/channels/\d+/messages", posted["path"])
    assert "call mum" in posted["json"]["content"]
    assert posted["json"]["allowed_mentions"] == {"parse": []}
    ids = [p["custom_id"] for row in posted["json"]["components"] for p in row["components"]]
    assert ids == ["todo:done:4242:1", "todo:snooze:4242:1:h", "todo:snooze:4242:1:t"]
    assert any("Done" in said(c) for c in run.of_event(3))
    assert run.of_event(4) == []


async def test_typed_wait_shows_the_reminder_as_people_see_it() -> None:
    typed = "as U2 dm: remind me to call mum in 2 hours\nwait 2h"
    run = await simulate("slack", typed=typed, as_json=False)
    assert "⏱  Monday 2026-11-16 11:00 UTC\n  todobot in DM with U2:\n" in run.out
    assert "[Done] [Snooze 1 h] [Tomorrow 9:00]   ← click complete 1" in run.out
