"""Everything the rules agent says, as small functions over tool results.

Replies restate what was understood — title, due date in words, priority — so that a
misunderstanding shows at once. Tasks arrive as the tools return them (``task_json``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any

from bot import dates
from bot.outcomes import DigestSet, Outcome, RemindersListed, TaskChanged, TaskPage, message_of

Task = Mapping[str, Any]

_MAX_LISTED = 30


def due_words(task: Task) -> str:
    """ "tomorrow (Thu 19 Nov)", "Friday 20 Nov at 3:00 PM", "Fri 4 Dec": words and the date."""
    words = str(task.get("due_in_words") or "")
    due = task.get("due")
    if not words or not due or re.search(r"\d{1,2} [A-Z][a-z]{2}", words):
        return words
    day = date.fromisoformat(due) if len(due) == 10 else datetime.fromisoformat(due).date()
    head, _, clock = words.partition(" at ")
    if head == day.strftime("%A"):  # "Friday" → "Friday 20 Nov"
        head = f"{head} {day.day} {day.strftime('%b')}"
    else:  # "tomorrow" → "tomorrow (Thu 19 Nov)"
        head = f"{head} ({day.strftime('%a')} {day.day} {day.strftime('%b')})"
    return head + (f" at {clock}" if clock else "")


def task_line(task: Task) -> str:
    """ "#3 buy milk — due tomorrow (Thu 19 Nov) · high priority" """
    parts = [f"#{task['number']} {task['title']}"]
    extras = []
    if task.get("due_in_words"):
        extras.append(f"due {due_words(task)}")
    if task.get("priority") and task["priority"] != "medium":
        extras.append(f"{task['priority']} priority")
    if task.get("completed"):
        extras.append("done")
    if extras:
        parts.append(" — " + " · ".join(extras))
    return "".join(parts)


def _quoted(task: Task) -> str:
    return f"#{task['number']} “{task['title']}”"


def _settings(task: Task) -> str:
    bits = []
    if task.get("due_in_words"):
        bits.append(f"due {due_words(task)}")
    else:
        bits.append("no due date")
    bits.append(f"{task.get('priority', 'medium')} priority")
    return ", ".join(bits)


def added(tasks: Sequence[Task]) -> str:
    if len(tasks) == 1:
        task = tasks[0]
        text = f"Added {_quoted(task)} — {_settings(task)}."
        if task.get("description"):
            text += f"\nNote: {task['description']}"
        return text
    lines = [f"Added {len(tasks)} tasks:"] + [f"• {_quoted(t)} — {_settings(t)}" for t in tasks]
    return "\n".join(lines)


def title_too_long(length: int, limit: int) -> str:
    return (
        f"That title is {length:,} characters long; a title can have at most {limit}. "
        "I didn't add it. Try a short title with the details after a colon, "
        "e.g. “add sort out the lease: …details…”."
    )


def listed(tasks: Sequence[Task], *, label: str, status: str, page: TaskPage | None = None) -> str:
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


def shown(tasks: Sequence[Task], *, asked: Sequence[int]) -> str:
    """One or a few tasks in full, details included."""
    found = {t["number"] for t in tasks}
    lines = []
    for task in tasks:
        lines.append(task_line(task))
        if task.get("description"):
            lines.append(f"  Note: {task['description']}")
    lines += [f"You have no task #{n}." for n in asked if n not in found]
    return "\n".join(lines)


def completed(task: Task, *, already: bool) -> str:
    if already:
        return f"{_quoted(task)} was already done."
    return f"Done: {_quoted(task)}. ✓"


def reopened(task: Task, *, already: bool) -> str:
    if already:
        return f"{_quoted(task)} is already open."
    return f"Reopened {_quoted(task)} — it's open again."


def deleted(task: Task) -> str:
    return f"Deleted {_quoted(task)}."


def removed_completed(tasks: Sequence[Task]) -> str:
    if not tasks:
        return "There are no completed tasks to remove."
    names = ", ".join(_quoted(t) for t in tasks[:10])
    more = f" and {len(tasks) - 10} more" if len(tasks) > 10 else ""
    return f"Removed {len(tasks)} completed task{'s' if len(tasks) != 1 else ''}: {names}{more}."


def updated(before: Task, after: Task) -> str:
    changes = []
    if before.get("title") != after.get("title"):
        changes.append(f"renamed to “{after['title']}”")
    if before.get("due") != after.get("due"):
        if after.get("due_in_words"):
            changes.append(f"now due {due_words(after)}")
        else:
            changes.append("no due date anymore")
    if before.get("priority") != after.get("priority"):
        changes.append(f"priority {after['priority']}")
    if before.get("description") != after.get("description"):
        changes.append(
            f"details now: {after['description']}"
            if after.get("description")
            else "details removed"
        )
    what = "; ".join(changes) or "nothing changed"
    return f"Updated #{after['number']} “{after['title']}”: {what}."


def ambiguous(words: str, candidates: Sequence[tuple[int, str]]) -> str:
    if len(candidates) == 1:
        number, title = candidates[0]
        return (
            f"I'm not sure “{words}” means #{number} “{title}”, so I changed nothing. "
            f"If it does, use its number."
        )
    names = "; ".join(f"#{n} “{t}”" for n, t in candidates[:6])
    return f"“{words}” could be more than one task: {names}. Which one? Use its number."


def undo_removed(task: Task | None) -> str:
    return f"removed {_quoted(task)}" if task else "that task was already gone"


def undo_brought_back(task: Task) -> str:
    return f"brought back {_quoted(task)}"


def undo_restored(task: Task) -> str:
    line = task_line(task)
    state = line.split(" — ", 1)[1] if " — " in line else "open, no due date"
    return f"{_quoted(task)} is back as it was ({state})"


def undone(lines: Sequence[str]) -> str:
    return "Undone: " + "; ".join(lines) + "."


# One-line answers by name: ``say("not_found", words="…")``.
_LINES = {
    "nothing_to_add": "What should I add? For example: add renew passport next friday, high "
    "priority.",
    "only_your_tasks": "I can only show and change your own tasks.",
    "not_found": "I couldn't find a task matching “{words}”, so I changed nothing.",
    "which_task": "Which task should I {action}? Give me its number, e.g. “{action} 2”.",
    "set_timezone": "Got it — your timezone is now {zone}. Due dates and times will use it.",
    "refuse_bulk": "I don't change or delete everything at once. I can delete tasks by number "
    "(“delete 3”), or “remove all completed”.",
    "nothing_to_undo": "There's nothing I can undo here — I only undo your recent changes in "
    "this chat.",
    "undo_unavailable": "Sorry, I can't undo changes in this setup.",
    "nothing_left_complete": "There are no open tasks to complete, so nothing changed.",
    "nothing_left_delete": "There are no tasks to delete, so nothing changed.",
    "left_alone": "OK, I left your tasks as they were.",
    # The message is not echoed back: it may be long, or crafted to look like a command.
    "not_understood": "I'm not sure what you mean, so I didn't change anything. Say “add …” "
    "to add a task, “list” to see them, or “help” for more.",
}


def say(line: str, **values: object) -> str:
    return _LINES[line].format(**values)


_SMALL_TALK = {
    "greeting": "Hi! I keep your todo list. Say “add …”, “what's on my list?” or “done 2”.",
    "thanks": "You're welcome!",
    "bye": "Bye! Your tasks are safe with me.",
    "how_are_you": "All good, thanks — ready to keep your list. What should I add or check?",
    "who": "I'm todobot: I keep your todo list. Type “help” to see what I understand.",
    "ack": "👍",
    "sorry": "👍",
}


def today(moment: datetime) -> str:
    hour = moment.hour % 12 or 12
    suffix = "AM" if moment.hour < 12 else "PM"
    return (
        f"It's {moment.strftime('%A')} {moment.day} {moment.strftime('%B %Y')}, "
        f"{hour}:{moment.minute:02d} {suffix} ({moment.tzname()})."
    )


_TOPIC_HELP = {
    "dates": "Give a due date in plain words: “add pay rent friday”, “call mom tomorrow at 5pm”, "
    "“move 2 to next monday”, “postpone 3 by 2 days”, “2 has no deadline anymore”.",
    "priority": "Priorities are high, medium or low: “add fix server, urgent”, “p1”, “low prio”, "
    "“make 2 high priority”, “anything urgent?”.",
    "delete": "Delete by number or words: “delete 3”, “drop the printer one”, "
    "“remove all completed”. “undo” brings it back.",
    "list": "Ask “what's on my list?”, “what's due today?”, “overdue?”, “show done”, "
    "“show everything”.",
    "complete": "Mark tasks done by number or words: “done 2”, “done 1 and 3”, "
    "“i paid the rent”. “reopen 2” undoes it.",
    "undo": "Say “undo” to revert your last change made here.",
    "timezone": "Tell me your timezone: “my timezone is Europe/Berlin”.",
    "update": "Change a task: “rename 2 to …”, “move 1 to friday”, “2 is urgent”, "
    "“add a note to 3: …”.",
    "add": "Add tasks: “add buy milk tomorrow”, “remind me to call mom friday 5pm”, "
    "“add milk, eggs and bread”, “add book dentist: ask for a cleaning”.",
}


def help_text(topic: str = "") -> str:
    general = (
        "I keep your todo list. Try:\n"
        "• add renew passport next friday, high priority\n"
        "• what's on my list? / what's due today? / show done\n"
        "• done 2  •  reopen 2  •  delete 3  •  remove all completed\n"
        "• move 1 to monday  •  2 is urgent  •  add a note to 1: …\n"
        "• undo  •  my timezone is Europe/Berlin"
    )
    if topic in _TOPIC_HELP:
        return f"Yes. {_TOPIC_HELP[topic]}\n\n{general}"
    return general


_CANNOT = {
    "share": "share a list or a task with someone",
    "assign": "assign tasks to other people",
    "access": "give other people access to your list",
    "invite": "invite people to your list",
    "email": "send your list by email or message",
    "sync": "sync or connect your list with other apps",
    "attach": "attach files to tasks",
    "tags": "tag tasks or search by tags, labels or projects",
    "subtasks": "keep subtasks or checklists inside a task",
}


def cannot_yet(what: str) -> str:
    """An honest answer for what there is no tool for; nothing was changed."""
    doing = _CANNOT.get(what, "do that")
    return (
        f"I can't {doing} yet, so I didn't change anything. Your list is yours alone; "
        "I can add, list, complete, reopen, change and delete your tasks (say “help”)."
    )


def confirm_all(action: str, count: int, *, kept: list[int]) -> str:
    """The one question before a change to the whole list; a yes / no answers it."""
    verb = "Complete" if action == "complete" else "Delete"
    which = f"all {count}" if count > 1 else "the 1"
    tasks = "task" if count == 1 else "tasks"
    open_ = " open" if action == "complete" else ""
    but = f" (all but {', '.join(f'#{n}' for n in kept)})" if kept else ""
    return f"{verb} {which}{open_} {tasks}{but}? yes / no"


def small_talk(kind: str, topic: str) -> str:
    """The answer to a message that asks for no change."""
    if kind in _SMALL_TALK:
        return _SMALL_TALK[kind]
    match kind:
        case "refuse_bulk":
            return say("refuse_bulk")
        case "which":
            return say("which_task", action=_ACTIONS.get(topic, topic))
        case "cannot":
            return cannot_yet(topic)
        case _:
            return help_text(topic)


_ACTIONS = {
    "finished": "complete",
    "completed": "complete",
    "done": "complete",
    "mark": "complete",
    "check": "complete",
    "tick": "complete",
    "remove": "delete",
    "drop": "delete",
    "cancel": "delete",
}


# --- reminders, repeat rules and the daily list ---------------------------------------


def _failed(result: Outcome) -> str | None:
    return None if result.ok else (message_of(result) or "That didn't work.")


def _when(iso: str) -> str:
    moment = datetime.fromisoformat(iso)
    hour = moment.hour % 12 or 12
    return f"{moment:%a} {moment.day} {moment:%b} at {hour}:{moment.minute:02d} {moment:%p}"


def reminder_set(result: Outcome) -> str:
    if (problem := _failed(result)) is not None:
        return problem
    assert isinstance(result, TaskChanged), result
    task = result.task
    return f"⏰ I'll remind you about {_quoted(task)} on {_when(task['remind_at'])}."


def added_timing(tasks: Sequence[Mapping[str, Any]]) -> list[str]:
    """For new tasks with a reminder or a repeat rule: when, in words."""
    lines = []
    for task in tasks:
        if task.get("repeat"):
            lines.append(f"🔁 {_quoted(task)} repeats {dates.describe_repeat(task['repeat'])}.")
        if task.get("remind_at"):
            lines.append(f"⏰ I'll remind you on {_when(task['remind_at'])}.")
    return lines


def reminder_cleared(result: Outcome) -> str:
    if (problem := _failed(result)) is not None:
        return problem
    assert isinstance(result, TaskChanged), result
    return f"No reminder for {_quoted(result.task)} any more."


def repeat_set(result: Outcome) -> str:
    if (problem := _failed(result)) is not None:
        return problem
    assert isinstance(result, TaskChanged), result
    task = result.task
    if not task.get("repeat"):
        return f"{_quoted(task)} no longer repeats."
    due = f" — next: {task['due_in_words']}" if task.get("due_in_words") else ""
    return f"🔁 {_quoted(task)} repeats {dates.describe_repeat(task['repeat'])}{due}."


def moved_on(result: TaskChanged) -> str:
    """A repeating task completed: it moved to its next occurrence."""
    return f"Done: {_quoted(result.task)}. ✓ Next time: {result.next_due_in_words}."


def reminders(result: Outcome) -> str:
    if (problem := _failed(result)) is not None:
        return problem
    assert isinstance(result, RemindersListed), result
    lines = [f"⏰ {_quoted(t)} — {_when(str(t.remind_at))}" for t in result.reminders]
    lines += [f"🔁 {_quoted(t)} — {t.repeat_in_words or t.repeat}" for t in result.repeating]
    if result.digest:
        lines.append(f"☀️ Your list every day at {result.digest.time}")
    if not lines:
        return "You have no reminders. Try: remind me to call mom at 5pm."
    return "Your reminders:\n" + "\n".join(lines)


def digest(result: Outcome) -> str:
    if (problem := _failed(result)) is not None:
        return problem
    assert isinstance(result, DigestSet), result
    if result.digest is None:
        if result.already:
            return "There was no daily list to stop."
        return "OK, no more daily list."
    return (
        f"☀️ I'll send you what's due and overdue every day at {result.digest.time} "
        "(not on days with nothing due)."
    )
