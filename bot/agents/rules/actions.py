"""Carrying out an understood intent through the task tools, and wording the outcome.

Everything goes through ``tools.call`` (or, for undo only, the toolbox's ``restore_task``);
which task a reference means is decided in ``lookup`` with the tools' own matcher.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Protocol, runtime_checkable

from bot.agents.rules import replies
from bot.agents.rules.assigning import TeamRequest, perform_team_request
from bot.agents.rules.calls import given
from bot.agents.rules.intents import (
    AddTasks,
    AllTasks,
    Answer,
    Complete,
    Delete,
    Intent,
    ListTasks,
    NotUnderstood,
    RemoveCompleted,
    Reopen,
    SetTimezone,
    Several,
    Smalltalk,
    TaskRef,
    Timing,
    Undo,
    Update,
)
from bot.agents.rules.listing import continued_list
from bot.agents.rules.lookup import TaskLookup
from bot.agents.rules.notice_place import ReminderPlatform, perform_reminder_platform
from bot.agents.rules.reminding import keep_reminder, perform_timing
from bot.agents.rules.state import confirmation, last_state
from bot.agents.rules.when import shift
from bot.conversations import StoredMessage, ToolCall
from bot.outcomes import Outcome, Restored, TaskChanged, TaskPage, TaskView, TimezoneSet, message_of
from bot.tasks import TITLE_MAX


@runtime_checkable
class RestoringTools(Protocol):
    """Tools that can also put a task back as it was (``TaskToolbox``); used only by undo."""

    async def restore_task(
        self, *, number: int, snapshot: TaskView | None, undoes: int | None = None
    ) -> ToolCall: ...


# One message adds at most this many tasks: more is a paste gone wrong ("a, a, a, …" of 4,000
# characters is 1,300 tasks), and all of them would be one turn's work and one reply.
TASKS_PER_MESSAGE_MAX = 50


class Performer(TaskLookup):
    """Runs one intent for one turn."""

    async def perform(self, intent: Intent) -> str:
        match intent:
            case AddTasks():
                return await self._add(intent)
            case ListTasks():
                return await self._list(intent)
            case Complete() | Reopen() | Delete():
                return await self._simple_change(intent)
            case Update():
                return await self._update(intent)
            case RemoveCompleted():
                return await self._remove_completed()
            case Undo():
                return await self._undo()
            case Several():
                lines = []
                for change in intent.changes:
                    lines.append(await self.perform(change))
                    self._all = None  # the list changed; read it again for the next words
                return "\n".join(lines)
            case AllTasks():
                return await self._all_tasks(intent)
            case Answer():
                return await self._answer(intent)
            case SetTimezone():
                return await self._set_timezone(intent.timezone)
            case Smalltalk(kind="today"):
                return replies.today(self._turn.now.astimezone(self._turn.tz))
            case Smalltalk():
                return replies.small_talk(intent.kind, intent.topic)
            case NotUnderstood():
                return replies.say("not_understood")
            case Timing():
                return await perform_timing(intent, call=self._call, resolve=self._resolve_open)
            case TeamRequest():
                return await perform_team_request(intent, self._call)
            case ReminderPlatform():
                return await perform_reminder_platform(intent, self._call)

    # --- intents -------------------------------------------------------------------------

    async def _add(self, intent: AddTasks) -> str:
        if not intent.tasks:
            self._remember({"awaiting": "tasks"})
            return replies.say("nothing_to_add")
        if len(intent.tasks) > TASKS_PER_MESSAGE_MAX:
            return replies.too_many_tasks(len(intent.tasks), TASKS_PER_MESSAGE_MAX)
        for new in intent.tasks:
            if len(new.title) > TITLE_MAX:
                return replies.title_too_long(len(new.title), TITLE_MAX)
        made: list[TaskView] = []
        problems: list[str] = []
        for new in intent.tasks:
            arguments = given(
                title=new.title,
                description=new.description or None,
                priority=new.priority.value if new.priority is not None else None,
                due=new.due,
                repeat=new.repeat,
                remind_at=keep_reminder(
                    new.remind_at, new.due, now=self._turn.now, tz=self._turn.tz
                ),
            )
            result = await self._call("add_task", arguments)
            if isinstance(result, TaskChanged):
                made.append(result.task)
            else:
                problems.append(message_of(result) or "")
        text = replies.added(made) if made else ""
        timing = replies.added_timing(made)
        return "\n".join(part for part in (text, *timing, *problems) if part)

    async def _list(self, intent: ListTasks) -> str:
        arguments = given(
            status=intent.status,
            priority=intent.priority.value if intent.priority is not None else None,
            due_after=intent.due_after.isoformat() if intent.due_after else None,
            due_before=intent.due_before.isoformat() if intent.due_before else None,
            overdue=True if intent.overdue else None,
            has_due=False if intent.undated else None,
            numbers=list(intent.numbers) or None,
        )
        label = intent.label
        if intent.continues:
            arguments, label = continued_list(self._turn, intent.page)
        result = await self._call("list_tasks", arguments)
        if not isinstance(result, TaskPage):
            return message_of(result) or ""
        tasks = list(result.tasks)
        if intent.numbers:
            tasks.sort(key=lambda t: intent.numbers.index(t.number))
            return replies.shown(tasks, asked=intent.numbers)
        priority = arguments.get("priority")
        if priority:
            label = f"{label} with {priority} priority".strip()
        text = replies.listed(tasks, label=label, status=arguments["status"], page=result)
        if intent.others_requested:
            text = f"{replies.say('only_your_tasks')} {text}"
        return text

    async def _simple_change(self, intent: Complete | Reopen | Delete) -> str:
        if intent.otherwise is not None and not await self._fits_any(intent.ref):
            return await self._add(intent.otherwise)
        verb = {Complete: "complete", Reopen: "reopen", Delete: "delete"}[type(intent)]
        prefer = {"complete": "open", "reopen": "completed", "delete": "any"}[verb]
        numbers, problem = await self._resolve(
            intent.ref, prefer=prefer, action=verb, loose=not intent.confident
        )
        if problem:
            return problem
        lines = []
        for number in numbers:
            result = await self._call(f"{verb}_task", {"number": number})
            if not isinstance(result, TaskChanged):
                lines.append(message_of(result) or "")
            elif verb == "complete" and result.next_due:
                lines.append(replies.moved_on(result))  # a repeating task moved on
            else:
                lines.append(replies.changed(verb, result.task, already=result.already))
        return "\n".join(lines)

    async def _update(self, intent: Update) -> str:
        if intent.otherwise is not None and not await self._fits_any(intent.ref):
            return await self._add(intent.otherwise)
        numbers, problem = await self._resolve(intent.ref, prefer="open", action="change")
        if problem:
            return problem
        lines = []
        for number in numbers:
            arguments = given(
                number=number,
                title=intent.title,
                priority=intent.priority.value if intent.priority is not None else None,
                due=await self._moved_due(number, intent.due, intent.time_only)
                if intent.due is not None
                else None,
                clear_due=True if intent.clear_due else None,
                append_note=intent.note,
                description=intent.description,
            )
            if intent.shift is not None:
                arguments["due"] = await self._shifted_due(number, *intent.shift)
            result = await self._call("update_task", arguments)
            if isinstance(result, TaskChanged):
                lines.append(replies.updated(result.before or result.task, result.task))
            else:
                lines.append(message_of(result) or "")
        return "\n".join(lines)

    async def _due_of(self, number: int) -> date | datetime | None:
        """Task ``number``'s due day, or its due moment on the speaker's clock."""
        task = await self._numbered(number)
        due = task.get("due") if task else None
        if not due:
            return None
        if len(due) == 10:
            return date.fromisoformat(due)
        return datetime.fromisoformat(due).astimezone(self._turn.tz)

    async def _moved_due(self, number: int, due: str, time_only: bool = False) -> str:
        """A new due date for ``number``; moving a timed task to another day keeps its time
        ("move the 3pm dentist to friday"), a new time alone keeps its day ("… to 2pm")."""
        current = await self._due_of(number)
        if time_only and current:
            day = current.date() if isinstance(current, datetime) else current
            return f"{day.isoformat()}{due[10:]}"
        if len(due) != 10 or not isinstance(current, datetime):
            return due
        return f"{due}T{current:%H:%M}"

    async def _shifted_due(self, number: int, amount: int, unit: str) -> str:
        """The due date of ``number`` moved on; a task without one moves from today."""
        local_now = self._turn.now.astimezone(self._turn.tz)
        current = await self._due_of(number)
        if unit in ("hour", "minute"):  # "an hour later": the time moves (from now if none)
            if isinstance(current, datetime) or current is None:
                moved = (current or local_now).replace(tzinfo=None) + timedelta(
                    **{f"{unit}s": amount}
                )
                return f"{moved:%Y-%m-%dT%H:%M}"
            return current.isoformat()  # a day without a time has no hour to move
        if isinstance(current, datetime):
            return f"{shift(current.date(), amount, unit).isoformat()}T{current:%H:%M}"
        return shift(current or local_now.date(), amount, unit).isoformat()

    async def _all_tasks(self, intent: AllTasks) -> str:
        """Every open task (every task, for delete) minus the excluded ones. Completing all
        and deleting ask first; the question's answer arrives as ``Answer`` next turn."""
        everything = await self._everything()
        kept: set[int] = set()
        for ref in intent.excluded:
            numbers, problem = await self._resolve(ref, prefer="any", action="leave out")
            if problem:
                return problem
            kept.update(numbers)
        pool = [t for t in everything if intent.action == "delete" or not t.get("completed")]
        unknown = kept - {t["number"] for t in everything}
        if unknown:
            return replies.say("not_found", words=", ".join(f"#{n}" for n in sorted(unknown)))
        targets = [t["number"] for t in pool if t["number"] not in kept]
        if not targets:
            return replies.say(f"nothing_left_{intent.action}")
        if intent.action == "delete" or not kept:
            self._remember({"confirm": intent.action, "numbers": targets})
            return replies.confirm_all(intent.action, len(targets), kept=sorted(kept))
        return await self._perform_on(intent.action, targets)

    async def _answer(self, intent: Answer) -> str:
        asked = confirmation(last_state(self._turn))
        if asked is None:
            return replies.small_talk("ack", "")
        if not intent.yes:
            return replies.say("left_alone")
        return await self._perform_on(*asked)

    async def _perform_on(self, action: str, numbers: Sequence[int]) -> str:
        refs = TaskRef(numbers=tuple(numbers))
        change = Complete(refs) if action == "complete" else Delete(refs)
        return await self._simple_change(change)

    async def _remove_completed(self) -> str:
        result = await self._call("list_tasks", {"status": "completed"})
        removed = []
        for task in result.tasks if isinstance(result, TaskPage) else ():
            gone = await self._call("delete_task", {"number": task.number})
            if isinstance(gone, TaskChanged):
                removed.append(gone.task)
        return replies.removed_completed(removed)

    async def _undo(self) -> str:
        if not isinstance(self._tools, RestoringTools):
            return replies.say("undo_unavailable")
        plan = plan_undo(self._turn.history, user_id=self._turn.user.id)
        if plan is None:
            return replies.say("nothing_to_undo")
        lines = []
        for step in plan.steps:
            call = await self._tools.restore_task(
                number=step.number, snapshot=step.snapshot, undoes=plan.message_id
            )
            lines.append(_undo_line(step.snapshot, call.outcome))
        return replies.undone(lines)

    async def _set_timezone(self, zone: str) -> str:
        result = await self._call("set_timezone", {"timezone": zone})
        if not isinstance(result, TimezoneSet):
            return message_of(result) or ""
        return replies.say("set_timezone", zone=result.timezone)

    # --- references ----------------------------------------------------------------------

    async def _resolve_open(self, ref: TaskRef, action: str) -> tuple[list[int], str]:
        return await self._resolve(ref, prefer="open", action=action)


def _undo_line(snapshot: TaskView | None, result: Outcome) -> str:
    if not isinstance(result, Restored):
        return message_of(result) or ""
    if snapshot is None or result.task is None:
        return replies.say("undo_removed" if result.task else "undo_gone", task=result.task)
    if result.restored:
        return replies.say("undo_brought_back", task=result.task)
    return replies.undo_restored(result.task)


# --- planning an undo (pure) -------------------------------------------------------------
# The last change the speaker made through chat is the newest assistant turn answering them
# whose tool calls changed tasks. Undo turns are recorded as ``restore_task`` calls naming the
# turn they undid (``undoes``), so "undo" twice walks further back instead of redoing.

_CHANGING = frozenset(
    {"add_task", "complete_task", "reopen_task", "update_task", "delete_task", "snooze_task"}
)


@dataclass(frozen=True, slots=True)
class RestoreStep:
    """Put task ``number`` back as ``snapshot``; ``None`` removes a task that was added."""

    number: int
    snapshot: TaskView | None


@dataclass(frozen=True, slots=True)
class UndoPlan:
    message_id: int
    steps: tuple[RestoreStep, ...]


def plan_undo(history: Sequence[StoredMessage], *, user_id: int) -> UndoPlan | None:
    """What to restore to revert ``user_id``'s last change in ``history``, or None."""
    undone: set[int] = set()
    for message in reversed(history):
        if message.role != "assistant" or message.user_id != user_id:
            continue
        restores = [c for c in message.tool_calls if c.name == "restore_task"]
        if restores:
            undone.update(
                int(c.arguments["undoes"])
                for c in restores
                if isinstance(c.arguments.get("undoes"), int)
            )
            continue
        if message.id in undone:
            continue
        steps = [
            step
            for call in message.tool_calls
            if (step := _reversal(call.name, call.outcome)) is not None
        ]
        if steps:
            return UndoPlan(message_id=message.id, steps=tuple(reversed(steps)))
    return None


def _reversal(name: str, result: Outcome) -> RestoreStep | None:
    if name not in _CHANGING or not isinstance(result, TaskChanged) or result.already:
        return None
    task = result.task
    if not isinstance(task.number, int):
        return None
    if name == "add_task":
        return RestoreStep(task.number, None)
    if name == "delete_task":
        return RestoreStep(task.number, task)
    return RestoreStep(task.number, result.before) if result.before is not None else None
