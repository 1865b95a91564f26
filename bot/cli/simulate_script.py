"""What people type into ``todobot simulate`` → events in the short form the simulators read.

One line is one event. A line starting with ``{`` is JSON (a short form or a real platform
payload); anything else is the conversational form::

    as U2 in #general: @todobot add milk tomorrow     a mention (the app's name anywhere)
    as U2 in thread 1: and bread                      a reply in the thread event 1 started
    as U3 dm: what's due today?                       a direct message
    /todo add call the bank friday                    the slash command
    click complete 1                                  a button on what the person sees
    submit title:buy milk due:friday                  fill in and submit the open form
    home                                              open the App Home tab
    wait 2h     |  at 2026-11-20 09:00                move the simulation clock

``as`` and ``in`` stay in force for the lines after them until changed.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bot.errors import InvalidInput

APP_NAME = "@todobot"
# A person's id starts with a capital or a digit (U2, 4242), so "as soon as…" is just text.
_AS = re.compile(r"(?i:as)\s+(?P<user>[A-Z0-9][\w-]*)\b\s*:?\s*")
# Where, ended by a colon: "in #general:", "#general thread 1:", "in thread 1:", "dm:".
_WHERE = re.compile(
    r"(?:(?:in\s+)?(?P<dm>dm)|(?:in\s+(?!thread\b)(?P<channel>#?[\w-]+)|(?P<hash>#[\w-]+)|in)?"
    r"\s*(?:thread\s+(?P<thread>[\w.]+))?)\s*:\s*",
    re.IGNORECASE,
)
_DURATION = re.compile(
    r"(\d+(?:\.\d+)?)\s*(w|weeks?|d|days?|h|hours?|hrs?|m|mins?|minutes?|s|secs?|seconds?)",
    re.IGNORECASE,
)
_UNITS = {"w": "weeks", "d": "days", "h": "hours", "m": "minutes", "s": "seconds"}


@dataclass
class Speaker:
    """Who is talking, and where, until a line says otherwise."""

    user: str
    channel: str = "#general"
    dm: bool = False


@dataclass(frozen=True, slots=True)
class ClockMove:
    """``wait``/``at``: the clock moves to ``until``."""

    until: datetime


@dataclass
class Script:
    """Reads lines for one platform; keeps the current speaker between them."""

    speaker: Speaker
    tz: ZoneInfo
    json_only: bool = False  # an events file: every line is a JSON event

    def read(self, line: str, *, now: datetime) -> dict[str, Any] | ClockMove | None:
        """The event (or clock move) ``line`` means; ``None`` for a blank line.

        Raises ``InvalidInput`` with a short explanation for anything else.
        """
        text = line.strip()
        if not text:
            return None
        if text.startswith("{") or self.json_only:
            return self._json(text, now=now)
        return self._typed(text, now=now)

    def _json(self, text: str, *, now: datetime) -> dict[str, Any] | ClockMove:
        try:
            event = json.loads(text)
        except json.JSONDecodeError as exc:
            raise InvalidInput(f"not valid JSON ({exc.msg} at column {exc.colno})") from exc
        if not isinstance(event, dict):
            raise InvalidInput("an event must be a JSON object")
        if event.get("type") == "wait":
            return self._clock_move(event, now=now)
        return event

    def _clock_move(self, event: dict[str, Any], *, now: datetime) -> ClockMove:
        until = event.get("until") or event.get("at")
        if until:
            return ClockMove(moment(str(until), self.tz, now=now))
        span = event.get("for") or event.get("text")
        if not span:
            raise InvalidInput('a wait needs "for": "2h" or "until": "2026-11-20T09:00"')
        return ClockMove(now + duration(str(span)))

    def _typed(self, text: str, *, now: datetime) -> dict[str, Any] | ClockMove:
        word = text.split(maxsplit=1)[0].lower()
        if word == "wait":
            return ClockMove(now + duration(text[4:]))
        if word == "at" and re.match(r"at\s+\d{4}-", text, re.IGNORECASE):
            return ClockMove(moment(text[2:].strip(), self.tz, now=now))
        rest = text
        said_as = _AS.match(rest)
        if said_as:
            self.speaker.user = said_as["user"]
            rest = rest[said_as.end() :]
        where = _WHERE.match(rest)
        channel = thread = None
        if where and where.end() > 0 and rest[: where.end()].strip(": "):
            channel, thread = where["channel"] or where["hash"], where["thread"]
            if where["dm"]:
                self.speaker.dm = True
            elif channel:
                self.speaker.channel, self.speaker.dm = channel, False
            rest = rest[where.end() :]
        rest = rest.strip()
        event: dict[str, Any] = {"user": self.speaker.user}
        head = rest.split(maxsplit=1)[0].lower() if rest else ""
        if head in ("home", "open") and re.fullmatch(r"(open\s+)?(app\s+)?home", rest, re.I):
            return {**event, "type": "home"}
        if head == "click":
            return {**event, "type": "click", "text": rest[5:].strip()}
        if head == "submit":
            return {**event, "type": "submit", "fields": form_fields(rest[6:])}
        if not rest:
            raise InvalidInput("say something: e.g. 'as U2 in #general: @todobot add milk'")
        if rest.startswith("/"):
            place = "dm" if self.speaker.dm else self.speaker.channel
            return {**event, "type": "command", "text": rest, "channel": place}
        if thread is not None:
            # The thread's own channel (a DM or a channel) is where the reply goes.
            event["thread"] = int(thread) if thread.isdigit() else thread
        elif self.speaker.dm:
            return {**event, "type": "dm", "text": _without_app(rest) or rest}
        if channel or thread is None:
            event["channel"] = self.speaker.channel
        if APP_NAME in rest.lower():
            return {**event, "type": "mention", "text": _without_app(rest)}
        return {**event, "type": "message", "text": rest}


def _without_app(text: str) -> str:
    return " ".join(re.sub(re.escape(APP_NAME), "", text, flags=re.IGNORECASE).split())


def form_fields(text: str) -> dict[str, str]:
    """``title:buy oat milk due:friday`` → ``{"title": "buy oat milk", "due": "friday"}``."""
    pairs = re.findall(r"(\w+):(.*?)(?=\s+\w+:|$)", text.strip())
    if text.strip() and not pairs:
        raise InvalidInput("fill the form as field:value, e.g. 'submit title:buy milk due:friday'")
    return {name: value.strip() for name, value in pairs}


def duration(text: str) -> timedelta:
    """``2h``, ``30 min``, ``1d 2h``, ``1 week`` → a ``timedelta``; ``InvalidInput`` else."""
    spans = _DURATION.findall(text)
    leftover = _DURATION.sub("", text).replace(",", "").replace("and", "").strip()
    if not spans or leftover:
        raise InvalidInput(f"wait how long? write e.g. 'wait 2h' or 'wait 30m' (got {text!r})")
    total = timedelta()
    for amount, unit in spans:
        total += timedelta(**{_UNITS[unit[0].lower()]: float(amount)})
    return total


def moment(text: str, tz: ZoneInfo, *, now: datetime) -> datetime:
    """An ISO 8601 date-time (``2026-11-20 09:00``; no offset → ``tz``), not before ``now``."""
    try:
        when = datetime.fromisoformat(text.strip())
    except ValueError as exc:
        raise InvalidInput(f"at when? write e.g. 'at 2026-11-20 09:00' (got {text!r})") from exc
    if when.tzinfo is None:
        when = when.replace(tzinfo=tz)
    if when < now:
        raise InvalidInput(f"the clock only moves forward; it is already {now.isoformat()}")
    return when
