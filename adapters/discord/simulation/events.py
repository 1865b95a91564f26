"""Simulated events → the gateway dispatches Discord would send for them.

An event is a short form (``{"type": "mention"|"message"|"dm"|"command"|"click", "user",
"channel", "thread", "text"}``) or a real gateway dispatch (``{"t": "MESSAGE_CREATE", "d":
{...}}``, with or without ``"op": 0``). Ids come from the fake's clock-driven snowflakes, so
the same events always make the same dispatches.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from adapters.discord.simulation import payloads as p
from adapters.discord.simulation.fake_discord import FakeDiscord
from bot.errors import InvalidInput

_NAME = re.compile(r"[a-z0-9][a-z0-9_-]{0,99}")


@dataclass(frozen=True, slots=True)
class Dispatch:
    event: str
    data: dict[str, Any]


@dataclass(frozen=True, slots=True)
class Button:
    message: dict[str, Any]
    custom_id: str
    name: str  # what a person types: "complete"
    number: int | None
    disabled: bool
    label: str


class EventBuilder:
    """Turns events into dispatches; remembers channels, DMs and which event was which message."""

    def __init__(self, fake: FakeDiscord, *, content_intent: bool) -> None:
        self._fake = fake
        self._content_intent = content_intent
        self.names: dict[int, str] = {p.CHANNEL_ID: "general"}
        self.roots: dict[int, int] = {}  # event number → id of the message it sent
        self.private: dict[int, int] = {}  # message id → the only person who sees it
        self.interactions: dict[str, tuple[int, int]] = {}  # token → (channel, user)
        # Whether the last message reached the bot with its text blanked (no content intent).
        self.blanked = False

    async def build(self, event: Mapping[str, Any], number: int) -> Dispatch:
        self.blanked = False
        if isinstance(event.get("t"), str):
            return self._raw(event, number)
        kind = event.get("type")
        if kind in ("mention", "message"):
            return await self._message(event, number, mention=kind == "mention")
        if kind == "dm":
            return self._dm(event, number)
        if kind == "command":
            return await self._command(event)
        if kind == "click":
            return self._click(event)
        if kind == "home":
            raise InvalidInput("Discord has no App Home; try /todo-list")
        raise InvalidInput(
            f"unknown event type {kind!r}: use mention, message, dm, command, click or wait, "
            "or a real gateway dispatch"
        )

    def dm_channel(self, user_id: int) -> int:
        return self._fake.world.dm_for(user_id)

    # ---- short forms -----------------------------------------------------------------------

    async def _message(self, event: Mapping[str, Any], number: int, *, mention: bool) -> Dispatch:
        author = _author(event)
        channel = await self._where(event)
        if channel in self._fake.world.dm_channels:
            return self._dm(event, number)
        text = _text(event)
        content = f"<@{p.BOT_ID}> {text}" if mention else text
        # Without the message content intent Discord blanks what the bot may not read.
        if not (mention or self._content_intent):
            content, self.blanked = "", True
        data = p.message(
            content,
            author=author,
            channel_id=channel,
            mentions=(p.BOT_USER,) if mention else (),
            message_id=self._fake.world.ids.next(),
            timestamp=self._fake.world.ids.timestamp(),
        )
        self.roots[number] = int(data["id"])
        return Dispatch("MESSAGE_CREATE", data)

    def _dm(self, event: Mapping[str, Any], number: int) -> Dispatch:
        author = _author(event)
        data = p.message(
            _text(event),
            author=author,
            channel_id=self.dm_channel(int(author["id"])),
            guild=False,
            message_id=self._fake.world.ids.next(),
            timestamp=self._fake.world.ids.timestamp(),
        )
        self.roots[number] = int(data["id"])
        return Dispatch("MESSAGE_CREATE", data)

    async def _command(self, event: Mapping[str, Any]) -> Dispatch:
        author = _author(event)
        name, options = command(str(event.get("text") or ""))
        if event.get("name"):
            name, options = str(event["name"]), dict(event.get("options") or {})
        dm = event.get("channel") == "dm"
        channel = self.dm_channel(int(author["id"])) if dm else await self._where(event)
        interaction_id = self._fake.world.ids.next()
        data = p.slash(
            name,
            options,
            command_id=self._fake.world.ids.next(),
            who=author,
            guild=not dm,
            channel_id=channel,
            interaction_id=interaction_id,
            channel_name=self.names.get(channel, "general"),
        )
        return self._interaction(data, channel, int(author["id"]))

    def _interaction(self, data: dict[str, Any], channel: int, user_id: int) -> Dispatch:
        if channel in self._fake.world.threads:  # used inside a thread: Discord sends the thread
            data["channel"] = self._fake.world.threads[channel]
        self.interactions[str(data["token"])] = (channel, user_id)
        return Dispatch("INTERACTION_CREATE", data)

    def _click(self, event: Mapping[str, Any]) -> Dispatch:
        author = _author(event)
        user_id = int(author["id"])
        button = self.find_button(user_id, str(event.get("text") or ""), event.get("message"))
        message = button.message
        channel = int(message["channel_id"])
        data = p.button_press(
            button.custom_id,
            message,
            who=author,
            guild=channel not in self._fake.world.dm_channels,
            channel_id=channel,
            interaction_id=self._fake.world.ids.next(),
            channel_name=self.names.get(channel, "general"),
        )
        return self._interaction(data, channel, user_id)

    def find_button(self, user_id: int, words: str, message_id: Any = None) -> Button:
        """The button ``words`` ("complete 1") names on what ``user_id`` sees, newest first."""
        match = re.fullmatch(r"\s*([a-z_-]+)(?:\s+#?(\d{1,9}))?\s*", words.lower())
        if match is None:
            raise InvalidInput(f"click what? write e.g. 'click complete 1' (got {words!r})")
        name, number = match[1], int(match[2]) if match[2] else None
        messages = [
            m
            for mid, m in reversed(self._fake.world.messages.items())
            if m["author"]["id"] == str(p.BOT_ID) and self._sees(user_id, mid, m)
        ]
        if message_id is not None:
            messages = [m for m in messages if m["id"] == str(message_id)]
            if not messages:
                raise InvalidInput(f"no message {message_id} from todobot that you can see")
        buttons = [b for m in messages for b in buttons_of(m)]
        if not buttons:
            raise InvalidInput("there is no button on screen to click yet")
        if name not in {b.name for b in buttons}:
            known = ", ".join(sorted({b.name for b in buttons}))
            raise InvalidInput(f"unknown button {name!r}: the buttons on screen are {known}")
        for button in buttons:
            if button.name == name and number in (None, button.number):
                return button
        shown = sorted({b.number for b in buttons if b.name == name and b.number is not None})
        raise InvalidInput(
            f"no {name!r} button for task {number} on screen; there are: "
            + ", ".join(f"{name} {n}" for n in shown)
        )

    def _sees(self, user_id: int, message_id: int, message: Mapping[str, Any]) -> bool:
        """Private answers and DMs are on one person's screen only."""
        if self.private.get(message_id, user_id) != user_id:
            return False
        channel = int(message["channel_id"])
        owner = self._fake.world.dm_owner(channel)
        return owner in (None, user_id)

    # ---- real payloads and fields ----------------------------------------------------------

    def _raw(self, event: Mapping[str, Any], number: int) -> Dispatch:
        data = event.get("d")
        if not isinstance(data, dict):
            raise InvalidInput('a gateway dispatch needs its data object in "d"')
        if event["t"] == "MESSAGE_CREATE" and data.get("id"):
            self.roots[number] = int(data["id"])
        if event["t"] == "INTERACTION_CREATE" and data.get("token"):
            who = (data.get("member") or {}).get("user") or data.get("user") or {}
            channel = int(data.get("channel_id") or 0)
            self.interactions[str(data["token"])] = (channel, int(who.get("id") or 0))
        return Dispatch(str(event["t"]), dict(data))

    async def _where(self, event: Mapping[str, Any]) -> int:
        thread = event.get("thread")
        if thread is not None and thread != "":
            return self._thread(thread)
        raw = str(event.get("channel") or "#general").strip()
        if raw.isdigit():
            channel = int(raw)
            if channel not in self._fake.world.dm_channels:
                self.names.setdefault(channel, f"channel-{raw}")
                await self._fake.add_channel(channel, self.names[channel])
            return channel
        name = raw.removeprefix("#").lower()
        if not _NAME.fullmatch(name):
            raise InvalidInput(f"{raw!r} is not a channel: write #general or a channel id")
        found = next((cid for cid, known in self.names.items() if known == name), None)
        if found is None:
            found = self._fake.world.ids.next()
            self.names[found] = name
        await self._fake.add_channel(found, name)
        return found

    def _thread(self, thread: Any) -> int:
        if isinstance(thread, int) and not isinstance(thread, bool) and thread in self.roots:
            root = self.roots[thread]
            message = self._fake.world.messages.get(root) or {}
            if int(message.get("channel_id", 0)) in self._fake.world.dm_channels:
                return int(message["channel_id"])
            return root  # a thread started from a message has the message's id
        if str(thread).isdigit() and int(thread) > max(self.roots, default=0):
            return int(thread)
        raise InvalidInput(f"event {thread} started no thread (it was not a message)")


def buttons_of(message: Mapping[str, Any]) -> list[Button]:
    found = []
    for row in message.get("components") or []:
        for part in row.get("components") or []:
            if part.get("type") != 2 or not part.get("custom_id"):
                continue
            label = str(part.get("label") or "")
            # The task number is the last number in the id (todo:done:<owner>:<n>,
            # todo:snooze:<owner>:<n>:h); the owner comes before it.
            numbers = [x for x in str(part["custom_id"]).split(":") if x.isdigit()]
            found.append(
                Button(
                    dict(message),
                    str(part["custom_id"]),
                    (label.split() or ["button"])[0].lower(),
                    int(numbers[-1]) if len(numbers) >= 2 else None,
                    bool(part.get("disabled")),
                    label,
                )
            )
    return found


def command(text: str) -> tuple[str, dict[str, Any]]:
    """``/todo add milk`` → ("todo", {"text": "add milk"}); ``/todo-add title:milk due:fri``
    → ("todo-add", {"title": "milk", "due": "fri"})."""
    text = text.strip()
    head, _, rest = text.partition(" ")
    if head.startswith("/todo-"):
        options: dict[str, Any] = {}
        try:
            words = shlex.split(rest)
        except ValueError as exc:
            raise InvalidInput(f"cannot read the options: {exc}") from exc
        key = None
        for word in words:
            if re.match(r"^[a-z]+:", word):
                key, _, value = word.partition(":")
                options[key] = value
            elif key is not None:
                options[key] = f"{options[key]} {word}".strip()
            else:
                raise InvalidInput(f"write options as name:value (got {word!r})")
        return head[1:], options
    body = rest.strip() if head == "/todo" else text
    if not body:
        raise InvalidInput("Discord's /todo needs text: /todo add milk (or use /todo-list)")
    return "todo", {"text": body}


def _author(event: Mapping[str, Any]) -> dict[str, Any]:
    user = str(event.get("user") or "4242").strip()
    if not user.isdigit() or len(user) > 20:
        raise InvalidInput(f"{user!r} is not a Discord user id (digits, like 4242)")
    return p.user(int(user), f"user{user}")


def _text(event: Mapping[str, Any]) -> str:
    text = event.get("text")
    if not isinstance(text, str) or not text.strip():
        raise InvalidInput(f"a {event.get('type')} needs some text")
    return text
