"""``todobot simulate slack``: a scripted run of the main paths through the real Bolt app."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from bot.cli.simulate import DEFAULT_START
from tests.e2e.simulate.conftest import Run, events_file, simulate

pytestmark = pytest.mark.e2e

START_TS = f"{int(DEFAULT_START.timestamp())}."

MAIN_PATHS: list[dict[str, Any] | str] = [
    {"type": "mention", "user": "U2", "channel": "C1", "text": "add buy oat milk tomorrow"},
    {"type": "message", "user": "U2", "channel": "C1", "thread": 1, "text": "add call mum friday"},
    {"type": "dm", "user": "U3", "text": "add call the bank friday"},
    {"type": "click", "user": "U2", "text": "complete 1"},
    {"type": "command", "user": "U2", "channel": "C1", "text": "list"},
    {"type": "home", "user": "U3"},
    {"type": "command", "user": "U2", "channel": "C1", "text": ""},
    {"type": "click", "user": "U2", "text": "complete 2"},
]


def said(call: dict[str, Any]) -> str:
    return (str(call.get("text") or "") + json.dumps(call.get("blocks") or [])).lower()


def buttons(call: dict[str, Any]) -> list[tuple[str, str]]:
    found = []
    for block in call.get("blocks") or (call.get("view") or {}).get("blocks") or []:
        for element in [*(block.get("elements") or []), block.get("accessory") or {}]:
            if element.get("type") == "button":
                found.append((element["action_id"], element.get("value", "")))
    return found


def posts(run: Run, number: int, method: str = "chat.postMessage") -> list[dict[str, Any]]:
    return [c for c in run.of_event(number) if c["method"] == method]


async def test_main_paths_through_the_real_adapter(tmp_path: Path) -> None:
    run = await simulate("slack", events=events_file(tmp_path, MAIN_PATHS))
    assert run.status == 0, run.out
    assert run.errors == []

    # 1. A mention is answered once (Slack also sends it as a message event), in its thread.
    [answer] = posts(run, 1)
    assert answer["channel"] == "C1"
    assert answer["thread_ts"].startswith(START_TS)
    assert "oat milk" in said(answer)
    assert ("todo_complete", "U2:1") in buttons(answer)
    thread = answer["thread_ts"]

    # 2. A follow-up in that thread without a mention is answered in the same thread.
    [follow_up] = posts(run, 2)
    assert (follow_up["channel"], follow_up["thread_ts"]) == ("C1", thread)
    assert "call mum" in said(follow_up)

    # 3. A DM is answered at top level of the DM channel, and is U3's own list.
    [dm] = posts(run, 3)
    assert dm["channel"].startswith("D") and "thread_ts" not in dm
    assert "call the bank" in said(dm) and "#1" in said(dm)

    # 4. Complete on the thread answer settles that message in place; Home follows.
    [update] = posts(run, 4, "chat.update")
    assert (update["channel"], update["ts"]) == ("C1", answer["ts"])
    assert ("todo_complete", "U2:1") not in buttons(update)
    assert "done" in said(update)
    [home] = posts(run, 4, "views.publish")
    assert home["user_id"] == "U2" and "oat milk" not in json.dumps(home["view"])

    # 5. /todo <text> answers privately through response_url.
    [listed] = posts(run, 5, "response_url")
    assert (listed["channel"], listed["user"], listed["response_type"]) == ("C1", "U2", "ephemeral")
    assert "call mum" in said(listed) and "oat milk" not in said(listed)

    # 6. Opening App Home publishes that person's list.
    [home] = posts(run, 6, "views.publish")
    assert home["user_id"] == "U3"
    assert "call the bank" in json.dumps(home["view"])
    assert ("todo_complete", "U3:1") in buttons(home)

    # 7. /todo alone lists the open tasks with buttons, privately.
    [opened] = posts(run, 7, "response_url")
    assert buttons(opened) == [("todo_complete", "U2:2"), ("todo_delete", "U2:2")]

    # 8. Its button works on the ephemeral message: the answer goes back by response_url.
    answers = posts(run, 8, "response_url")
    assert answers and "#2" in said(answers[-1]) and "call mum" in said(answers[-1])


async def test_the_same_events_give_the_same_output(tmp_path: Path) -> None:
    path = events_file(tmp_path, MAIN_PATHS)
    first = await simulate("slack", events=path)
    second = await simulate("slack", events=path)
    assert first.out == second.out
    assert len(first.calls) > 10


async def test_real_payloads_are_delivered_as_they_are(tmp_path: Path) -> None:
    envelope = {
        "type": "event_callback",
        "team_id": "T1",
        "api_app_id": "A1",
        "event": {
            "type": "message",
            "channel": "D9",
            "channel_type": "im",
            "user": "U9",
            "text": "add water the plants",
            "ts": "1794819600.000100",
        },
        "event_id": "EvREAL1",
        "event_time": 1794819600,
    }
    command = {
        "command": "/todo",
        "text": "list",
        "user_id": "U9",
        "channel_id": "C1",
        "team_id": "T1",
    }
    run = await simulate("slack", events=events_file(tmp_path, [envelope, command]))
    assert run.errors == []
    [dm] = posts(run, 1)
    assert dm["channel"] == "D9" and "water the plants" in said(dm)
    [listed] = posts(run, 2, "response_url")
    assert listed["user"] == "U9" and "water the plants" in said(listed)


async def test_bad_input_gets_one_line_and_the_simulation_goes_on(tmp_path: Path) -> None:
    events: list[dict[str, Any] | str] = [
        "{not json",
        {"type": "mention", "user": "U2", "text": "add buy milk"},
        {"type": "click", "user": "U2", "text": "frobnicate 1"},
        {"type": "click", "user": "U2", "text": "complete 1", "message": "1.000001"},
        {"type": "click", "user": "U2", "text": "complete 7"},
        {"type": "message", "user": "U2", "thread": 9, "text": "hello"},
        {"type": "teleport", "user": "U2"},
        {"type": "dm", "user": "U2", "text": "what's on my list?"},
    ]
    run = await simulate("slack", events=events_file(tmp_path, events))
    assert run.status == 1  # an events file with refused lines fails the run, at its end
    errors = {line["event"]: line["error"] for line in run.errors}
    assert set(errors) == {1, 3, 4, 5, 6, 7}
    assert "not valid JSON" in errors[1]
    assert "unknown button 'frobnicate'" in errors[3]
    assert "no message 1.000001" in errors[4]
    assert "complete 1" in errors[5]  # says which buttons there are
    assert "event 9 started no thread" in errors[6]
    assert "unknown event type 'teleport'" in errors[7]
    assert all("\n" not in message for message in errors.values())
    [answer] = posts(run, 8)
    assert "buy milk" in said(answer)


async def test_a_real_database_keeps_what_the_simulation_did(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'kept.db'}"
    add = events_file(tmp_path, [{"type": "dm", "user": "U2", "text": "add renew passport"}])
    await simulate("slack", events=add, database_url=url)
    ask = tmp_path / "ask.jsonl"
    ask.write_text(json.dumps({"type": "dm", "user": "U2", "text": "list"}) + "\n")
    run = await simulate("slack", events=ask, database_url=url)
    [answer] = posts(run, 1)
    assert "renew passport" in said(answer)


async def test_typed_session_is_rendered_as_people_see_it() -> None:
    typed = "\n".join(
        [
            "as U2 in #general: @todobot add buy oat milk tomorrow",
            "in thread 1: add call mum friday",
            "click complete 1",
            "home",
            "as U3 dm: add call the bank friday",
            "/todo",
            "click frobnicate 2",
            "wait 2h",
        ]
    )
    run = await simulate("slack", typed=typed, as_json=False)
    out = run.out
    assert "[1] as U2 in #general: @todobot add buy oat milk tomorrow" in out
    assert "todobot in #general › thread of event 1:" in out
    assert "[✓ #1 buy oat milk] [Delete]   ← click complete 1 / click delete 1" in out
    assert "todobot edits its message in #general › thread of event 1:" in out
    assert "App Home of U2 now shows:" in out and "== Your todo list ==" in out
    assert "todobot in DM with U3:" in out
    assert "todobot in DM with U3 (only U3 sees this):" in out
    assert "✗ unknown button 'frobnicate'" in out
    assert "Monday 2026-11-16 11:00 UTC" in out


async def test_the_add_form_opens_answers_errors_in_place_and_adds(tmp_path: Path) -> None:
    events: list[dict[str, Any] | str] = [
        {"type": "home", "user": "U2"},
        {"type": "click", "user": "U2", "text": "add"},
        {"type": "submit", "user": "U2", "fields": {"title": "water plants", "due": "someday"}},
        {"type": "submit", "user": "U2", "fields": {"due": "friday", "priority": "high"}},
        {"type": "submit", "user": "U2", "fields": {"title": "again"}},
    ]
    run = await simulate("slack", events=events_file(tmp_path, events))
    [opened] = posts(run, 2, "views.open")
    assert opened["view"]["callback_id"] == "todo_add"
    [refused] = posts(run, 3, "ack")
    assert refused["response_action"] == "errors" and "someday" in refused["errors"]["due"]
    [closed] = posts(run, 4, "ack")
    assert "response_action" not in closed
    [home] = posts(run, 4, "views.publish")
    assert "water plants" in json.dumps(home["view"])  # the title typed before the error
    [error] = run.errors
    assert error["event"] == 5 and "no form open" in error["error"]
