"""The rules agent's team phrasing: who, what and by when, read from the words as written."""

from __future__ import annotations

from datetime import datetime

import pytest

from bot.agents.rules.assigning import TeamRequest, read_team_request
from bot.agents.rules.understand import understand

NOW = datetime(2026, 11, 18, 9, 0)  # local wall time, a Wednesday


@pytest.mark.parametrize(
    ("text", "who", "title", "due"),
    [
        ("assign 'order chairs' to @dana", "@dana", "order chairs", None),
        ("assign review the deck to @bob by friday", "@bob", "review the deck", "friday"),
        ("@bob can you review the deck by friday", "@bob", "review the deck", "friday"),
        ("<@U02ABC> could you please send the invoice?", "<@U02ABC>", "send the invoice", None),
        (
            "<@!123456789> please book the room for tomorrow",
            "<@!123456789>",
            "book the room",
            "tomorrow",
        ),
        ("ask @carol to water the plants", "@carol", "water the plants", None),
        ("give @dana order chairs", "@dana", "order chairs", None),
        ("assign to @dana: order chairs", "@dana", "order chairs", None),
        ("assign plan for the team to @dana", "@dana", "plan for the team", None),
    ],
)
def test_assignments(text: str, who: str, title: str, due: str | None) -> None:
    assert read_team_request(text, now=NOW) == TeamRequest("assign", who, title, due)
    assert understand(text, now=NOW) == TeamRequest("assign", who, title, due)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("what did I assign?", TeamRequest("handed_out")),
        ("what have I assigned", TeamRequest("handed_out")),
        ("tasks I assigned", TeamRequest("handed_out")),
        ("link my accounts", TeamRequest("link")),
        ("Link accounts", TeamRequest("link")),
        ("link K7Q-4PZ", TeamRequest("link", code="K7Q-4PZ")),
        ("link `k7q4pz`", TeamRequest("link", code="k7q4pz")),
        ("unlink", TeamRequest("unlink")),
        ("unlink my accounts", TeamRequest("unlink")),
        ("export my data", TeamRequest("export")),
        ("forget me", TeamRequest("forget")),
        ("delete my data", TeamRequest("forget")),
        ("forget me, I'm sure", TeamRequest("forget", code="sure")),
    ],
)
def test_other_team_requests(text: str, expected: TeamRequest) -> None:
    assert read_team_request(text, now=NOW) == expected


@pytest.mark.parametrize(
    "text",
    [
        "add water the plants",
        "done 3",
        "email bob@example.com about the deck",
        "what's on my list?",
        "remind me to call @bob tomorrow",
        "link the budget doc to the deck",
        "assign",
        "@bob",
        "forget the milk",
        "<@U123> please done 4, thanks!",
        "@todobot can you add milk",
        "delete my dentist task",
    ],
)
def test_not_team_requests(text: str) -> None:
    assert read_team_request(text, now=NOW) is None
