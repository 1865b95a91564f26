"""The task as tool outcomes carry it: ``TaskView``, and the digest setting ``DigestView``.

A view is built from a ``Task`` once (``TaskView.of``) and becomes JSON only at the edges
(the model's tool message, MCP, the stored conversation). Stored conversations hold views in
older or shortened shapes — a listed task kept as number, title and state; a snapshot from
before reminders without ``remind_at`` — so a view remembers which keys it was given and
renders exactly those: undo tells "no reminder" from "not known" by a key's presence.

A view also reads as the mapping it renders to (``view["title"]``), so wording functions
written over exported tasks take it as they are; code that knows it holds a view reads its
attributes.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot import dates
from bot.tasks import Task

# The keys of a full view, in the order ``task_json`` has always written them.
FULL_KEYS = (
    "number",
    "title",
    "description",
    "priority",
    "due",
    "due_in_words",
    "completed",
    "created_at",
    "completed_at",
    "remind_at",
    "repeat",
)
# What a stored list keeps of each listed task (later turns refer back by number or title).
LISTED_KEYS = ("number", "title", "completed")
_KNOWN = (*FULL_KEYS, "repeat_in_words")


@dataclass(frozen=True, slots=True)
class TaskView(Mapping[str, Any]):
    """One task in an outcome: dates as ISO 8601 text in the person's zone, as exported.

    ``present``: the keys this view renders (a full view has ``FULL_KEYS``); a key absent
    from it reads as None here. ``extra``: keys of an old stored view this version does not know.
    """

    number: int = 0
    title: str = ""
    description: str | None = None
    priority: str | None = None
    due: str | None = None
    due_in_words: str | None = None
    completed: bool = False
    created_at: str | None = None
    completed_at: str | None = None
    remind_at: str | None = None
    repeat: str | None = None
    repeat_in_words: str | None = None
    present: tuple[str, ...] = FULL_KEYS
    extra: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def of(cls, task: Task, *, tz: ZoneInfo, now: datetime) -> TaskView:
        return cls(
            number=task.number,
            title=task.title,
            description=task.description,
            priority=task.priority.value,
            due=task.due.export(tz) if task.due else None,
            due_in_words=dates.describe_due(task.due, now=now, tz=tz) if task.due else None,
            completed=task.completed,
            created_at=task.created_at.isoformat(timespec="seconds"),
            completed_at=task.completed_at.isoformat(timespec="seconds")
            if task.completed_at
            else None,
            remind_at=task.remind_at.astimezone(tz).isoformat(timespec="minutes")
            if task.remind_at
            else None,
            repeat=task.repeat,
        )

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> TaskView:
        known = {key: data[key] for key in _KNOWN if key in data}
        return cls(
            **known,
            present=tuple(key for key in data if key in _KNOWN),
            extra={key: value for key, value in data.items() if key not in _KNOWN},
        )

    def as_json(self) -> dict[str, Any]:
        return {**{key: getattr(self, key) for key in self.present}, **self.extra}

    def has(self, key: str) -> bool:
        """Whether the view carries ``key`` (old snapshots lack the reminder keys)."""
        return key in self.present

    def __getitem__(self, key: str) -> Any:
        if key in self.present:
            return getattr(self, key)
        return self.extra[key]

    def __iter__(self) -> Iterator[str]:
        yield from self.present
        yield from self.extra

    def __len__(self) -> int:
        return len(self.present) + len(self.extra)

    def listed(self) -> TaskView:
        """The short form a stored list keeps."""
        return TaskView(
            number=self.number, title=self.title, completed=self.completed, present=LISTED_KEYS
        )

    def without_description(self) -> TaskView:
        """An assigned task as the assigner sees it: the details are the assignee's."""
        present = tuple(key for key in self.present if key != "description")
        return TaskView(**{**_fields(self), "description": None, "present": present})

    def with_repeat_in_words(self, words: str | None) -> TaskView:
        return TaskView(
            **{
                **_fields(self),
                "repeat_in_words": words,
                "present": (*self.present, "repeat_in_words"),
            }
        )


@dataclass(frozen=True, slots=True)
class DigestView:
    """The daily digest setting: local ``time`` as HH:MM; ``always``: even on empty days."""

    time: str
    always: bool

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> DigestView:
        return cls(time=str(data["time"]), always=bool(data["always"]))

    def as_json(self) -> dict[str, Any]:
        return {"time": self.time, "always": self.always}


def views(items: Any) -> tuple[TaskView, ...]:
    """The task views of a stored list (entries that are not objects are dropped)."""
    return tuple(TaskView.from_json(item) for item in items or () if isinstance(item, Mapping))


def _fields(view: TaskView) -> dict[str, Any]:
    return {key: getattr(view, key) for key in (*_KNOWN, "present", "extra")}
