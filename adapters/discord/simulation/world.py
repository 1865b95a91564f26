"""What the fake Discord holds: channels, DM channels, threads, messages, interactions.

Kept apart from the wire (``fake_discord``) so the simulation can look things up — which
message a button is on, whose DM a channel is — the way Discord itself would know them.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from adapters.discord.simulation import payloads as p

EPHEMERAL = 1 << 6


class World:
    def __init__(self, clock: Callable[[], datetime] | None = None) -> None:
        self.ids = p.Snowflakes(clock)
        self.channels: dict[int, str] = {p.CHANNEL_ID: "general"}  # the server's text channels
        self.dm_channels: set[int] = {p.DM_CHANNEL_ID}
        self.dms: dict[int, int] = {}  # user id → their DM channel with the bot
        self.threads: dict[int, dict[str, Any]] = {}
        self.messages: dict[int, dict[str, Any]] = {}
        # Interaction token → (channel id, id of the message a component was on).
        self.interactions: dict[str, tuple[int, int | None]] = {}

    def dm_for(self, user_id: int) -> int:
        """The DM channel between the bot and ``user_id`` (one per person, made on first use)."""
        if user_id not in self.dms:
            self.dms[user_id] = self.ids.next()
            self.dm_channels.add(self.dms[user_id])
        return self.dms[user_id]

    def dm_owner(self, channel_id: int) -> int | None:
        return next((user for user, dm in self.dms.items() if dm == channel_id), None)

    def heard(self, event: str, data: dict[str, Any]) -> None:
        """Remember what a dispatch told the bot about."""
        if event == "MESSAGE_CREATE":
            self.messages[int(data["id"])] = data
        elif event == "INTERACTION_CREATE":
            message = data.get("message")
            self.interactions[str(data["token"])] = (
                int(data["channel_id"]),
                int(message["id"]) if message else None,
            )

    def bot_message(self, body: dict[str, Any] | None, channel_id: int) -> dict[str, Any]:
        """The message the bot's ``body`` creates in ``channel_id``, as Discord returns it."""
        body = body or {}
        data = p.message(
            str(body.get("content") or ""),
            author=p.BOT_USER,
            channel_id=channel_id,
            guild=channel_id not in self.dm_channels,
            components=body.get("components"),
            message_id=self.ids.next(),
            timestamp=self.ids.timestamp(),
        )
        if body.get("flags"):
            data["flags"] = body["flags"]
        self.messages[int(data["id"])] = data
        return data

    def thread_from(self, message_id: int, channel_id: int, name: str) -> dict[str, Any]:
        """A thread started from a message; it has the message's id."""
        data = p.thread(message_id, channel_id, name, timestamp=self.ids.timestamp())
        self.threads[int(data["id"])] = data
        return data

    def followup(self, token: str, body: dict[str, Any] | None) -> dict[str, Any]:
        channel_id, _ = self.interactions.get(token, (p.CHANNEL_ID, None))
        return self.bot_message(body, channel_id)

    def edit_original(self, token: str, body: dict[str, Any] | None) -> dict[str, Any]:
        """For a button press, "@original" is the message the button is on."""
        channel_id, message_id = self.interactions.get(token, (p.CHANNEL_ID, None))
        original = self.messages.get(message_id) if message_id is not None else None
        if original is None:
            return self.bot_message(body, channel_id)
        for key in ("content", "components"):
            if body and key in body:
                original[key] = body[key]
        return original
