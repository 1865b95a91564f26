"""Is a request body shaped as Slack sends it? Checked before Bolt parses it.

Bolt assumes well-formed bodies: a signed request whose body is not JSON, whose ``payload``
is not an object, or whose event fields have the wrong types ends in a 500 and a traceback.
Only someone holding the signing secret can send one, but a broken proxy or a replayed
truncated body can, and the answer should be a plain 400. Pure functions, no I/O.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qs

from pydantic import BaseModel, ConfigDict, ValidationError

JSON_TYPES = ("application/json",)
# Events whose fields the adapter reads; others (a manifest may subscribe to more) need a type.
HANDLED_EVENTS = frozenset({"app_mention", "message", "app_home_opened"})


class _Shape(BaseModel):
    model_config = ConfigDict(extra="allow", strict=True)


class AnyEventShape(_Shape):
    type: str


class EventShape(_Shape):
    """The fields of an event the adapter reads; each must be a string when present."""

    type: str
    user: str | None = None
    channel: str | None = None
    channel_type: str | None = None
    text: str | None = None
    ts: str | None = None
    thread_ts: str | None = None
    subtype: str | None = None
    bot_id: str | None = None
    tab: str | None = None


class EnvelopeShape(_Shape):
    type: str
    event_id: str | None = None
    team_id: str | None = None
    event: AnyEventShape | None = None
    challenge: str | None = None


class CommandShape(_Shape):
    command: str
    user_id: str
    channel_id: str
    response_url: str
    trigger_id: str | None = None
    text: str = ""


class InteractionShape(_Shape):
    type: str


def malformed(body: str, content_type: str) -> str | None:
    """Why ``body`` cannot be a Slack request, or ``None`` when it can."""
    try:
        if content_type in JSON_TYPES:
            envelope = json.loads(body)
            problem = _check(EnvelopeShape, envelope)
            event = envelope.get("event") if problem is None else None
            if event is not None and event.get("type") in HANDLED_EVENTS:
                problem = _check(EventShape, event)
            return problem
        form = {key: values[-1] for key, values in parse_qs(body).items()}
        if "payload" in form:
            return _check(InteractionShape, json.loads(form["payload"]))
        if "command" in form:
            return _check(CommandShape, form)
        if "ssl_check" in form:
            return None
        return "neither an event, a command nor an interaction"
    except (ValueError, RecursionError):  # JSONDecodeError is a ValueError
        return "the body is not JSON"


def _check(shape: type[_Shape], data: Any) -> str | None:
    if not isinstance(data, dict):
        return "the body is not a JSON object"
    try:
        shape.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        return f"{'.'.join(str(p) for p in first['loc'])}: {first['msg']}"
    return None
