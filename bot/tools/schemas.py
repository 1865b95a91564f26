"""Argument schemas of the task tools: pydantic models that validate and emit JSON Schema.

The speaker is never an argument: the toolbox is bound to one user by the core.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

from bot.tasks import DESCRIPTION_MAX, TITLE_MAX

PriorityName = Literal["low", "medium", "high"]


# Task numbers are 32-bit in the database; anything larger cannot name a task.
TASK_NUMBER_MAX = 2**31 - 1
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_LINE_BREAKS = re.compile("[\r\n\x85\u2028\u2029]")
# Bidirectional controls (embeddings, overrides, isolates) make a title display reversed or
# reordered ("invoice\u202Efdp.exe" shows as "invoiceexe.pdf"); they mean nothing in a task.
_BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")
_MULTILINE_FIELDS = frozenset({"description", "append_note"})


class _Args(BaseModel):
    # Built on first use: a turn validates one or two tools, a start-up need not build all.
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, defer_build=True)

    @field_validator("*", mode="before")
    @classmethod
    def _no_bidi_controls(cls, value: Any) -> Any:
        return _BIDI_CONTROLS.sub("", value) if isinstance(value, str) else value

    @field_validator("*", mode="after")
    @classmethod
    def _printable(cls, value: Any, info: ValidationInfo) -> Any:
        # NUL and other control characters are refused here, as a readable tool error, rather
        # than by the database halfway through a turn.
        if isinstance(value, str):
            if _CONTROL_CHARACTERS.search(value):
                raise ValueError("must not contain control characters")
            if info.field_name not in _MULTILINE_FIELDS and _LINE_BREAKS.search(value):
                raise ValueError("must be a single line")
        return value


class TaskRefArgs(_Args):
    number: int | None = Field(
        default=None,
        ge=1,
        le=TASK_NUMBER_MAX,
        description="The task's number as shown to the person (#3 → 3).",
    )
    query: str | None = Field(
        default=None,
        min_length=1,
        max_length=TITLE_MAX,
        description="Words from the task's title, when the number is not known.",
    )

    @field_validator("number", mode="before")
    @classmethod
    def _not_a_boolean(cls, value: Any) -> Any:
        # JSON true would otherwise quietly become task #1.
        if isinstance(value, bool):
            raise ValueError("must be a task number, not true/false")
        return value

    @model_validator(mode="after")
    def _one_reference(self) -> TaskRefArgs:
        if (self.number is None) == (self.query is None):
            raise ValueError("give exactly one of 'number' or 'query'")
        return self


_REMIND_AT = (
    "When to remind the person: YYYY-MM-DDTHH:MM local, or words such as 'at 5pm', "
    "'tomorrow morning', 'in 2 hours', '30 min before' (before the due time)."
)
_REPEAT = (
    "Repeat rule: words such as 'every monday at 10', 'every weekday', 'on the 1st of every "
    "month', 'daily', or an RFC 5545 RRULE such as 'FREQ=WEEKLY;BYDAY=MO'."
)


class AddTaskArgs(_Args):
    title: str = Field(min_length=1, max_length=TITLE_MAX, description="Short task title.")
    description: str = Field(default="", max_length=DESCRIPTION_MAX, description="Details.")
    priority: PriorityName = "medium"
    due: str | None = Field(
        default=None,
        min_length=1,
        max_length=100,
        description="YYYY-MM-DD for a date, YYYY-MM-DDTHH:MM for a local date and time, "
        "or words such as 'next friday 5pm'. Omit for no due date.",
    )
    remind_at: str | None = Field(
        default=None, min_length=1, max_length=100, description=_REMIND_AT
    )
    repeat: str | None = Field(default=None, min_length=1, max_length=200, description=_REPEAT)


# A list answers with one page and the true total; the next page is one call away.
LIST_PAGE_SIZE = 25
LIST_PAGE_MAX = 200


class ListTasksArgs(_Args):
    status: Literal["open", "completed", "all"] = "open"
    priority: PriorityName | None = None
    due_after: str | None = Field(
        default=None, max_length=100, description="Only tasks due on or after this date."
    )
    due_before: str | None = Field(
        default=None, max_length=100, description="Only tasks due on or before this date."
    )
    overdue: bool = Field(default=False, description="Only tasks whose due date has passed.")
    has_due: bool | None = Field(
        default=None, description="true: only tasks with a due date; false: only those without."
    )
    numbers: list[Annotated[int, Field(ge=1)]] | None = Field(
        default=None, max_length=50, description="Only these task numbers."
    )
    matching: str | None = Field(
        default=None,
        min_length=1,
        max_length=500,
        description="Only tasks these words could name (e.g. 'the dentist thing'), best first.",
    )
    sort: Literal["due", "priority", "number", "newest"] = Field(
        default="due",
        description="due: soonest first (default); priority: high first; number; newest first.",
    )
    page: int = Field(default=1, ge=1, le=100_000, description="Which page of the list, from 1.")
    page_size: int = Field(
        default=LIST_PAGE_SIZE, ge=1, le=LIST_PAGE_MAX, description="Tasks per page."
    )


class CompleteTaskArgs(TaskRefArgs):
    pass


class ReopenTaskArgs(TaskRefArgs):
    pass


class DeleteTaskArgs(TaskRefArgs):
    pass


class UpdateTaskArgs(TaskRefArgs):
    title: str | None = Field(default=None, min_length=1, max_length=TITLE_MAX)
    description: str | None = Field(
        default=None, max_length=DESCRIPTION_MAX, description="Replaces the details."
    )
    append_note: str | None = Field(
        default=None,
        min_length=1,
        max_length=DESCRIPTION_MAX,
        description="Text added to the end of the details.",
    )
    priority: PriorityName | None = None
    due: str | None = Field(default=None, min_length=1, max_length=100, description="New due date.")
    clear_due: bool = Field(default=False, description="Remove the due date.")
    remind_at: str | None = Field(
        default=None, min_length=1, max_length=100, description=_REMIND_AT + " null: no reminder."
    )
    repeat: str | None = Field(
        default=None, min_length=1, max_length=200, description=_REPEAT + " null: stop repeating."
    )

    @model_validator(mode="after")
    def _something_changes(self) -> UpdateTaskArgs:
        if self.due is not None and self.clear_due:
            raise ValueError("give either 'due' or 'clear_due', not both")
        fields = (self.title, self.description, self.append_note, self.priority, self.due)
        timing = {"remind_at", "repeat"} & self.model_fields_set
        if all(value is None for value in fields) and not self.clear_due and not timing:
            raise ValueError(
                "nothing to change: give a title, description, priority, due, remind_at or repeat"
            )
        return self


class SnoozeTaskArgs(TaskRefArgs):
    until: str | None = Field(
        default=None,
        min_length=1,
        max_length=100,
        description="When to remind again: 'in 2 hours', 'friday', 'tomorrow 9:00'. "
        "Default: in 1 hour.",
    )


class ListRemindersArgs(_Args):
    pass


class SetDigestArgs(_Args):
    time: str | None = Field(
        default=None,
        min_length=1,
        max_length=50,
        description="Local time of the daily list, '08:00' or words such as '8am'. Default 08:00.",
    )
    enabled: bool = Field(default=True, description="false stops the daily list.")
    always: bool = Field(
        default=False, description="Send it also on days with nothing due or overdue."
    )


class SetTimezoneArgs(_Args):
    timezone: str = Field(
        min_length=1, max_length=64, description="IANA timezone name, e.g. Europe/Berlin."
    )


class SetReminderPlatformArgs(_Args):
    platform: Literal["slack", "discord", "console", "here", "last"] = Field(
        description="Where reminders and notices go: a platform, 'here' (this conversation's "
        "platform) or 'last' (wherever the speaker last wrote: the default)."
    )


class AssignTaskArgs(_Args):
    assignee: str = Field(
        min_length=2,
        max_length=100,
        description="The person, as mentioned in the chat: <@U123> on Slack, <@123> on Discord, "
        "@name on the console. Only people of the speaker's own workspace/server.",
    )
    title: str = Field(min_length=1, max_length=TITLE_MAX, description="Short task title.")
    description: str = Field(default="", max_length=DESCRIPTION_MAX, description="Details.")
    priority: PriorityName = "medium"
    due: str | None = Field(
        default=None, min_length=1, max_length=100, description="A date or words ('friday')."
    )


class ListAssignedArgs(_Args):
    pass


class LinkAccountsArgs(_Args):
    code: str | None = Field(
        default=None,
        min_length=3,
        max_length=20,
        description="The code from the other account; omit to get a new code for this one.",
    )


class UnlinkAccountsArgs(_Args):
    pass


class ChannelListArgs(_Args):
    action: Literal["add", "list", "complete", "reopen", "delete"]
    title: str | None = Field(default=None, min_length=1, max_length=TITLE_MAX)
    due: str | None = Field(default=None, min_length=1, max_length=100)
    number: int | None = Field(default=None, ge=1, le=TASK_NUMBER_MAX)


class ForgetMeArgs(_Args):
    confirm: bool = Field(
        default=False,
        description="true only after the person confirmed they want everything deleted.",
    )


class ExportMyDataArgs(_Args):
    pass


@dataclass(frozen=True, slots=True)
class ToolSpec:
    name: str
    description: str
    arguments: type[_Args]
    changes_tasks: bool

    def json_schema(self) -> dict[str, Any]:
        schema = self.arguments.model_json_schema()
        schema.pop("title", None)
        for prop in schema.get("properties", {}).values():
            prop.pop("title", None)
        return schema


TOOL_SPECS: tuple[ToolSpec, ...] = (
    ToolSpec(
        "add_task",
        "Add a task to the speaker's list, optionally with a reminder and a repeat rule.",
        AddTaskArgs,
        True,
    ),
    ToolSpec(
        "list_tasks",
        "List the speaker's tasks, optionally filtered by status, priority and due date, one "
        "page at a time: the result gives `total` (all that match) and `pages`.",
        ListTasksArgs,
        False,
    ),
    ToolSpec("complete_task", "Mark one of the speaker's tasks done.", CompleteTaskArgs, True),
    ToolSpec("reopen_task", "Mark a completed task as not done.", ReopenTaskArgs, True),
    ToolSpec(
        "update_task",
        "Change a task's title, details, priority, due date, reminder or repeat rule.",
        UpdateTaskArgs,
        True,
    ),
    ToolSpec("delete_task", "Delete one of the speaker's tasks.", DeleteTaskArgs, True),
    ToolSpec(
        "snooze_task",
        "Remind the speaker about a task again later (default in 1 hour).",
        SnoozeTaskArgs,
        True,
    ),
    ToolSpec(
        "list_reminders",
        "The speaker's pending reminders, repeating tasks and daily-list setting.",
        ListRemindersArgs,
        False,
    ),
    ToolSpec(
        "set_digest",
        "Start, move or stop the speaker's daily list of what is due, sent at a local time.",
        SetDigestArgs,
        False,
    ),
    ToolSpec(
        "set_timezone",
        "Set the speaker's timezone, used for every due date from now on.",
        SetTimezoneArgs,
        False,
    ),
    ToolSpec(
        "set_reminder_platform",
        "Choose where the speaker's reminders and notices are sent: Slack, Discord, the "
        "console, 'here', or 'last' (the platform they last wrote on).",
        SetReminderPlatformArgs,
        False,
    ),
    ToolSpec(
        "assign_task",
        "Give a new task to another person of this workspace: it goes on their list (they own "
        "it) and they are told; the speaker is told when it is done or declined.",
        AssignTaskArgs,
        False,
    ),
    ToolSpec(
        "list_assigned",
        "The tasks the speaker assigned to others, with their state.",
        ListAssignedArgs,
        False,
    ),
    ToolSpec(
        "link_accounts",
        "Without a code: a one-time code to link another account of the speaker. With the "
        "code from the other account: join both into one list.",
        LinkAccountsArgs,
        True,
    ),
    ToolSpec(
        "unlink_accounts",
        "Separate this account from the ones it is linked to.",
        UnlinkAccountsArgs,
        True,
    ),
    ToolSpec(
        "channel_list",
        "The shared list of the channel this conversation is in ('our list'): add, list, "
        "complete, reopen or delete (by the list's own numbers). Everyone in the channel "
        "shares it; the speaker's personal list is separate.",
        ChannelListArgs,
        True,
    ),
    ToolSpec(
        "export_my_data",
        "Everything stored about the speaker (identities, tasks, messages) as JSON.",
        ExportMyDataArgs,
        False,
    ),
    ToolSpec(
        "forget_me",
        "Delete the speaker and all their data. Without confirm=true it only explains what "
        "would be deleted; call it with confirm=true only after the person said yes.",
        ForgetMeArgs,
        True,
    ),
)

SPECS_BY_NAME = {spec.name: spec for spec in TOOL_SPECS}


def tool_schemas() -> list[dict[str, Any]]:
    """``{"name", "description", "parameters"}`` for every tool, as function-calling APIs take."""
    return [
        {"name": s.name, "description": s.description, "parameters": s.json_schema()}
        for s in TOOL_SPECS
    ]
