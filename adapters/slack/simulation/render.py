"""The app's Slack calls as people would see them: where each went, Block Kit as text.

Sections and context lines become lines, buttons become ``[Complete #1 …]`` with the
``click`` that presses them, headers and dividers are kept as such; a modal shows its title
and fields.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from adapters.slack.simulation.screen import button_name, buttons_in, task_number

INDENT = "    "


class Places:
    """Names for channels and threads: ``#general``, ``DM with U3``, ``thread of event 1``."""

    def __init__(
        self,
        channel_name: Callable[[str], str | None],
        roots: Mapping[int, tuple[str, str]],
        thread_of: Callable[[str, str], str | None],
    ) -> None:
        self._channel_name = channel_name
        self._roots = roots
        self.thread_of = thread_of

    def channel(self, channel: str) -> str:
        if channel.startswith("D"):
            return f"DM with U{channel[1:]}"
        name = self._channel_name(channel)
        return f"#{name}" if name else channel

    def thread(self, channel: str, thread_ts: str | None) -> str:
        if not thread_ts:
            return ""
        started = [n for n, (c, ts) in self._roots.items() if c == channel and ts == thread_ts]
        return f" › thread of event {min(started)}" if started else f" › thread {thread_ts}"


def render_calls(lines: list[dict[str, Any]], places: Places, *, full_home: bool) -> list[str]:
    """Every visible call; App Home updates in full only when ``full_home`` (the person is
    looking at it), else as one line."""
    out: list[str] = []
    for line in lines:
        out.extend(render_call(line, places, full_home=full_home))
    return out


def render_call(line: Mapping[str, Any], places: Places, *, full_home: bool = True) -> list[str]:
    method = line.get("method")
    channel = str(line.get("channel") or "")
    where = places.channel(channel) + places.thread(channel, line.get("thread_ts"))
    if method == "chat.postMessage":
        head = f"  todobot in {where}:"
    elif method == "chat.postEphemeral":
        head = f"  todobot in {where} (only {line.get('user')} sees this):"
    elif method == "response_url":
        replaced = " — replaces the message clicked" if line.get("replace_original") else ""
        head = f"  todobot in {where} (only {line.get('user')} sees this{replaced}):"
    elif method == "chat.update":
        where += places.thread(channel, places.thread_of(channel, str(line.get("ts"))))
        head = f"  todobot edits its message in {where}:"
    elif method == "views.publish":
        blocks = list((line.get("view") or {}).get("blocks") or [])
        if not full_home:
            summary = next((_text(b.get("text")) for b in blocks if b.get("type") == "section"), "")
            return [f"  (App Home of {line.get('user_id')} refreshed: {summary})"]
        return [f"  App Home of {line.get('user_id')} now shows:", *block_lines(blocks)]
    elif method == "ack":
        errors = line.get("errors") or {}
        if line.get("response_action") == "errors":
            return ["  the form stays open and says:"] + [
                INDENT + f"{field}: {text}" for field, text in errors.items()
            ]
        return ["  the form closes"]
    elif method == "views.open":
        return ["  a form opens for the person who clicked:", *modal_lines(line.get("view") or {})]
    else:
        return []
    blocks = list(line.get("blocks") or [])
    body = block_lines(blocks) if blocks else text_lines(str(line.get("text") or ""))
    return [head, *body]


def text_lines(text: str) -> list[str]:
    return [INDENT + row for row in text.splitlines()] or [INDENT]


def block_lines(blocks: list[dict[str, Any]]) -> list[str]:
    out: list[str] = []
    for block in blocks:
        kind = block.get("type")
        if kind == "section":
            out.extend(text_lines(_text(block.get("text"))))
            accessory = block.get("accessory")
            if isinstance(accessory, dict) and accessory.get("type") == "button":
                out.append(INDENT + _buttons([(accessory, str(block.get("block_id") or ""))]))
        elif kind == "header":
            out.append(INDENT + f"== {_text(block.get('text'))} ==")
        elif kind == "divider":
            out.append(INDENT + "─" * 30)
        elif kind == "context":
            texts = [_text(element) for element in block.get("elements") or []]
            out.append(INDENT + "· " + " ".join(t for t in texts if t))
        elif kind == "actions":
            out.append(INDENT + _buttons(list(buttons_in([block]))))
        else:
            out.append(INDENT + f"({kind} block)")
    return out


def modal_lines(view: Mapping[str, Any]) -> list[str]:
    out = [INDENT + f"== {_text(view.get('title'))} =="]
    for block in view.get("blocks") or []:
        if block.get("type") == "input":
            element = block.get("element") or {}
            value = element.get("initial_value") or _text(
                (element.get("initial_option") or {}).get("text")
            )
            out.append(INDENT + f"{_text(block.get('label'))}: [{value}]")
        else:
            out.extend(block_lines([block]))
    fields = [str(b.get("block_id")) for b in view.get("blocks") or [] if b.get("type") == "input"]
    out.append(
        INDENT
        + f"[{_text(view.get('submit')) or 'Submit'}]   ← submit "
        + " ".join(f"{field}:…" for field in fields)
    )
    return out


def _buttons(buttons: list[tuple[dict[str, Any], str]]) -> str:
    shown, clicks = [], []
    for button, block_id in buttons:
        shown.append(f"[{_text(button.get('text'))}]")
        name = button_name(str(button.get("action_id")))
        number = task_number(str(button.get("value") or ""), block_id)
        clicks.append(f"click {name}" + (f" {number}" if number is not None else ""))
    return " ".join(shown) + "   ← " + " / ".join(clicks)


def _text(obj: Any) -> str:
    if isinstance(obj, dict):
        return str(obj.get("text") or "")
    return str(obj or "")
