"""Reading an outcome back from its JSON dict: a stored conversation, or a tool's answer.

The tool's name says which kind to expect. A stored answer that does not fit its kind (a
shape from an older version, a hand-edited row) is kept whole as ``Reported`` — or
``Failure`` when it was not ok — rather than refused: history must always load.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from bot.outcomes.kinds import (
    ChannelResult,
    DigestSet,
    Failure,
    Outcome,
    RemindersListed,
    Reported,
    Restored,
    TaskChanged,
    TaskPage,
    TimezoneSet,
)
from bot.outcomes.views import DigestView, TaskView, views


def parse_outcome(tool: str, result: Mapping[str, Any]) -> Outcome:
    """The outcome ``result`` (a tool's JSON answer) stands for; never raises."""
    if not result.get("ok"):
        return _failure(result)
    reader = _READERS.get(tool)
    if reader is not None:
        try:
            return reader(result)
        except (KeyError, TypeError, ValueError, AttributeError):
            pass
    return _reported(result)


def _rest(result: Mapping[str, Any], *known: str) -> dict[str, Any]:
    return {k: v for k, v in result.items() if k != "ok" and k not in known}


def _view(data: Any) -> TaskView | None:
    if data is None:
        return None
    if not isinstance(data, Mapping):
        raise TypeError("a task is an object")
    return TaskView.from_json(data)


def _failure(result: Mapping[str, Any]) -> Failure:
    return Failure(
        message=str(result.get("message") or ""),
        error=result.get("error"),
        candidates=views(result.get("candidates")),
        extra=_rest(result, "message", "error", "candidates"),
    )


def _changed(result: Mapping[str, Any]) -> TaskChanged:
    task = _view(result["task"])
    assert task is not None
    return TaskChanged(
        task=task,
        before=_view(result.get("before")),
        already=bool(result.get("already")),
        deleted=bool(result.get("deleted")),
        next_due=result.get("next_due"),
        next_due_in_words=result.get("next_due_in_words"),
        extra=_rest(
            result, "task", "before", "already", "deleted", "next_due", "next_due_in_words"
        ),
    )


def _restored(result: Mapping[str, Any]) -> Restored:
    return Restored(
        task=_view(result.get("task")),
        before=_view(result.get("before")),
        number=result.get("number"),
        already=bool(result.get("already")),
        deleted=bool(result.get("deleted")),
        restored=bool(result.get("restored")),
        extra=_rest(result, "task", "before", "number", "already", "deleted", "restored"),
    )


def _page(result: Mapping[str, Any]) -> TaskPage:
    # Lists stored before paging carry only ``count`` and ``tasks``: one page of them all.
    tasks = views(result["tasks"])
    return TaskPage(
        tasks=tasks,
        total=int(result.get("total", len(tasks))),
        page=int(result.get("page") or 1),
        pages=int(result.get("pages") or 1),
        first=int(result.get("first", 1 if tasks else 0)),
        last=int(result.get("last", len(tasks))),
        extra=_rest(result, "count", "total", "page", "pages", "first", "last", "tasks"),
    )


def _timezone(result: Mapping[str, Any]) -> TimezoneSet:
    return TimezoneSet(timezone=str(result["timezone"]), extra=_rest(result, "timezone"))


def _digest(data: Any) -> DigestView | None:
    return None if data is None else DigestView.from_json(data)


def _reminders(result: Mapping[str, Any]) -> RemindersListed:
    return RemindersListed(
        reminders=views(result.get("reminders")),
        repeating=views(result.get("repeating")),
        digest=_digest(result.get("digest")),
        extra=_rest(result, "reminders", "repeating", "digest"),
    )


def _digest_set(result: Mapping[str, Any]) -> DigestSet:
    digest = _digest(result["digest"])
    return DigestSet(
        digest=digest,
        already=bool(result.get("already")),
        extra=_rest(result, "digest", "already" if digest is None else ""),
    )


def _channel(result: Mapping[str, Any]) -> ChannelResult:
    inner_json = {k: v for k, v in result.items() if k not in ("list", "message")}
    inner = _page(inner_json) if "tasks" in inner_json else _changed(inner_json)
    return ChannelResult(inner=inner, list_name=str(result["list"]), message=str(result["message"]))


def _reported(result: Mapping[str, Any]) -> Reported:
    message = result.get("message")
    task = result.get("task")
    typed = isinstance(task, Mapping)
    task = task if isinstance(task, Mapping) else None
    return Reported(
        message=None if message is None else str(message),
        details=_rest(result, "message" if message is not None else "", "task" if typed else ""),
        task=TaskView.from_json(task) if task is not None else None,
    )


_READERS: dict[str, Callable[[Mapping[str, Any]], Outcome]] = {
    "add_task": _changed,
    "complete_task": _changed,
    "reopen_task": _changed,
    "update_task": _changed,
    "delete_task": _changed,
    "snooze_task": _changed,
    "restore_task": _restored,
    "list_tasks": _page,
    "set_timezone": _timezone,
    "list_reminders": _reminders,
    "set_digest": _digest_set,
    "channel_list": _channel,
}
