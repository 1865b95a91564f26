"""What a tool call came to, one frozen dataclass per kind of answer.

Every kind renders to the JSON dict the tools have always returned (``as_json``: the wire to
the model and MCP, and what conversations store) and is read back from it by
``bot.outcomes.parse_outcome``. ``extra`` holds keys of an old stored answer this version
does not know, so such a row renders back unchanged.

    Outcome
    ├── Failure        a person's mistake explained (ok: false): message, error code, candidates
    ├── TaskChanged    add, complete, reopen, update, delete, snooze: the task, ``before`` it
    ├── Restored       undo: the task put back, re-created, or deleted again
    ├── TaskPage       one page of a list, with the true totals
    ├── TimezoneSet
    ├── RemindersListed / DigestSet
    ├── ChannelResult  a channel-list action done: the outcome on the channel's list, in words
    │                  (refused, it is a Failure whose ``extra`` names the ``list``)
    └── Reported       a sentence for the person and data for the model (teams, privacy…)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

from bot.outcomes.views import DigestView, TaskView


@dataclass(frozen=True, slots=True)
class Failure:
    """The tool refused or could not find what was meant; ``message`` is safe to show."""

    ok: ClassVar[bool] = False
    message: str
    error: str | None = None
    candidates: tuple[TaskView, ...] = ()
    extra: Mapping[str, Any] = field(default_factory=dict, kw_only=True)

    def as_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"ok": False, "error": self.error, "message": self.message}
        if self.candidates:
            out["candidates"] = [c.as_json() for c in self.candidates]
        return {**out, **self.extra}


@dataclass(frozen=True, slots=True)
class TaskChanged:
    """One task added or changed. ``before``: the task as it was (undo puts it back);
    ``already``: it was already so, nothing changed; ``deleted``: ``task`` is gone now;
    ``next_due``: a repeating task moved to its next occurrence instead of closing."""

    ok: ClassVar[bool] = True
    task: TaskView
    before: TaskView | None = None
    already: bool = False
    deleted: bool = False
    next_due: str | None = None
    next_due_in_words: str | None = None
    extra: Mapping[str, Any] = field(default_factory=dict, kw_only=True)

    @property
    def changed(self) -> bool:
        return not self.already

    def as_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"ok": True}
        if self.already:
            out["already"] = True
        out["task"] = self.task.as_json()
        if self.before is not None:
            out["before"] = self.before.as_json()
        if self.next_due is not None:
            out["next_due"] = self.next_due
            out["next_due_in_words"] = self.next_due_in_words
        if self.deleted:
            out["deleted"] = True
        return {**out, **self.extra}


@dataclass(frozen=True, slots=True)
class Restored:
    """Undo of one task: ``restored`` re-created it, ``deleted`` removed it again (undoing an
    add), ``before`` set it back from that; ``already`` with ``number``: it was already gone."""

    ok: ClassVar[bool] = True
    task: TaskView | None = None
    before: TaskView | None = None
    number: int | None = None
    already: bool = False
    deleted: bool = False
    restored: bool = False
    extra: Mapping[str, Any] = field(default_factory=dict, kw_only=True)

    @property
    def changed(self) -> bool:
        return not self.already

    def as_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"ok": True}
        for flag in ("already", "deleted", "restored"):
            if getattr(self, flag):
                out[flag] = True
        if self.number is not None:
            out["number"] = self.number
        if self.task is not None:
            out["task"] = self.task.as_json()
        if self.before is not None:
            out["before"] = self.before.as_json()
        return {**out, **self.extra}


@dataclass(frozen=True, slots=True)
class TaskPage:
    """One page of a list: ``total`` counts every match, ``first``/``last`` the positions
    shown (0 on an empty page), ``pages`` at least 1."""

    ok: ClassVar[bool] = True
    tasks: tuple[TaskView, ...]
    total: int
    page: int = 1
    pages: int = 1
    first: int = 0
    last: int = 0
    extra: Mapping[str, Any] = field(default_factory=dict, kw_only=True)

    @property
    def count(self) -> int:
        return len(self.tasks)

    def as_json(self) -> dict[str, Any]:
        return {
            "ok": True,
            "count": self.count,
            "total": self.total,
            "page": self.page,
            "pages": self.pages,
            "first": self.first,
            "last": self.last,
            "tasks": [t.as_json() for t in self.tasks],
            **self.extra,
        }

    def listed(self) -> TaskPage:
        """The page as a conversation keeps it: each task as number, title and state."""
        if len(self.tasks) <= 1:
            return self
        return TaskPage(
            tasks=tuple(t.listed() for t in self.tasks),
            total=self.total,
            page=self.page,
            pages=self.pages,
            first=self.first,
            last=self.last,
            extra=self.extra,
        )


@dataclass(frozen=True, slots=True)
class TimezoneSet:
    ok: ClassVar[bool] = True
    timezone: str
    extra: Mapping[str, Any] = field(default_factory=dict, kw_only=True)

    def as_json(self) -> dict[str, Any]:
        return {"ok": True, "timezone": self.timezone, **self.extra}


@dataclass(frozen=True, slots=True)
class RemindersListed:
    """Pending reminders, repeating tasks (with ``repeat_in_words``) and the digest."""

    ok: ClassVar[bool] = True
    reminders: tuple[TaskView, ...] = ()
    repeating: tuple[TaskView, ...] = ()
    digest: DigestView | None = None
    extra: Mapping[str, Any] = field(default_factory=dict, kw_only=True)

    def as_json(self) -> dict[str, Any]:
        return {
            "ok": True,
            "reminders": [t.as_json() for t in self.reminders],
            "repeating": [t.as_json() for t in self.repeating],
            "digest": None if self.digest is None else self.digest.as_json(),
            **self.extra,
        }


@dataclass(frozen=True, slots=True)
class DigestSet:
    """The digest turned on (``digest``) or off (None; ``already``: it was off)."""

    ok: ClassVar[bool] = True
    digest: DigestView | None
    already: bool = False
    extra: Mapping[str, Any] = field(default_factory=dict, kw_only=True)

    def as_json(self) -> dict[str, Any]:
        if self.digest is None:
            return {"ok": True, "digest": None, "already": self.already, **self.extra}
        return {"ok": True, "digest": self.digest.as_json(), **self.extra}


@dataclass(frozen=True, slots=True)
class ChannelResult:
    """A channel-list action: ``inner`` is the outcome on the channel's own list, ``message``
    says it in words, ``list_name`` names the list (``slack/T1/C123``)."""

    ok: ClassVar[bool] = True
    inner: TaskChanged | TaskPage
    list_name: str
    message: str

    def as_json(self) -> dict[str, Any]:
        return {**self.inner.as_json(), "list": self.list_name, "message": self.message}

    def listed(self) -> ChannelResult:
        inner = self.inner.listed() if isinstance(self.inner, TaskPage) else self.inner
        return ChannelResult(inner=inner, list_name=self.list_name, message=self.message)


@dataclass(frozen=True, slots=True)
class Reported:
    """A tool whose answer is a sentence for the person (``message``) with data the model may
    use (``details``): assigning (``task``: the task handed out), linking accounts, privacy,
    where reminders go. Also the bare ``{"ok": true}`` of a noted conversation state."""

    ok: ClassVar[bool] = True
    message: str | None = None
    details: Mapping[str, Any] = field(default_factory=dict)
    task: TaskView | None = None

    def as_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"ok": True}
        if self.message is not None:
            out["message"] = self.message
        out.update(self.details)
        if self.task is not None:
            out["task"] = self.task.as_json()
        return out


def message_of(outcome: Outcome) -> str | None:
    """The sentence an outcome carries for the person (a failure's explanation, a team or
    privacy tool's answer), if it carries one."""
    if isinstance(outcome, Failure | ChannelResult | Reported):
        return outcome.message
    return None


def task_of(outcome: Outcome) -> TaskView | None:
    """The one task an outcome is about (added, changed, restored, assigned), if one."""
    if isinstance(outcome, ChannelResult):
        return task_of(outcome.inner)
    if isinstance(outcome, TaskChanged | Restored | Reported):
        return outcome.task
    return None


Outcome = (
    Failure
    | TaskChanged
    | Restored
    | TaskPage
    | TimezoneSet
    | RemindersListed
    | DigestSet
    | ChannelResult
    | Reported
)
