"""What todobot has shown in the simulated workspace, and which button a ``click`` means.

Messages, ephemeral answers and App Home views are kept as Slack keeps them (a message edited
by ``chat.update`` changes in place), so a click is built from what a person could really see.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

from adapters.slack.simulation.fake_slack import dm_channel
from bot.errors import InvalidInput

Kind = Literal["message", "ephemeral", "home"]


@dataclass(slots=True)
class Surface:
    """One thing on screen: a message everyone in ``channel`` sees, an ephemeral one for
    ``user``, or ``user``'s App Home."""

    kind: Kind
    channel: str
    ts: str
    text: str = ""
    blocks: list[dict[str, Any]] = field(default_factory=list)
    thread_ts: str | None = None
    user: str | None = None

    def as_message(self, bot_user: str) -> dict[str, Any]:
        message: dict[str, Any] = {
            "type": "message",
            "user": bot_user,
            "bot_id": "B1",
            "ts": self.ts,
            "text": self.text,
            "blocks": self.blocks,
        }
        if self.thread_ts:
            message["thread_ts"] = self.thread_ts
        return message


@dataclass(frozen=True, slots=True)
class Button:
    surface: Surface
    action_id: str
    value: str
    block_id: str
    name: str  # what a person types: "complete", "delete", "add"
    number: int | None  # the task it acts on, if any


def button_name(action_id: str) -> str:
    """``todo_complete`` → ``complete``, ``todo_home_add`` → ``add``."""
    return action_id.removeprefix("todo_").removeprefix("home_")


def buttons_in(blocks: list[dict[str, Any]]) -> Iterator[tuple[dict[str, Any], str]]:
    """Every button element of ``blocks`` with its block id."""
    for block in blocks:
        block_id = str(block.get("block_id") or "")
        elements = list(block.get("elements") or [])
        accessory = block.get("accessory")
        if accessory:
            elements.append(accessory)
        for element in elements:
            if isinstance(element, dict) and element.get("type") == "button":
                yield element, block_id


def task_number(value: str, block_id: str) -> int | None:
    for text in (value.rpartition(":")[2], block_id.rpartition(":")[2]):
        if text.isdigit():
            return int(text)
    return None


class Screen:
    def __init__(self) -> None:
        self.surfaces: list[Surface] = []
        # The form (modal view) open in front of each person, if any.
        self.forms: dict[str, dict[str, Any]] = {}
        self.typed: dict[str, dict[str, Any]] = {}  # what each person typed into their form

    def close_form(self, user: str) -> None:
        self.forms.pop(user, None)
        self.typed.pop(user, None)

    def show(self, surface: Surface) -> None:
        if surface.kind == "home":
            self.surfaces = [
                s for s in self.surfaces if not (s.kind == "home" and s.user == surface.user)
            ]
        self.surfaces.append(surface)

    def find(self, channel: str, ts: str) -> Surface | None:
        return next(
            (s for s in reversed(self.surfaces) if s.channel == channel and s.ts == ts), None
        )

    def visible_to(self, user: str, *, home_first: bool = False) -> list[Surface]:
        """What ``user`` sees, newest first: messages and their own ephemeral answers, then
        their App Home (first instead, when they are looking at it)."""
        seen = [s for s in reversed(self.surfaces) if _sees(user, s)]
        home = [s for s in seen if s.kind == "home"]
        chat = [s for s in seen if s.kind != "home"]
        return home + chat if home_first else chat + home

    def find_button(
        self,
        user: str,
        words: str,
        *,
        task: Any = None,
        message: str | None = None,
        home_first: bool = False,
    ) -> Button:
        """The button ``words`` (like "complete 1") names on what ``user`` sees, newest first.

        Raises ``InvalidInput`` with a line saying what is on screen when nothing fits.
        """
        name, number = _parse_click(words, task)
        surfaces = self.visible_to(user, home_first=home_first)
        if message is not None:
            surfaces = [s for s in surfaces if s.ts == message]
            if not surfaces:
                raise InvalidInput(f"no message {message} from todobot that {user} can see")
        buttons = [
            _button(surface, element, block_id)
            for surface in surfaces
            for element, block_id in buttons_in(surface.blocks)
        ]
        if not buttons:
            raise InvalidInput(f"there is no button on screen for {user} to click yet")
        names = {b.name for b in buttons}
        if name not in names:
            raise InvalidInput(
                f"unknown button {name!r}: the buttons {user} can see are "
                + ", ".join(sorted(names))
            )
        for button in buttons:
            if button.name == name and (number is None or button.number == number):
                return button
        shown = sorted({b.number for b in buttons if b.name == name and b.number is not None})
        raise InvalidInput(
            f"no {name!r} button for task {number} on screen; there are: "
            + (", ".join(f"{name} {n}" for n in shown) or "none with a number")
        )


def _sees(user: str, surface: Surface) -> bool:
    if surface.kind != "message":
        return surface.user == user
    # A DM between the app and someone else is not on this person's screen.
    return not surface.channel.startswith("D") or surface.channel == dm_channel(user)


def _button(surface: Surface, element: dict[str, Any], block_id: str) -> Button:
    action_id = str(element.get("action_id"))
    value = str(element.get("value") or "")
    return Button(
        surface, action_id, value, block_id, button_name(action_id), task_number(value, block_id)
    )


def _parse_click(words: str, task: Any) -> tuple[str, int | None]:
    match = re.fullmatch(r"\s*([a-z_-]+)(?:\s+#?(\d{1,9}))?\s*", words.lower())
    if match is None:
        raise InvalidInput(f"click what? write e.g. 'click complete 1' (got {words!r})")
    number = int(match[2]) if match[2] else None
    if task is not None:
        if not str(task).isdigit():
            raise InvalidInput(f"task {task!r} is not a number")
        number = int(task)
    return match[1], number


def form_values(view: dict[str, Any], fields: dict[str, Any]) -> dict[str, Any]:
    """The ``state.values`` Slack sends when a person submits ``view`` filled with ``fields``
    (block id → text; untouched inputs keep their initial value)."""
    values: dict[str, Any] = {}
    known = set()
    for block in view.get("blocks") or []:
        if block.get("type") != "input":
            continue
        block_id, element = str(block.get("block_id")), block.get("element") or {}
        known.add(block_id)
        given = fields.get(block_id)
        state: dict[str, Any] = {"type": element.get("type")}
        if element.get("type") == "static_select":
            options = element.get("options") or []
            chosen = next((o for o in options if o.get("value") == given), None)
            if given is not None and chosen is None:
                allowed = ", ".join(str(o.get("value")) for o in options)
                raise InvalidInput(f"{block_id} must be one of {allowed} (got {given!r})")
            state["selected_option"] = chosen or element.get("initial_option")
        else:
            text = given if given is not None else element.get("initial_value")
            state["value"] = str(text) if text else None
        values[block_id] = {str(element.get("action_id")): state}
    unknown = sorted(set(fields) - known)
    if unknown:
        raise InvalidInput(
            f"the form has no field {unknown[0]!r}; its fields are " + ", ".join(sorted(known))
        )
    return values
