"""The bot's Discord calls as people would see them: where each went, text and components.

Buttons become ``[Complete #1]`` with the ``click`` that presses them (disabled ones are
marked), threads the bot starts are named, private (ephemeral) answers say who sees them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from adapters.discord.simulation import payloads as p
from adapters.discord.simulation.events import EventBuilder, buttons_of
from adapters.discord.simulation.fake_discord import FakeDiscord

INDENT = "    "
EPHEMERAL = 64
DEFERRED_ANSWER, DEFERRED_UPDATE, ANSWER, UPDATE = 5, 6, 4, 7


class Places:
    """Names for channels: ``#general``, ``#general › thread of event 1``, ``DM with 4242``."""

    def __init__(self, events: EventBuilder, fake: FakeDiscord) -> None:
        self._events = events
        self._fake = fake

    def channel(self, channel_id: int) -> str:
        dm_of = self._fake.world.dm_owner(channel_id)
        if dm_of is not None:
            return f"DM with {dm_of}"
        if channel_id == p.DM_CHANNEL_ID:
            return "a DM"
        if channel_id in self._events.names:
            return f"#{self._events.names[channel_id]}"
        started = [n for n, root in self._events.roots.items() if root == channel_id]
        root = self._fake.world.messages.get(channel_id)
        if started and root is not None:
            parent = self.channel(int(root["channel_id"]))
            return f"{parent} › thread of event {min(started)}"
        return f"channel {channel_id}"

    def event_of(self, message_id: int) -> str:
        started = [n for n, root in self._events.roots.items() if root == message_id]
        return f"event {min(started)}" if started else f"message {message_id}"

    def asker(self, token: str) -> tuple[str, str]:
        channel, user = self._events.interactions.get(token, (0, 0))
        return self.channel(channel), str(user)


def render_calls(lines: list[dict[str, Any]], places: Places) -> list[str]:
    out: list[str] = []
    for line in lines:
        out.extend(render_call(line, places))
    return out


def render_call(line: Mapping[str, Any], places: Places) -> list[str]:
    line = line.get("thread_started") or line
    method, parts = str(line.get("method")), str(line.get("path")).strip("/").split("/")
    body = line.get("json") or {}
    if method == "POST" and parts[0] == "channels" and parts[2:] == ["messages"]:
        reply = (body.get("message_reference") or {}).get("message_id")
        to = f", replying to {places.event_of(int(reply))}" if reply else ""
        return [f"  todobot in {places.channel(int(parts[1]))}{to}:", *message_lines(body)]
    if method == "POST" and parts[0] == "channels" and parts[-1] == "threads":
        where = places.channel(int(parts[1]))
        started = places.event_of(int(parts[3]))
        return [f"  todobot starts a thread “{body.get('name')}” in {where} from {started}"]
    if method == "POST" and parts[0] == "interactions":
        return _callback(body, *places.asker(parts[2]))
    if parts[0] == "webhooks":
        where, user = places.asker(parts[2])
        private = int(body.get("flags") or 0) & EPHEMERAL
        who = f" (only {user} sees this)" if private else ""
        if method == "PATCH":
            return [f"  todobot edits the message {user} clicked in {where}:", *message_lines(body)]
        return [f"  todobot in {where}{who}:", *message_lines(body)]
    return []


def _callback(body: Mapping[str, Any], where: str, user: str) -> list[str]:
    kind = body.get("type")
    data = body.get("data") or {}
    private = int(data.get("flags") or 0) & EPHEMERAL
    who = f" (only {user} sees this)" if private else ""
    if kind == DEFERRED_ANSWER:
        return [f"  todobot is thinking… in {where}{who}"]
    if kind in (ANSWER, UPDATE):
        return [f"  todobot in {where}{who}:", *message_lines(data)]
    return []


def message_lines(body: Mapping[str, Any]) -> list[str]:
    out = [INDENT + row for row in str(body.get("content") or "").splitlines()]
    buttons = buttons_of({"components": body.get("components") or []})
    if buttons:
        shown = " ".join(f"[{b.label}{' (disabled)' if b.disabled else ''}]" for b in buttons)
        clicks = " / ".join(f"click {b.name} {b.number}" for b in buttons if not b.disabled)
        out.append(INDENT + shown + (f"   ← {clicks}" if clicks else ""))
    return out or [INDENT]
