"""What people type into ``todobot simulate`` → short-form events. Pure; no I/O."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.cli.simulate_script import ClockMove, Script, Speaker, duration, moment
from bot.errors import InvalidInput

NOW = datetime(2026, 11, 16, 9, 0, tzinfo=UTC)


def script(user: str = "U1") -> Script:
    return Script(Speaker(user), ZoneInfo("Europe/Berlin"))


def test_a_mention_in_a_channel() -> None:
    assert script().read("as U2 in #general: @todobot add milk tomorrow", now=NOW) == {
        "type": "mention",
        "user": "U2",
        "channel": "#general",
        "text": "add milk tomorrow",
    }


def test_speaker_and_channel_stay_until_changed() -> None:
    s = script()
    s.read("as U2 in #random: hello", now=NOW)
    assert s.read("@todobot list", now=NOW) == {
        "type": "mention",
        "user": "U2",
        "channel": "#random",
        "text": "list",
    }
    assert s.read("as U3: hi there", now=NOW) == {
        "type": "message",
        "user": "U3",
        "channel": "#random",
        "text": "hi there",
    }


def test_a_reply_in_a_thread_goes_where_the_thread_is() -> None:
    event = script().read("as U2 in thread 1: and bread", now=NOW)
    assert event == {"type": "message", "user": "U2", "thread": 1, "text": "and bread"}
    literal = script().read("thread 1794819600.000001: more", now=NOW)
    assert literal is not None and not isinstance(literal, ClockMove)
    assert literal["thread"] == "1794819600.000001"


def test_direct_messages_and_commands() -> None:
    s = script()
    assert s.read("as U3 dm: what's due?", now=NOW) == {
        "type": "dm",
        "user": "U3",
        "text": "what's due?",
    }
    assert s.read("/todo add call the bank", now=NOW) == {
        "type": "command",
        "user": "U3",
        "text": "/todo add call the bank",
        "channel": "dm",
    }
    assert s.read("in #general: /todo list", now=NOW) == {
        "type": "command",
        "user": "U3",
        "text": "/todo list",
        "channel": "#general",
    }


def test_clicks_and_home() -> None:
    s = script()
    assert s.read("click complete 1", now=NOW) == {
        "type": "click",
        "user": "U1",
        "text": "complete 1",
    }
    assert s.read("as U4 home", now=NOW) == {"type": "home", "user": "U4"}
    assert s.read("open app home", now=NOW) == {"type": "home", "user": "U4"}


def test_text_that_only_looks_like_a_prefix_is_text() -> None:
    event = script().read("as soon as possible: call the plumber", now=NOW)
    assert event == {
        "type": "message",
        "user": "U1",
        "channel": "#general",
        "text": "as soon as possible: call the plumber",
    }


def test_the_clock_moves_forward_only() -> None:
    assert script().read("wait 2h 30m", now=NOW) == ClockMove(NOW + timedelta(hours=2.5))
    at = script().read("at 2026-11-20 09:00", now=NOW)
    assert at == ClockMove(datetime(2026, 11, 20, 9, 0, tzinfo=ZoneInfo("Europe/Berlin")))
    assert script().read('{"type": "wait", "for": "1d"}', now=NOW) == ClockMove(
        NOW + timedelta(days=1)
    )
    with pytest.raises(InvalidInput, match="only moves forward"):
        moment("2026-01-01 09:00", ZoneInfo("UTC"), now=NOW)
    with pytest.raises(InvalidInput, match="wait how long"):
        duration("a while")


def test_json_lines_and_events_files() -> None:
    raw = '{"type": "dm", "user": "U2", "text": "hi"}'
    assert script().read(raw, now=NOW) == {"type": "dm", "user": "U2", "text": "hi"}
    with pytest.raises(InvalidInput, match="not valid JSON"):
        script().read("{nope", now=NOW)
    strict = Script(Speaker("U1"), ZoneInfo("UTC"), json_only=True)
    with pytest.raises(InvalidInput, match="JSON object"):
        strict.read("[1]", now=NOW)
    with pytest.raises(InvalidInput, match="not valid JSON"):
        strict.read("as U2: hi", now=NOW)
    assert strict.read("   ", now=NOW) is None
