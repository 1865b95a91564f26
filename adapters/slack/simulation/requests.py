"""Simulated events → the HTTP requests Slack would send for them.

An event is a short form (``{"type": "mention"|"message"|"dm"|"command"|"click"|"home",
"user", "channel", "thread", "text", "team"}``) or a real payload: an Events API envelope, a
slash-command form (as an object), or an interactivity payload. Ids and timestamps come from
the simulation's clock, so the same events always make the same requests.
"""

from __future__ import annotations

import json
import re
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from adapters.slack.simulation import payloads
from adapters.slack.simulation.fake_slack import BOT_USER, TEAM, FakeSlack, dm_channel
from adapters.slack.simulation.screen import Screen, form_values
from bot.errors import InvalidInput

JSON = "application/json"
FORM = "application/x-www-form-urlencoded"
GENERAL = "C1"
INTERACTIVE_TYPES = frozenset(
    {"block_actions", "view_submission", "view_closed", "message_action", "shortcut"}
)
_CHANNEL_ID = re.compile(r"[CDG][A-Z0-9]{1,20}")
_NAME = re.compile(r"[a-z0-9][a-z0-9_-]{0,79}")


@dataclass(frozen=True, slots=True)
class SlackRequest:
    body: str
    content_type: str


@dataclass(frozen=True, slots=True)
class ResponseTarget:
    """Where answers to one ``response_url`` show: ephemeral, for ``user`` in ``channel``."""

    channel: str
    user: str
    replaces: str | None = None  # the ts of the ephemeral message a click came from


class RequestBuilder:
    """Turns events into requests; remembers which event started which thread."""

    def __init__(
        self,
        fake: FakeSlack,
        screen: Screen,
        clock: Callable[[], datetime],
        *,
        unique_ids: bool = False,
    ) -> None:
        # Event ids repeat run after run unless asked not to (for a database kept between runs).
        self._run = f"-{secrets.token_hex(4)}" if unique_ids else ""
        self._fake = fake
        self._screen = screen
        self._clock = clock
        self.channels: dict[str, str] = {"general": GENERAL}
        self.roots: dict[int, tuple[str, str]] = {}
        self.responses: dict[str, ResponseTarget] = {}
        # Each person's last short-form event: after "home", a click means the Home tab.
        self.last_kind: dict[str, str] = {}
        # trigger_id → who clicked or typed: a form opened with it is in front of them.
        self.triggers: dict[str, str] = {}

    def channel_name(self, channel: str) -> str | None:
        return next((name for name, cid in self.channels.items() if cid == channel), None)

    def build(self, event: Mapping[str, Any], number: int) -> list[SlackRequest]:
        kind = event.get("type")
        if kind == "event_callback":
            return [self._envelope(dict(event), number)]
        if kind in INTERACTIVE_TYPES:
            return [self._interactive(dict(event), number)]
        if "command" in event and kind is None:
            return [self._command_form(dict(event), number)]
        short: dict[str, Callable[[Mapping[str, Any], int], list[SlackRequest]]] = {
            "mention": self._mention,
            "message": self._message,
            "dm": self._dm,
            "command": self._command,
            "click": self._click,
            "home": self._home,
            "submit": self._submit,
        }
        handler = short.get(str(kind))
        if handler is None:
            raise InvalidInput(
                f"unknown event type {kind!r}: use mention, message, dm, command, click, home, "
                "submit or wait, or a real Slack payload"
            )
        requests = handler(event, number)
        if kind != "click":
            self.last_kind[_user(event)] = str(kind)
        return requests

    # ---- short forms -----------------------------------------------------------------------

    def _mention(self, event: Mapping[str, Any], number: int) -> list[SlackRequest]:
        channel = self._channel(event)
        if channel.startswith("D"):
            raise InvalidInput("a mention is for a channel; write to the app with type 'dm'")
        text = f"<@{BOT_USER}> {_text(event)}"
        ts, thread = self._ts(), self._thread(event)
        team = _team(event)
        user = _user(event)
        self.roots[number] = (channel, thread or ts)
        # Slack sends a channel mention twice: as app_mention and as a plain message event.
        mention = payloads.mention(
            text, user=user, channel=channel, ts=ts, thread_ts=thread, team=team
        )
        message = payloads.message(
            text, user=user, channel=channel, ts=ts, thread_ts=thread, team=team
        )
        return [self._event(mention, team), self._event(message, team)]

    def _message(self, event: Mapping[str, Any], number: int) -> list[SlackRequest]:
        channel = self._channel(event)
        if channel.startswith("D"):
            return self._dm(event, number)
        ts, thread, team = self._ts(), self._thread(event), _team(event)
        self.roots[number] = (channel, thread or ts)
        message = payloads.message(
            _text(event), user=_user(event), channel=channel, ts=ts, thread_ts=thread, team=team
        )
        return [self._event(message, team)]

    def _dm(self, event: Mapping[str, Any], number: int) -> list[SlackRequest]:
        user, team = _user(event), _team(event)
        channel = dm_channel(user)
        if event.get("channel") or event.get("thread") is not None:
            channel = self._channel(event) if self._channel(event).startswith("D") else channel
        ts, thread = self._ts(), self._thread(event)
        self.roots[number] = (channel, thread or ts)
        message = payloads.message(
            _text(event),
            user=user,
            channel=channel,
            channel_type="im",
            ts=ts,
            thread_ts=thread,
            team=team,
        )
        return [self._event(message, team)]

    def _command(self, event: Mapping[str, Any], number: int) -> list[SlackRequest]:
        user = _user(event)
        channel = dm_channel(user) if event.get("channel") == "dm" else self._channel(event)
        text = str(event.get("text") or "").strip()
        text = text.removeprefix("/todo").strip() if text.startswith("/todo") else text
        name = f"command-{number}"
        self.responses[name] = ResponseTarget(channel, user)
        body = payloads.command_form(
            text,
            response_url=self._fake.response_url(name),
            user=user,
            channel=channel,
            channel_name=self.channel_name(channel) or "directmessage",
            team=_team(event),
            trigger_id=f"trigger.{number}",
        )
        return [SlackRequest(body, FORM)]

    def _home(self, event: Mapping[str, Any], number: int) -> list[SlackRequest]:
        user, team = _user(event), _team(event)
        opened = payloads.home_opened(user, channel=dm_channel(user), event_ts=self._ts())
        return [self._event(opened, team)]

    def _click(self, event: Mapping[str, Any], number: int) -> list[SlackRequest]:
        user = _user(event)
        button = self._screen.find_button(
            user,
            str(event.get("text") or event.get("action") or ""),
            task=event.get("task"),
            message=str(event["message"]) if event.get("message") else None,
            home_first=self.last_kind.get(user) == "home",
        )
        surface = button.surface
        name = f"click-{number}"
        if surface.kind == "home":
            container: dict[str, Any] = {"type": "view", "view_id": "VHOME"}
        else:
            container = {
                "type": "message",
                "message_ts": surface.ts,
                "channel_id": surface.channel,
                "is_ephemeral": surface.kind == "ephemeral",
            }
            self.responses[name] = ResponseTarget(
                surface.channel, user, surface.ts if surface.kind == "ephemeral" else None
            )
        # Slack sends the message itself only for messages everyone sees.
        message = surface.as_message(BOT_USER) if surface.kind == "message" else None
        payload = payloads.block_action(
            button.action_id,
            button.value,
            user=user,
            container=container,
            message=message,
            response_url=self._fake.response_url(name) if surface.kind != "home" else None,
            team=_team(event),
            block_id=button.block_id,
            action_ts=self._ts(),
            trigger_id=f"trigger.{number}",
        )
        self.triggers[f"trigger.{number}"] = user
        if surface.kind == "home":
            payload["view"] = {"id": "VHOME", "type": "home", "blocks": surface.blocks}
        return [SlackRequest(payloads.interactive_form(payload), FORM)]

    def _submit(self, event: Mapping[str, Any], number: int) -> list[SlackRequest]:
        user = _user(event)
        view = self._screen.forms.get(user)
        if view is None:
            raise InvalidInput(f"{user} has no form open (a button like 'add' opens one)")
        fields = event.get("fields") or {}
        if not isinstance(fields, Mapping):
            raise InvalidInput('"fields" must be an object: {"title": "buy milk", "due": "friday"}')
        # A form that answered with errors keeps what was typed into it, as Slack's does.
        typed = self._screen.typed.setdefault(user, {})
        typed.update(fields)
        payload = payloads.view_submission(
            view, form_values(view, typed), user=user, team=_team(event)
        )
        payload["trigger_id"] = f"trigger.{number}"
        return [SlackRequest(payloads.interactive_form(payload), FORM)]

    # ---- real payloads ---------------------------------------------------------------------

    def _envelope(self, body: dict[str, Any], number: int) -> SlackRequest:
        body.setdefault("event_id", f"Ev{number:06d}{self._run}")
        event = body.get("event")
        if isinstance(event, Mapping) and event.get("ts") and event.get("channel"):
            self.roots[number] = (str(event["channel"]), str(event.get("thread_ts") or event["ts"]))
        return SlackRequest(json.dumps(body), JSON)

    def _interactive(self, payload: dict[str, Any], number: int) -> SlackRequest:
        if payload.get("type") in ("block_actions", "message_action"):
            name = f"click-{number}"
            user = str((payload.get("user") or {}).get("id", ""))
            channel = str((payload.get("channel") or {}).get("id", "")) or GENERAL
            payload.setdefault("response_url", self._fake.response_url(name))
            self.responses[name] = ResponseTarget(channel, user)
        return SlackRequest(payloads.interactive_form(payload), FORM)

    def _command_form(self, form: dict[str, Any], number: int) -> SlackRequest:
        name = f"command-{number}"
        form.setdefault("response_url", self._fake.response_url(name))
        form.setdefault("trigger_id", f"trigger.{number}")
        self.responses[name] = ResponseTarget(
            str(form.get("channel_id", GENERAL)), str(form.get("user_id", ""))
        )
        return SlackRequest(urlencode({k: str(v) for k, v in form.items()}), FORM)

    # ---- fields ----------------------------------------------------------------------------

    def _event(self, event: dict[str, Any], team: str) -> SlackRequest:
        body = payloads.event_body(
            event,
            event_id=f"Ev{self._fake.next_ts().replace('.', '')}{self._run}",
            team=team,
            event_time=int(self._clock().timestamp()),
        )
        return SlackRequest(json.dumps(body), JSON)

    def _ts(self) -> str:
        return self._fake.next_ts()

    def _channel(self, event: Mapping[str, Any]) -> str:
        thread = event.get("thread")
        if not event.get("channel") and isinstance(thread, int) and thread in self.roots:
            return self.roots[thread][0]  # a reply goes where its thread is
        raw = str(event.get("channel") or GENERAL).strip()
        if _CHANNEL_ID.fullmatch(raw):
            return raw
        name = raw.removeprefix("#").lower()
        if not _NAME.fullmatch(name):
            raise InvalidInput(f"{raw!r} is not a channel: write C1 or #general")
        return self.channels.setdefault(name, f"C{len(self.channels) + 1}")

    def _thread(self, event: Mapping[str, Any]) -> str | None:
        thread = event.get("thread")
        if thread is None or thread == "":
            return None
        if isinstance(thread, int) and not isinstance(thread, bool):
            if thread not in self.roots:
                raise InvalidInput(f"event {thread} started no thread (it was not a message)")
            return self.roots[thread][1]
        text = str(thread)
        if text.isdigit():
            return self._thread({"thread": int(text)})
        if not re.fullmatch(r"\d{1,12}\.\d{1,6}", text):
            raise InvalidInput(f"thread {text!r} is neither an event number nor a Slack ts")
        return text


def _text(event: Mapping[str, Any]) -> str:
    text = event.get("text")
    if not isinstance(text, str) or not text.strip():
        raise InvalidInput(f"a {event.get('type')} needs some text")
    return text


def _user(event: Mapping[str, Any]) -> str:
    user = str(event.get("user") or "U1").strip()
    if not re.fullmatch(r"[A-Z0-9]{1,20}", user):
        raise InvalidInput(f"{user!r} is not a Slack user id (like U2)")
    return user


def _team(event: Mapping[str, Any]) -> str:
    team = str(event.get("team") or TEAM).strip()
    if not re.fullmatch(r"[A-Z0-9]{1,20}", team):
        raise InvalidInput(f"{team!r} is not a Slack team id (like T1)")
    return team
