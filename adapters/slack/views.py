"""The "Add task" modal as a Block Kit view, and reading it back (App Home: ``home_views``)."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from adapters.slack import texts
from adapters.slack.blocks import plain
from bot.tasks import DESCRIPTION_MAX, TITLE_MAX

ADD_TASK_CALLBACK = "todo_add"
# Block ids of the modal's inputs; validation errors are keyed by them.
TITLE_BLOCK, DUE_BLOCK, PRIORITY_BLOCK, NOTES_BLOCK = "title", "due", "priority", "notes"
DUE_DATE_BLOCK, DUE_TIME_BLOCK = "due_date", "due_time"
_VALUE = "value"
_PRIORITIES = ("low", "medium", "high")


def add_task_modal(
    *, title: str = "", notes: str = "", source: str | None = None
) -> dict[str, Any]:
    """The "Add task" form; ``source`` is a permalink the description will end with."""
    notes_room = DESCRIPTION_MAX - (len(texts.source_link(source)) + 2 if source else 0)
    title_input: dict[str, Any] = {
        "type": "plain_text_input",
        "action_id": _VALUE,
        "max_length": TITLE_MAX,
    }
    if title:
        title_input["initial_value"] = title[:TITLE_MAX]
    notes_input: dict[str, Any] = {
        "type": "plain_text_input",
        "action_id": _VALUE,
        "multiline": True,
        "max_length": notes_room,
    }
    if notes:
        notes_input["initial_value"] = notes[:notes_room]
    priority_options = [_option(p) for p in _PRIORITIES]
    return {
        "type": "modal",
        "callback_id": ADD_TASK_CALLBACK,
        "title": plain(texts.modal_title(), 24),
        "submit": plain(texts.modal_submit(), 24),
        "close": plain(texts.modal_close(), 24),
        "private_metadata": json.dumps({"source": source} if source else {}),
        "blocks": [
            {
                "type": "input",
                "block_id": TITLE_BLOCK,
                "label": plain(texts.field_title()),
                "element": title_input,
            },
            {
                "type": "input",
                "block_id": DUE_BLOCK,
                "optional": True,
                "label": plain(texts.field_due()),
                "hint": plain(texts.field_due_rule(), 2000),
                "element": {
                    "type": "plain_text_input",
                    "action_id": _VALUE,
                    "max_length": 100,
                    "placeholder": plain(texts.field_due_hint(), 150),
                },
            },
            {
                "type": "input",
                "block_id": DUE_DATE_BLOCK,
                "optional": True,
                "label": plain(texts.field_due_date()),
                "element": {"type": "datepicker", "action_id": _VALUE},
            },
            {
                "type": "input",
                "block_id": DUE_TIME_BLOCK,
                "optional": True,
                "label": plain(texts.field_due_time()),
                "element": {"type": "timepicker", "action_id": _VALUE},
            },
            {
                "type": "input",
                "block_id": PRIORITY_BLOCK,
                "label": plain(texts.field_priority()),
                "element": {
                    "type": "static_select",
                    "action_id": _VALUE,
                    "options": priority_options,
                    "initial_option": priority_options[1],
                },
            },
            {
                "type": "input",
                "block_id": NOTES_BLOCK,
                "optional": True,
                "label": plain(texts.field_notes()),
                "element": notes_input,
            },
        ],
    }


def _option(priority: str) -> dict[str, Any]:
    return {"text": plain(texts.priority_label(priority)), "value": priority}


@dataclass(frozen=True, slots=True)
class AddTaskForm:
    """What the form says. ``picked_date`` (``YYYY-MM-DD``) and ``picked_time`` (``HH:MM``)
    come from the pickers; ``due`` is the typed text."""

    title: str
    due: str
    priority: str
    notes: str
    source: str | None
    picked_date: str = ""
    picked_time: str = ""

    def errors(self) -> dict[str, str]:
        """Mistakes visible without asking the core, keyed by block id."""
        errors = {} if self.title else {TITLE_BLOCK: texts.title_required()}
        if self.picked_date and self.due:
            # Which day was meant is unclear; the text can be cleared, a picked date can't.
            errors[DUE_BLOCK] = texts.due_typed_and_picked()
        return errors

    def due_text(self) -> str:
        """The due date for the one date reader (which reads it in the person's zone).

        A picked date is the day; a picked time is the time of day, joined to the picked
        date, else to the typed day ("friday" + 17:00), else the next 17:00 to come.
        """
        if self.picked_date:
            return f"{self.picked_date} {self.picked_time}".strip()
        if self.picked_time:
            return f"{self.due} at {self.picked_time}" if self.due else self.picked_time
        return self.due

    def due_block(self) -> str:
        """The input a due date the core could not read is shown under."""
        if self.due:
            return DUE_BLOCK
        return DUE_DATE_BLOCK if self.picked_date else DUE_TIME_BLOCK

    def arguments(self) -> dict[str, Any]:
        """``add_task`` arguments; the permalink, if any, closes the description."""
        description = self.notes
        if self.source:
            link = texts.source_link(self.source)
            room = DESCRIPTION_MAX - len(link) - 2
            description = f"{description[:room]}\n\n{link}" if description else link
        arguments: dict[str, Any] = {
            "title": self.title,
            "priority": self.priority,
            "description": description,
        }
        if due := self.due_text():
            arguments["due"] = due
        return arguments


def read_add_task_form(view: Mapping[str, Any]) -> AddTaskForm:
    values = view.get("state", {}).get("values", {})

    def text(block: str) -> str:
        return str((values.get(block, {}).get(_VALUE) or {}).get("value") or "").strip()

    selected = (values.get(PRIORITY_BLOCK, {}).get(_VALUE) or {}).get("selected_option") or {}
    priority = selected.get("value") if selected.get("value") in _PRIORITIES else "medium"
    try:
        metadata = json.loads(view.get("private_metadata") or "{}")
    except json.JSONDecodeError:
        metadata = {}
    source = metadata.get("source") if isinstance(metadata, dict) else None
    picked = {
        name: str((values.get(block, {}).get(_VALUE) or {}).get(key) or "")
        for name, block, key in (
            ("date", DUE_DATE_BLOCK, "selected_date"),
            ("time", DUE_TIME_BLOCK, "selected_time"),
        )
    }
    return AddTaskForm(
        title=text(TITLE_BLOCK),
        due=text(DUE_BLOCK),
        priority=str(priority),
        notes=text(NOTES_BLOCK),
        source=str(source) if source else None,
        # Slack sends these shapes; anything else is not a pick (and is not passed on).
        picked_date=picked["date"] if re.fullmatch(r"\d{4}-\d{2}-\d{2}", picked["date"]) else "",
        picked_time=picked["time"] if re.fullmatch(r"\d{2}:\d{2}", picked["time"]) else "",
    )


def tool_error_block(error_code: str | None, form: AddTaskForm) -> str:
    """Which input a failed ``add_task`` result belongs under."""
    return form.due_block() if error_code == "invalid_date" else TITLE_BLOCK
