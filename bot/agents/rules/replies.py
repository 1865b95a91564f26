"""Everything the rules agent says, as small functions over tool results.

Replies restate what was understood — title, due date in words, priority — so that a
misunderstanding shows at once. Tasks arrive as the tools return them (``TaskView``). Fixed
wording is data (``words.toml``: lines by name, help topics, what cannot be done yet); the
functions only put a task's values into it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import date, datetime
from typing import Any

from bot import dates
from bot.agents.rules.phrasebook import vocabulary
from bot.outcomes import (
    DigestSet,
    Outcome,
    RemindersListed,
    TaskChanged,
    TaskPage,
    TaskView,
    message_of,
)

_MAX_LISTED = 30


def due_words(task: TaskView) -> str:
    """ "tomorrow (Thu 19 Nov)", "Friday 20 Nov at 3:00 PM", "Fri 4 Dec": words and the date."""
    words, due = task.due_in_words or "", task.due
    if not words or not due or re.search(r"\d{1,2} [A-Z][a-z]{2}", words):
        return words
    day = date.fromisoformat(due) if len(due) == 10 else datetime.fromisoformat(due).date()
    head, _, clock = words.partition(" at ")
    if head == f"{day:%A}":  # "Friday" → "Friday 20 Nov"
        head = f"{head} {day.day} {day:%b}"
    else:  # "tomorrow" → "tomorrow (Thu 19 Nov)"
        head = f"{head} ({day:%a} {day.day} {day:%b})"
    return head + (f" at {clock}" if clock else "")


def task_line(task: TaskView) -> str:
    """ "#3 buy milk — due tomorrow (Thu 19 Nov) · high priority" """
    extras = [f"due {due_words(task)}"] if task.due_in_words else []
    if task.priority and task.priority != "medium":
        extras.append(f"{task.priority} priority")
    if task.completed:
        extras.append("done")
    return f"#{task.number} {task.title}" + (" — " + " · ".join(extras) if extras else "")


def _quoted(task: TaskView) -> str:
    return f"#{task.number} “{task.title}”"


def _settings(task: TaskView) -> str:
    due = f"due {due_words(task)}" if task.due_in_words else "no due date"
    return f"{due}, {task.priority or 'medium'} priority"


def added(tasks: Sequence[TaskView]) -> str:
    if len(tasks) == 1:
        task = tasks[0]
        note = f"\nNote: {task.description}" if task.description else ""
        return f"Added {_quoted(task)} — {_settings(task)}.{note}"
    lines = [f"Added {len(tasks)} tasks:"] + [f"• {_quoted(t)} — {_settings(t)}" for t in tasks]
    return "\n".join(lines)


def title_too_long(length: int, limit: int) -> str:
    return (
        f"That title is {length:,} characters long; a title can have at most {limit}. "
        "I didn't add it. Try a short title with the details after a colon, "
        "e.g. “add sort out the lease: …details…”."
    )


def too_many_tasks(count: int, limit: int) -> str:
    return (
        f"That message holds {count:,} tasks; I add at most {limit} from one message, "
        "so I didn't add any. Send them in smaller batches."
    )


def listed(
    tasks: Sequence[TaskView], *, label: str, status: str, page: TaskPage | None = None
) -> str:
    """A list, or one page of it (``page``: the tool's page, with its totals)."""
    what = {"open": "open tasks", "completed": "completed tasks", "all": "tasks"}[status]
    if label:
        what += f" {label}"
    total = page.total if page else len(tasks)
    if not tasks:
        if total and page:
            return f"There are only {total:,} {what}: no page {page.page}."
        if status == "open" and not label:
            return "Your list is empty — nothing open. Add something with “add …”."
        return f"No {what}."
    lines = [f"• {task_line(t)}" for t in tasks[:_MAX_LISTED]]
    if len(tasks) > _MAX_LISTED:
        lines.append(f"…and {len(tasks) - _MAX_LISTED} more.")
    if page is None or total <= len(tasks):
        return "\n".join([f"Your {what} ({total:,}):", *lines])
    head = f"Your {what} — showing {page.first:,}–{page.last:,} of {total:,}:"
    if page.page < page.pages:
        lines.append("Say “more” for the next page, or “page N”.")
    return "\n".join([head, *lines])


def shown(tasks: Sequence[TaskView], *, asked: Sequence[int]) -> str:
    """One or a few tasks in full, details included."""
    lines = []
    for task in tasks:
        lines.append(task_line(task))
        if task.description:
            lines.append(f"  Note: {task.description}")
    found = {t.number for t in tasks}
    return "\n".join(lines + [f"You have no task #{n}." for n in asked if n not in found])


def changed(verb: str, task: TaskView, *, already: bool = False) -> str:
    """One task completed, reopened or deleted (``verb``: the tool's verb)."""
    return say(f"{verb}_already" if already and verb != "delete" else verb, task=task)


def removed_completed(tasks: Sequence[TaskView]) -> str:
    if not tasks:
        return "There are no completed tasks to remove."
    names = ", ".join(_quoted(t) for t in tasks[:10])
    more = f" and {len(tasks) - 10} more" if len(tasks) > 10 else ""
    return f"Removed {len(tasks)} completed task{'s' if len(tasks) != 1 else ''}: {names}{more}."


def updated(before: TaskView, after: TaskView) -> str:
    changes = []
    if before.title != after.title:
        changes.append(f"renamed to “{after.title}”")
    if before.due != after.due:
        changes.append(
            f"now due {due_words(after)}" if after.due_in_words else "no due date anymore"
        )
    if before.priority != after.priority:
        changes.append(f"priority {after.priority}")
    if before.description != after.description:
        changes.append(
            f"details now: {after.description}" if after.description else "details removed"
        )
    what = "; ".join(changes) or "nothing changed"
    return f"Updated {_quoted(after)}: {what}."


def ambiguous(words: str, candidates: Sequence[tuple[int, str]]) -> str:
    if len(candidates) == 1:
        number, title = candidates[0]
        return (
            f"I'm not sure “{words}” means #{number} “{title}”, so I changed nothing. "
            f"If it does, use its number."
        )
    names = "; ".join(f"#{n} “{t}”" for n, t in candidates[:6])
    return f"“{words}” could be more than one task: {names}. Which one? Use its number."


def undo_restored(task: TaskView) -> str:
    line = task_line(task)
    state = line.split(" — ", 1)[1] if " — " in line else "open, no due date"
    return f"{_quoted(task)} is back as it was ({state})"


def undone(lines: Sequence[str]) -> str:
    return "Undone: " + "; ".join(lines) + "."


# Fixed wording, by name (``words.toml``, [replies]); ``{task}`` in a line is the task given.
_WORDING = vocabulary()["replies"]
_LINES: dict[str, str] = _WORDING["lines"]


def say(line: str, task: TaskView | None = None, **values: object) -> str:
    return _LINES[line].format(task=_quoted(task) if task else "", **values)


_SMALL_TALK: dict[str, str] = {**_WORDING["small_talk"], "refuse_bulk": _LINES["refuse_bulk"]}


def _clock(moment: datetime) -> str:
    return f"{moment.hour % 12 or 12}:{moment.minute:02d} {'AM' if moment.hour < 12 else 'PM'}"


def today(moment: datetime) -> str:
    return f"It's {moment:%A} {moment.day} {moment:%B %Y}, {_clock(moment)} ({moment.tzname()})."


_TOPIC_HELP: dict[str, str] = _WORDING["topic_help"]
_GENERAL_HELP: str = _WORDING["help"]["general"]


def help_text(topic: str = "") -> str:
    if topic in _TOPIC_HELP:
        return f"Yes. {_TOPIC_HELP[topic]}\n\n{_GENERAL_HELP}"
    return _GENERAL_HELP


_CANNOT: dict[str, str] = _WORDING["cannot"]


def cannot_yet(what: str) -> str:
    """An honest answer for what there is no tool for; nothing was changed."""
    return (
        f"I can't {_CANNOT.get(what, 'do that')} yet, so I didn't change anything. Your list is "
        "yours alone; I can add, list, complete, reopen, change and delete your tasks (say “help”)."
    )


def confirm_all(action: str, count: int, *, kept: list[int]) -> str:
    """The one question before a change to the whole list; a yes / no answers it."""
    verb = "Complete" if action == "complete" else "Delete"
    which = f"all {count}" if count > 1 else "the 1"
    tasks = "task" if count == 1 else "tasks"
    open_ = " open" if action == "complete" else ""
    but = f" (all but {', '.join(f'#{n}' for n in kept)})" if kept else ""
    return f"{verb} {which}{open_} {tasks}{but}? yes / no"


# The verb a "which task should I …?" question names, for the word the person used.
_ACTIONS = dict.fromkeys(("finished", "completed", "done", "mark", "check", "tick"), "complete")
_ACTIONS.update(dict.fromkeys(("remove", "drop", "cancel"), "delete"))


def small_talk(kind: str, topic: str) -> str:
    """The answer to a message that asks for no change."""
    if kind in _SMALL_TALK:
        return _SMALL_TALK[kind]
    if kind == "which":
        return say("which_task", action=_ACTIONS.get(topic, topic))
    return cannot_yet(topic) if kind == "cannot" else help_text(topic)


# --- reminders, repeat rules and the daily list ---------------------------------------


def _outcome(kind: type) -> Callable[[Callable[[Any], str]], Callable[[Outcome], str]]:
    """Word a tool's outcome of ``kind``; a failed call says the tool's own message."""

    def wording(word: Callable[[Any], str]) -> Callable[[Outcome], str]:
        def said(result: Outcome) -> str:
            if not result.ok:
                return message_of(result) or "That didn't work."
            assert isinstance(result, kind), result
            return word(result)

        return said

    return wording


def _when(iso: str) -> str:
    moment = datetime.fromisoformat(iso)
    return f"{moment:%a} {moment.day} {moment:%b} at {_clock(moment)}"


@_outcome(TaskChanged)
def reminder_set(result: TaskChanged) -> str:
    task = result.task
    return f"⏰ I'll remind you about {_quoted(task)} on {_when(str(task.remind_at))}."


def added_timing(tasks: Sequence[TaskView]) -> list[str]:
    """For new tasks with a reminder or a repeat rule: when, in words."""
    lines = []
    for task in tasks:
        if task.repeat:
            lines.append(f"🔁 {_quoted(task)} repeats {dates.describe_repeat(task.repeat)}.")
        if task.remind_at:
            lines.append(f"⏰ I'll remind you on {_when(task.remind_at)}.")
    return lines


@_outcome(TaskChanged)
def reminder_cleared(result: TaskChanged) -> str:
    return say("reminder_cleared", task=result.task)


@_outcome(TaskChanged)
def repeat_set(result: TaskChanged) -> str:
    task = result.task
    if not task.repeat:
        return say("repeat_cleared", task=task)
    due = f" — next: {task.due_in_words}" if task.due_in_words else ""
    return f"🔁 {_quoted(task)} repeats {dates.describe_repeat(task.repeat)}{due}."


def moved_on(result: TaskChanged) -> str:
    """A repeating task completed: it moved to its next occurrence."""
    return f"Done: {_quoted(result.task)}. ✓ Next time: {result.next_due_in_words}."


@_outcome(RemindersListed)
def reminders(result: RemindersListed) -> str:
    lines = [f"⏰ {_quoted(t)} — {_when(str(t.remind_at))}" for t in result.reminders]
    lines += [f"🔁 {_quoted(t)} — {t.repeat_in_words or t.repeat}" for t in result.repeating]
    if result.digest:
        lines.append(f"☀️ Your list every day at {result.digest.time}")
    if not lines:
        return "You have no reminders. Try: remind me to call mom at 5pm."
    return "Your reminders:\n" + "\n".join(lines)


@_outcome(DigestSet)
def digest(result: DigestSet) -> str:
    if result.digest is None:
        return say("no_digest" if result.already else "digest_off")
    return (
        f"☀️ I'll send you what's due and overdue every day at {result.digest.time} "
        "(not on days with nothing due)."
    )
