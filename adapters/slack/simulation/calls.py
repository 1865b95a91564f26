"""The fake Slack's recorded calls → output lines, and what they put on people's screens.

A line is a call as the app made it (``method`` first, then where, then what), with the ``ts``
Slack gave a new message; answers to a ``response_url`` are ``"method": "response_url"`` with
the channel and person they were for.
"""

from __future__ import annotations

from typing import Any

from adapters.slack.simulation.fake_slack import Call, FakeSlack
from adapters.slack.simulation.requests import RequestBuilder, ResponseTarget
from adapters.slack.simulation.screen import Screen, Surface

LEADING_KEYS = ("channel", "thread_ts", "ts", "user", "user_id", "text", "blocks")


class CallReport:
    def __init__(self, fake: FakeSlack, screen: Screen, requests: RequestBuilder) -> None:
        self._fake = fake
        self._screen = screen
        self._requests = requests
        self.seen = 0  # calls already reported

    def collect(self) -> list[dict[str, Any]]:
        """The calls made since the last collection, as output lines, newest state applied."""
        calls = self._fake.calls[self.seen :]
        self.seen = len(self._fake.calls)
        lines: list[dict[str, Any]] = []
        publishes: dict[str, int] = {}
        for call in calls:
            if call.method == "socket:ack":
                continue
            line = self._line(call)
            if call.method == "views.publish":
                # Home refreshes coalesce with timing; only the last one of an event is what
                # the person sees, so only that one is reported (keeps the output stable).
                user = str(call.args.get("user_id"))
                if user in publishes:
                    lines[publishes[user]] = {}
                publishes[user] = len(lines)
            lines.append(line)
            self._show(call, line)
        return [line for line in lines if line]

    def _line(self, call: Call) -> dict[str, Any]:
        if call.method.startswith("response:"):
            name = call.method.removeprefix("response:")
            target = self._requests.responses.get(name, ResponseTarget("?", "?"))
            return {
                "method": "response_url",
                "channel": target.channel,
                "user": target.user,
                **{k: v for k, v in call.args.items() if k != "token"},
            }
        line: dict[str, Any] = {"method": call.method}
        # Where first, then what: the order people read a message in.
        for key in (*LEADING_KEYS, *call.args):
            if key in call.args and key != "token":
                line[key] = call.args[key]
        answer = call.answer or {}
        if call.method == "chat.postMessage" and answer.get("ts"):
            line["ts"] = answer["ts"]
        return line

    def _show(self, call: Call, line: dict[str, Any]) -> None:
        method = line["method"]
        blocks = list(line.get("blocks") or [])
        text = str(line.get("text") or "")
        if method == "chat.postMessage" and line.get("ts"):
            self._screen.show(
                Surface(
                    "message",
                    str(line["channel"]),
                    str(line["ts"]),
                    text,
                    blocks,
                    thread_ts=line.get("thread_ts"),
                )
            )
        elif method == "chat.update":
            shown = self._screen.find(str(line.get("channel")), str(line.get("ts")))
            if shown is not None:
                shown.text, shown.blocks = text, blocks
        elif method == "chat.postEphemeral" and call.answer:
            ts = str(call.answer.get("message_ts"))
            self._screen.show(
                Surface(
                    "ephemeral",
                    str(line["channel"]),
                    ts,
                    text,
                    blocks,
                    thread_ts=line.get("thread_ts"),
                    user=str(line.get("user")),
                )
            )
        elif method == "response_url":
            self._show_response(call, line, text, blocks)
        elif method == "views.open":
            user = self._requests.triggers.get(str(line.get("trigger_id")))
            if user is not None:
                self._screen.close_form(user)
                self._screen.forms[user] = dict(line.get("view") or {})
        elif method == "views.publish":
            view = line.get("view") or {}
            user = str(line.get("user_id"))
            self._screen.show(
                Surface("home", "", "home", "", list(view.get("blocks") or []), user=user)
            )

    def _show_response(
        self, call: Call, line: dict[str, Any], text: str, blocks: list[dict[str, Any]]
    ) -> None:
        target = self._requests.responses.get(call.method.removeprefix("response:"))
        if target is None:
            return
        if line.get("replace_original") and target.replaces:
            shown = self._screen.find(target.channel, target.replaces)
            if shown is not None:
                shown.text, shown.blocks = text, blocks
                return
        ts = self._fake.next_ts()
        line["ts"] = ts
        self._screen.show(Surface("ephemeral", target.channel, ts, text, blocks, user=target.user))
