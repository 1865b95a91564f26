"""``todobot simulate discord``: a scripted run of the main paths through the real discord.py."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from adapters.discord.simulation import payloads as p
from bot.config import DiscordSettings, Settings
from tests.e2e.simulate.conftest import Run, events_file, simulate

pytestmark = pytest.mark.e2e

GENERAL = p.CHANNEL_ID
MAIN_PATHS: list[dict[str, Any] | str] = [
    {"type": "mention", "user": "4242", "channel": "#general", "text": "add buy oat milk tomorrow"},
    {"type": "message", "user": "4242", "thread": 1, "text": "add call mum friday"},
    {"type": "dm", "user": "4343", "text": "add call the bank friday"},
    {"type": "command", "user": "4242", "text": "/todo-list"},
    {"type": "click", "user": "4242", "text": "complete 1"},
    {"type": "command", "user": "4242", "text": "/todo what is due friday"},
    {"type": "home", "user": "4242"},
]


def with_content_intent() -> Settings:
    return Settings(discord=DiscordSettings(message_content_intent=True))


def messages(run: Run, number: int) -> list[dict[str, Any]]:
    return [
        c
        for c in run.of_event(number)
        if c["method"] == "POST" and re.fullmatch(r"/channels/\d+/messages", c["path"])
    ]


def webhooks(run: Run, number: int, method: str = "POST") -> list[dict[str, Any]]:
    return [c for c in run.of_event(number) if c["method"] == method and "/webhooks/" in c["path"]]


def custom_ids(body: dict[str, Any]) -> list[tuple[str, bool]]:
    return [
        (part["custom_id"], part.get("disabled", False))
        for row in body.get("components") or []
        for part in row["components"]
    ]


async def test_main_paths_through_the_real_client(tmp_path: Path) -> None:
    run = await simulate(
        "discord", events=events_file(tmp_path, MAIN_PATHS), settings=with_content_intent()
    )
    assert run.status == 1  # the Home line is refused (Discord has none); the rest is answered
    [refused] = run.errors
    assert refused["event"] == 7 and "no App Home" in refused["error"]

    # 1. A mention starts a thread from the person's message and is answered in it.
    [started] = [line["thread_started"] for line in run.lines if "thread_started" in line]
    match = re.fullmatch(rf"/channels/{GENERAL}/messages/(\d+)/threads", started["path"])
    assert match is not None and started["json"]["name"] == "add buy oat milk tomorrow"
    thread = match[1]
    [answer] = messages(run, 1)
    assert answer["path"] == f"/channels/{thread}/messages"
    assert "oat milk" in answer["json"]["content"]
    assert custom_ids(answer["json"]) == [("todo:done:4242:1", False), ("todo:del:4242:1", False)]

    # 2. A follow-up in that thread without a mention (content intent on) is answered there.
    [follow_up] = messages(run, 2)
    assert follow_up["path"] == f"/channels/{thread}/messages"
    assert "call mum" in follow_up["json"]["content"]

    # 3. A DM is answered in the DM channel, with 4343's own list.
    [dm] = messages(run, 3)
    assert dm["path"] not in (answer["path"], f"/channels/{GENERAL}/messages")
    assert "call the bank" in dm["json"]["content"] and "#1" in dm["json"]["content"]

    # 4. /todo-list: deferred privately, then the list with its Complete buttons.
    [callback] = [c for c in run.of_event(4) if c["path"].endswith("/callback")]
    assert callback["json"] == {"type": 5, "data": {"flags": 64}}
    [listed] = webhooks(run, 4)
    assert listed["json"]["flags"] == 64
    assert "oat milk" in listed["json"]["content"] and "call mum" in listed["json"]["content"]
    assert custom_ids(listed["json"]) == [
        ("todo:done:4242:1", False),
        ("todo:del:4242:1", False),
        ("todo:done:4242:2", False),
        ("todo:del:4242:2", False),
    ]

    # 5. Complete on that private list ticks the button and says so, privately.
    [edited] = webhooks(run, 5, "PATCH")
    assert edited["path"].endswith("/messages/@original")
    assert custom_ids(edited["json"]) == [
        ("todo:done:4242:1", True),
        ("todo:del:4242:1", False),
        ("todo:done:4242:2", False),
        ("todo:del:4242:2", False),
    ]
    [done] = webhooks(run, 5)
    assert "#1" in done["json"]["content"] and "oat milk" in done["json"]["content"]

    # 6. /todo <text> goes through the agent; the task finished in 5 is gone from the list.
    [said] = webhooks(run, 6)
    assert "call mum" in said["json"]["content"] and "oat milk" not in said["json"]["content"]

    # Nothing the bot wrote can ping anyone.
    for call in run.calls:
        body = call["json"] or {}
        if call["method"] == "POST" and "content" in body:
            assert body["allowed_mentions"] == {"parse": []}, call


async def test_without_content_intent_a_follow_up_needs_a_mention(tmp_path: Path) -> None:
    events: list[dict[str, Any] | str] = [
        {"type": "mention", "user": "4242", "text": "add buy milk"},
        {"type": "message", "user": "4242", "thread": 1, "text": "add bread"},
        {"type": "mention", "user": "4242", "thread": 1, "text": "add bread"},
    ]
    run = await simulate("discord", events=events_file(tmp_path, events))
    assert run.of_event(2) == []
    [answer] = messages(run, 3)
    assert "bread" in answer["json"]["content"]
    text = await simulate("discord", events=events_file(tmp_path, events), as_json=False)
    assert "without message_content_intent = true" in text.out


async def test_the_same_events_give_the_same_output(tmp_path: Path) -> None:
    path = events_file(tmp_path, MAIN_PATHS)
    first = await simulate("discord", events=path, settings=with_content_intent())
    second = await simulate("discord", events=path, settings=with_content_intent())
    assert first.out == second.out
    assert len(first.calls) > 8


async def test_a_real_gateway_dispatch_is_delivered_as_it_is(tmp_path: Path) -> None:
    dm = p.message("add water the plants", guild=False, channel_id=p.DM_CHANNEL_ID)
    run = await simulate(
        "discord", events=events_file(tmp_path, [{"op": 0, "t": "MESSAGE_CREATE", "d": dm}])
    )
    [answer] = messages(run, 1)
    assert answer["path"] == f"/channels/{p.DM_CHANNEL_ID}/messages"
    assert "water the plants" in answer["json"]["content"]


async def test_bad_input_gets_one_line_and_the_simulation_goes_on(tmp_path: Path) -> None:
    events: list[dict[str, Any] | str] = [
        {"type": "dm", "user": "4242", "text": "add buy milk"},
        {"type": "click", "user": "4242", "text": "frobnicate 1"},
        {"type": "click", "user": "4242", "text": "complete 1", "message": "123"},
        {"type": "click", "user": "4343", "text": "complete 1"},
        {"type": "dm", "user": "not-a-user", "text": "hi"},
        "[1, 2]",
        {"type": "command", "user": "4242", "text": "/todo"},
        {"type": "dm", "user": "4242", "text": "list"},
    ]
    run = await simulate("discord", events=events_file(tmp_path, events))
    errors = {line["event"]: line["error"] for line in run.errors}
    assert set(errors) == {2, 3, 4, 5, 6, 7}
    assert "unknown button 'frobnicate'" in errors[2]
    assert "no message 123" in errors[3]
    assert "no button on screen" in errors[4]  # 4343 cannot see 4242's DM
    assert "not a Discord user id" in errors[5]
    assert "JSON object" in errors[6]
    assert "/todo needs text" in errors[7]
    [answer] = messages(run, 8)
    assert "buy milk" in answer["json"]["content"]


async def test_typed_session_is_rendered_as_people_see_it() -> None:
    typed = "\n".join(
        [
            "as 4242 in #general: @todobot add buy oat milk tomorrow",
            "in thread 1: @todobot what's on my list?",
            "click complete 1",
            "as 4343 dm: add call the bank friday",
            "/todo-add title:water plants due:friday priority:high",
        ]
    )
    run = await simulate("discord", typed=typed, as_json=False)
    out = run.out
    assert "todobot starts a thread “add buy oat milk tomorrow” in #general from event 1" in out
    assert "todobot in #general › thread of event 1:" in out
    assert "[Complete #1] [Delete #1]   ← click complete 1 / click delete 1" in out
    assert "[Done #1 (disabled)]" in out
    assert "todobot in DM with 4343:" in out
    assert "todobot in DM with 4343 (only 4343 sees this):" in out
    assert json.dumps("water plants")[1:-1] in out


async def test_a_real_interaction_is_answered_and_rendered(tmp_path: Path) -> None:
    slash = p.slash("todo-add", {"title": "renew passport"}, who=p.BOB)
    path = events_file(tmp_path, [{"t": "INTERACTION_CREATE", "d": slash}])
    run = await simulate("discord", events=path)
    [added] = webhooks(run, 1)
    assert "renew passport" in added["json"]["content"]
    text = await simulate("discord", events=path, as_json=False)
    assert f"todobot in #general (only {p.BOB_ID} sees this):" in text.out
