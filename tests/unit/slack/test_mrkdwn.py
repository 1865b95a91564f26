"""Text between Slack mrkdwn and the core's plain text."""

from __future__ import annotations

import pytest

from adapters.slack import mrkdwn


@pytest.mark.parametrize(
    "text",
    ["<!channel> hi", "<!here>", "<!everyone> now", "<!subteam^S1|@devs> look", "@here @channel"],
)
def test_escaped_output_cannot_ping_anyone(text: str) -> None:
    out = mrkdwn.to_mrkdwn(text)
    assert "<!" not in out
    for word in ("@here", "@channel", "@everyone"):
        assert word not in out


def test_escape_keeps_the_words_readable() -> None:
    assert mrkdwn.escape("a < b & c > d") == "a &lt; b &amp; c &gt; d"
    assert mrkdwn.escape("@here").replace("\u2060", "") == "@here"


def test_a_little_markdown_becomes_mrkdwn_after_escaping() -> None:
    out = mrkdwn.to_mrkdwn("## Today\n**pay rent** see [the bill](https://x.test/b?a=1&b=2)")
    assert out == "*Today*\n*pay rent* see <https://x.test/b?a=1&amp;b=2|the bill>"


def test_links_to_other_schemes_stay_text() -> None:
    assert mrkdwn.to_mrkdwn("[x](javascript:alert)") == "[x](javascript:alert)"


@pytest.mark.parametrize(
    ("slack", "plain"),
    [
        ("<@UBOT> add milk", "add milk"),
        ("hey <@UBOT|todobot>  add milk", "hey add milk"),
        ("ask <@U2|ann> about <#C1|general>", "ask @ann about #general"),
        ("ask <@U2>", "ask @U2"),
        (
            "see <https://x.test/a|the doc> and <https://x.test/b>",
            "see the doc (https://x.test/a) and https://x.test/b",
        ),
        ("mail <mailto:a@b.test|a@b.test>", "mail a@b.test"),
        ("<!here> lunch &lt;3 &amp; more", "@here lunch <3 & more"),
    ],
)
def test_incoming_text_is_decoded(slack: str, plain: str) -> None:
    assert mrkdwn.from_slack(slack, bot_user_id="UBOT") == plain


def test_text_for_the_core_keeps_who_was_mentioned_by_id() -> None:
    text = "<@UBOT|todobot> assign review to <@U2|ann smith> and <@W3> with <#C1|general>"
    assert mrkdwn.from_slack(text, bot_user_id="UBOT", user_ids=True) == (
        "assign review to @U2 and @W3 with #general"
    )


def test_split_keeps_short_text_whole() -> None:
    assert mrkdwn.split_text("hello") == ["hello"]
    assert mrkdwn.split_text("") == [""]


def test_split_prefers_line_ends_and_respects_the_limit() -> None:
    text = "\n".join(f"line {i} " + "y" * 40 for i in range(200))
    pieces = mrkdwn.split_text(text, 1000)
    assert all(len(p) <= 1000 for p in pieces)
    assert "\n".join(pieces) == text
    assert all(p.startswith("line ") for p in pieces)


def test_split_without_spaces_cuts_hard() -> None:
    pieces = mrkdwn.split_text("z" * 2500, 1000)
    assert [len(p) for p in pieces] == [1000, 1000, 500]


def test_split_never_cuts_inside_an_entity() -> None:
    text = "a" * 997 + "&amp;" + "b" * 10
    pieces = mrkdwn.split_text(text, 1000)
    assert pieces[0] == "a" * 997 and pieces[1].startswith("&amp;")
    link = "word " * 190 + "<https://x.test/" + "p" * 60 + "|label>"
    for piece in mrkdwn.split_text(link, 1000):
        assert piece.count("<") == piece.count(">")


def test_truncate() -> None:
    assert mrkdwn.truncate("short", 10) == "short"
    assert mrkdwn.truncate("a long title here", 8) == "a long…"
