"""Runs the task tools for one speaker and records every call with its result."""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import ValidationError

from bot import dates
from bot.conversations import ToolCall, User
from bot.errors import InvalidInput, TaskNotFound, UserFacingError
from bot.identity import ConversationKey, UserRef
from bot.outcomes import (
    Failure,
    Outcome,
    Reported,
    Restored,
    TaskChanged,
    TaskPage,
    TaskView,
    TimezoneSet,
)
from bot.reminders.choice import ReminderPlaceTools
from bot.stores import ReminderStore, TaskStore, UserStore
from bot.tasks import DESCRIPTION_MAX, UNSET, Priority, Task, TaskChanges, TaskDraft, TaskQuery
from bot.teams.channel import ChannelTools
from bot.teams.model import TeamStore
from bot.teams.privacy import PrivacyTools
from bot.teams.tools import TeamTools
from bot.tools import schemas as specs
from bot.tools.candidates import CANDIDATES_MAX, mentions_of
from bot.tools.matching import query_words, resolve_by_words
from bot.tools.timing import TimeTools

log = logging.getLogger(__name__)


def task_json(task: Task, *, tz: ZoneInfo, now: datetime) -> dict[str, Any]:
    """A task as tools return it and ``tasks export`` prints it."""
    return TaskView.of(task, tz=tz, now=now).as_json()


# The name of the entry ``remember`` adds to a turn's calls (no tool has this name).
STATE_ENTRY = "conversation_state"


class TaskToolbox(TimeTools, TeamTools, PrivacyTools, ChannelTools, ReminderPlaceTools):
    """The task tools bound to one speaker at one moment.

    ``call`` never raises for a person's mistake (unknown task, ambiguous words, bad date,
    invalid arguments): its outcome is a ``Failure`` for the agent to explain. Failures of the
    machinery (``StorageError``) propagate to the core.
    """

    def __init__(
        self,
        *,
        tasks: TaskStore,
        users: UserStore,
        user: User,
        now: datetime,
        reminders: ReminderStore | None = None,
        place: ConversationKey | None = None,
        at_due_time: bool = True,
        teams: TeamStore | None = None,
        speaker: UserRef | None = None,
        workspace_people: frozenset[str] | None = None,
    ) -> None:
        self._tasks = tasks
        self._users = users
        self._reminders = reminders
        self._teams = teams
        self.speaker = speaker  # the identity speaking (assigner, the account to unlink)
        self.workspace_people = workspace_people  # who the adapter vouches is in this server
        self.forget_requested = False  # "forget me" confirmed: the core deletes after the turn
        self.place = place
        self.at_due_time = at_due_time
        self.user = user
        self.now = now
        self.tz = dates.zone(user.timezone)
        self.calls: list[ToolCall] = []
        self.shown_tasks: list[Task] = []
        self.changed = False

    @staticmethod
    def schemas() -> list[dict[str, Any]]:
        return specs.tool_schemas()

    async def call(self, name: str, arguments: Mapping[str, Any] | str | None) -> ToolCall:
        """Run tool ``name``; ``arguments`` may be a mapping or a JSON string (from a model)."""
        parsed_args: dict[str, Any]
        try:
            parsed_args = _decode_arguments(arguments)
        except InvalidInput as exc:
            raw = {"raw": arguments if isinstance(arguments, str) else repr(arguments)}
            return self._record(name, raw, _failure(exc))
        spec = specs.SPECS_BY_NAME.get(name)
        if spec is None:
            known = ", ".join(specs.SPECS_BY_NAME)
            error = InvalidInput(f"There is no tool named {name!r}. Tools: {known}.")
            return self._record(name, parsed_args, _failure(error))
        result: Outcome
        try:
            validated = spec.arguments.model_validate(parsed_args)
            result = await getattr(self, f"_{name}")(validated)
        except ValidationError as exc:
            result = _failure(InvalidInput(_explain_validation(exc)))
        except UserFacingError as exc:
            result = _failure(exc)
        if result.ok and spec.changes_tasks:
            self.changed = True
        return self._record(name, parsed_args, result)

    def remember(self, state: Mapping[str, Any]) -> None:
        """Keep what the conversation now waits for (a yes/no, more tasks) with the turn's
        calls, as data, so the next turn reads it instead of comparing reply text. Recorded as
        a ``conversation_state`` entry; it runs no tool and changes nothing."""
        self._record(STATE_ENTRY, dict(state), Reported())

    def _record(self, name: str, arguments: dict[str, Any], outcome: Outcome) -> ToolCall:
        call = ToolCall.of(name, arguments, outcome)
        self.calls.append(call)
        # Arguments hold titles and notes: a person's words stay out of the log.
        log.debug("tool %s -> ok=%s", name, outcome.ok)
        return call

    def _view(self, task: Task) -> TaskView:
        return TaskView.of(task, tz=self.tz, now=self.now)

    async def _resolve(self, args: specs.TaskRefArgs, *, prefer: str) -> Task:
        if args.number is not None:
            return await self._tasks.get_task(user_id=self.user.id, number=args.number)
        assert args.query is not None
        for status in (prefer, "all"):
            candidates = await self._tasks.list_tasks(
                user_id=self.user.id,
                query=TaskQuery(status=status, mentions=mentions_of(query_words(args.query))),  # type: ignore[arg-type]
                now=self.now,
                tz=self.tz,
                limit=CANDIDATES_MAX,
            )
            try:
                return resolve_by_words(candidates, args.query, prefer=prefer)
            except TaskNotFound:
                if status == "all":
                    raise
        raise TaskNotFound(f"I couldn't find a task matching “{args.query}”.")

    def _due(self, text: str | None) -> Any:
        return None if text is None else dates.parse_due(text, now=self.now, tz=self.tz)

    async def _add_task(self, args: specs.AddTaskArgs) -> TaskChanged:
        due, remind_at, rule = self.timing_for_new(self._due(args.due), args.remind_at, args.repeat)
        draft = TaskDraft(
            title=args.title,
            description=args.description,
            priority=Priority(args.priority),
            due=due,
            remind_at=remind_at,
            repeat=rule,
            place=self.place,
        )
        task = await self._tasks.add_task(user_id=self.user.id, draft=draft, now=self.now)
        self.shown_tasks.append(task)
        return TaskChanged(task=self._view(task))

    async def _list_tasks(self, args: specs.ListTasksArgs) -> TaskPage:
        after = self._due(args.due_after)
        before = self._due(args.due_before)
        query = TaskQuery(
            status=args.status,
            priority=Priority(args.priority) if args.priority else None,
            due_after=after.local_date(self.tz) if after else None,
            due_before=before.local_date(self.tz) if before else None,
            overdue=args.overdue,
            has_due=args.has_due,
            numbers=frozenset(args.numbers or ()),
            order=args.sort,
            mentions=mentions_of(query_words(args.matching)) if args.matching else (),
        )
        found = await self._tasks.list_tasks(
            user_id=self.user.id,
            query=query,
            now=self.now,
            tz=self.tz,
            limit=args.page_size,
            offset=(args.page - 1) * args.page_size,
        )
        self.shown_tasks.extend(found)
        first = (args.page - 1) * args.page_size + 1
        return TaskPage(
            tasks=tuple(self._view(t) for t in found),
            total=found.total,
            page=args.page,
            pages=max(1, -(-found.total // args.page_size)),
            first=first if found else 0,
            last=first + len(found) - 1 if found else 0,
        )

    async def _complete_task(self, args: specs.CompleteTaskArgs) -> TaskChanged:
        task = await self._resolve(args, prefer="open")
        if task.completed:
            return TaskChanged(task=self._view(task), already=True)
        if task.repeat and (moved := await self.complete_repeating(task)) is not None:
            return moved
        done = await self._tasks.update_task(
            user_id=self.user.id,
            number=task.number,
            changes=TaskChanges(completed_at=self.now, remind_at=None),  # no reminder left
            now=self.now,
        )
        self._show_current(done)
        return TaskChanged(task=self._view(done), before=self._view(task))

    async def _reopen_task(self, args: specs.ReopenTaskArgs) -> TaskChanged:
        task = await self._resolve(args, prefer="completed")
        if not task.completed:
            return TaskChanged(task=self._view(task), already=True)
        reopened = await self._tasks.update_task(
            user_id=self.user.id,
            number=task.number,
            changes=TaskChanges(completed_at=None),
            now=self.now,
        )
        self._show_current(reopened)
        return TaskChanged(task=self._view(reopened), before=self._view(task))

    async def _update_task(self, args: specs.UpdateTaskArgs) -> TaskChanged:
        task = await self._resolve(args, prefer="open")
        description: str | Any = UNSET
        if args.description is not None:
            description = args.description
        if args.append_note is not None:
            base = args.description if args.description is not None else task.description
            description = f"{base}\n{args.append_note}".strip() if base else args.append_note
            if len(description) > DESCRIPTION_MAX:
                raise InvalidInput("Those details would make the description too long.")
        due = None if args.clear_due else (self._due(args.due) if args.due else UNSET)
        timing = self.timing_changes(task, args, due)
        changes = TaskChanges(
            title=args.title if args.title is not None else UNSET,
            description=description,
            priority=Priority(args.priority) if args.priority else UNSET,
            due=timing.pop("due", due),
            **timing,
        )
        updated = await self._tasks.update_task(
            user_id=self.user.id, number=task.number, changes=changes, now=self.now
        )
        self._show_current(updated)
        return TaskChanged(task=self._view(updated), before=self._view(task))

    async def _delete_task(self, args: specs.DeleteTaskArgs) -> TaskChanged:
        # By number, the DELETE … RETURNING alone finds, removes and reports the task.
        number = args.number
        if number is None:
            number = (await self._resolve(args, prefer="open")).number
        deleted = await self._tasks.delete_task(user_id=self.user.id, number=number)
        self.shown_tasks = [t for t in self.shown_tasks if t.number != deleted.number]
        return TaskChanged(task=self._view(deleted), deleted=True)

    def _show_current(self, task: Task) -> None:
        # A task listed earlier in the turn and then changed is shown as it is now, so a reply
        # never offers a Complete button for a task the same turn completed.
        self.shown_tasks = [task if t.number == task.number else t for t in self.shown_tasks]

    async def restore_task(
        self, *, number: int, snapshot: TaskView | None, undoes: int | None = None
    ) -> ToolCall:
        """Put task ``number`` back as ``snapshot`` (a task as it was), re-creating it with
        its number if it was deleted; with ``snapshot`` None, delete it (undoing an add).

        Not a model tool (absent from ``TOOL_SPECS``): only "undo" uses it. It is recorded like
        a tool call, named ``restore_task`` with ``undoes`` (the message whose changes it
        reverts), so a later undo can tell what was already undone.
        """
        arguments = {
            "number": number,
            "snapshot": snapshot.as_json() if snapshot is not None else None,
            "undoes": undoes,
        }
        result: Restored | Failure
        try:
            result = await self._restore(number, snapshot)
        except UserFacingError as exc:
            result = _failure(exc)
        if isinstance(result, Restored) and result.changed:
            self.changed = True
        return self._record("restore_task", arguments, result)

    async def _restore(self, number: int, snapshot: TaskView | None) -> Restored:
        try:
            current: Task | None = await self._tasks.get_task(user_id=self.user.id, number=number)
        except TaskNotFound:
            current = None
        if snapshot is None:
            if current is None:
                return Restored(already=True, number=number)
            gone = await self._tasks.delete_task(user_id=self.user.id, number=number)
            return Restored(task=self._view(gone), deleted=True)
        completed_at = snapshot.completed_at
        finished = datetime.fromisoformat(completed_at) if completed_at else None
        # Snapshots written before reminders existed have no such keys: those stay as they are.
        remind = snapshot.remind_at
        remind_at = datetime.fromisoformat(remind) if remind else None
        repeat = snapshot.repeat
        draft = TaskDraft(
            title=str(snapshot.title),
            description=str(snapshot.description or ""),
            priority=Priority(snapshot.priority or "medium"),
            due=self._due(snapshot.due),
            remind_at=remind_at,
            repeat=str(repeat) if repeat else None,
        )
        if current is None:
            created = snapshot.created_at
            task = await self._tasks.add_task(
                user_id=self.user.id,
                draft=draft,
                now=self.now,
                number=number,
                completed_at=finished,
                created_at=datetime.fromisoformat(created) if created else None,
            )
            return Restored(task=self._view(task), restored=True)
        changes = TaskChanges(
            title=draft.title,
            description=draft.description,
            priority=draft.priority,
            due=draft.due,
            completed_at=finished,
            remind_at=remind_at if snapshot.has("remind_at") else UNSET,
            repeat=draft.repeat if snapshot.has("repeat") else UNSET,
        )
        task = await self._tasks.update_task(
            user_id=self.user.id, number=number, changes=changes, now=self.now
        )
        return Restored(task=self._view(task), before=self._view(current))

    async def _set_timezone(self, args: specs.SetTimezoneArgs) -> TimezoneSet:
        tz = dates.zone(args.timezone)
        self.user = await self._users.set_timezone(user_id=self.user.id, timezone=str(tz))
        await self.rezone_reminders(self.tz, tz)  # reminders keep their local wall time
        self.tz = tz
        return TimezoneSet(timezone=str(tz))


def _decode_arguments(arguments: Mapping[str, Any] | str | None) -> dict[str, Any]:
    if arguments is None:
        return {}
    if isinstance(arguments, str):
        try:
            decoded = json.loads(arguments) if arguments.strip() else {}
        except json.JSONDecodeError as exc:
            raise InvalidInput(f"The arguments are not valid JSON: {exc.msg}.") from exc
        if not isinstance(decoded, dict):
            raise InvalidInput("The arguments must be a JSON object.")
        return decoded
    return dict(arguments)


def _failure(error: UserFacingError) -> Failure:
    candidates = getattr(error, "candidates", None) or ()
    return Failure(
        message=error.message,
        error=error.code,
        candidates=tuple(
            TaskView(number=t.number, title=t.title, present=("number", "title"))
            for t in candidates
        ),
    )


def _explain_validation(exc: ValidationError) -> str:
    parts = []
    for err in exc.errors()[:3]:
        where = ".".join(str(p) for p in err.get("loc", ())) or "arguments"
        parts.append(f"{where}: {err.get('msg', 'invalid')}")
    return "Invalid arguments — " + "; ".join(parts) + "."
