"""Signed requests whose bodies are not what Slack sends: refused with 400, never a 500."""

from __future__ import annotations

import logging

import pytest

from tests.e2e.slack.conftest import SlackHarness

pytestmark = pytest.mark.e2e

JSON = "application/json"
FORM = "application/x-www-form-urlencoded"


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        ("{not json", JSON),
        ("[1, 2, 3]", JSON),
        ('"just a string"', JSON),
        ("\u00ff\u00fe", JSON),
        ('{"type": "event_callback", "event": "not an object"}', JSON),
        ('{"type": "event_callback", "event": {"type": "message", "channel": []}}', JSON),
        ("payload={broken", FORM),
        ("payload=%5B1%5D", FORM),
        ("payload=%22text%22", FORM),
        ("command=/todo&text=x", FORM),
        ("%ZZ=%%%", FORM),
        ("[" * 5000 + "]" * 5000, JSON),
    ],
)
async def test_a_signed_malformed_body_is_a_400_without_a_traceback(
    slack: SlackHarness, body: str, content_type: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    answer = await slack.post(body, content_type=content_type)
    await slack.settle()
    assert answer.status == 400, answer.text
    assert not [r for r in caplog.records if r.exc_info], [r.getMessage() for r in caplog.records]
    assert slack.fake.called("chat.postMessage") == []


async def test_an_unsigned_malformed_body_is_a_401(slack: SlackHarness) -> None:
    answer = await slack.post("{not json", content_type=JSON, signed=False)
    assert answer.status == 401


async def test_an_event_the_adapter_does_not_read_is_accepted_whatever_its_fields(
    slack: SlackHarness,
) -> None:
    body = '{"type": "event_callback", "event": {"type": "team_join", "user": {"id": "U9"}}}'
    answer = await slack.post(body, content_type=JSON)
    # It reaches Bolt, which has no listener for it (its own 404), instead of our 400.
    assert (answer.status, answer.json()) == (404, {"error": "unhandled request"})
