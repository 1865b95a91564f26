"""The time tools: reminders, repeat rules, snooze and the daily digest.

Mixed into :class:`bot.tools.toolbox.TaskToolbox`, so every backend (rules, model, MCP) gets
the same behaviour and validation. Rules:

- a task with a due *time* and no explicit reminder reminds at the due time
  (``[reminders] at_due_time``); a date alone does not, unless asked;
- completing a repeating task moves the same task (same number, still open) to its next
  occurrence, its reminder keeping the same lead; the result says when (``next_due``) and
  keeps ``before`` so undo restores it;
- completing or deleting a task cancels its reminder.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from bot import dates
from bot.errors import InvalidInput
from bot.identity import ConversationKey
from bot.outcomes import DigestSet, DigestView, RemindersListed, TaskChanged, TaskView
from bot.reminders.model import Digest
from bot.tasks import UNSET, Due, Task, TaskChanges
from bot.tools import schemas as specs

if TYPE_CHECKING:
    from bot.conversations import User
    from bot.stores import ReminderStore, TaskStore

DEFAULT_DIGEST = time(8, 0)
# A reminder's lead before the due carries over to the next occurrence only when it is a
# plausible lead (not a reminder set weeks apart from the due).
_MAX_LEAD = timedelta(days=31)


class TimeTools:
    """Needs the toolbox's ``_tasks``, ``_reminders``, ``user``, ``now``, ``tz``, ``place``."""

    _tasks: TaskStore
    _reminders: ReminderStore | None
    user: User
    now: datetime
    tz: ZoneInfo
    place: ConversationKey | None
    at_due_time: bool
    shown_tasks: list[Task]

    def _view(self, task: Task) -> TaskView:
        raise NotImplementedError

    async def _resolve(self, args: specs.TaskRefArgs, *, prefer: str) -> Task:
        raise NotImplementedError

    def _show_current(self, task: Task) -> None:
        raise NotImplementedError

    def _reminder_store(self) -> ReminderStore:
        if self._reminders is None:
            raise InvalidInput("Reminders are not available here.")
        return self._reminders

    # --- used by add_task / update_task / complete_task -----------------------------------

    def timing_for_new(
        self, due: Due | None, remind_words: str | None, repeat_words: str | None
    ) -> tuple[Due | None, datetime | None, str | None]:
        """Due, reminder and rule of a new task (a repeat without a due starts at its first
        occurrence)."""
        rule = None
        if repeat_words is not None:
            recurrence = dates.parse_repeat(repeat_words, now=self._anchor(due), tz=self.tz)
            rule = recurrence.rule
            due = due or recurrence.first
        remind_at: datetime | None
        if remind_words is not None:
            remind_at = dates.parse_reminder(remind_words, now=self.now, tz=self.tz, due=due)
        else:
            remind_at = self._at_due(due)
        return due, remind_at, rule

    def timing_changes(
        self, task: Task, args: specs.UpdateTaskArgs, due: Due | Any | None
    ) -> dict[str, Any]:
        """Reminder and rule changes of an update (``due`` is the new due, or ``UNSET``)."""
        changes: dict[str, Any] = {}
        given = args.model_fields_set
        new_due = task.due if due is UNSET else due
        if "repeat" in given:
            if args.repeat is None:
                changes["repeat"] = None
            else:
                anchor = self._anchor(new_due)
                recurrence = dates.parse_repeat(args.repeat, now=anchor, tz=self.tz)
                changes["repeat"] = recurrence.rule
                if new_due is None:
                    new_due = changes["due"] = recurrence.first
        if "remind_at" in given:
            changes["remind_at"] = (
                None
                if args.remind_at is None
                else dates.parse_reminder(args.remind_at, now=self.now, tz=self.tz, due=new_due)
            )
        elif new_due is not task.due and new_due != task.due:
            changes["remind_at"] = self._moved_reminder(task, new_due)
        if changes.get("remind_at") is not None:
            changes["place"] = self.place
        return changes

    def _anchor(self, due: Due | None) -> datetime:
        """What "monthly" / "weekly" count from: the task's due when it has one ("make 2
        repeat monthly" on a task due the 20th repeats on the 20th), else now."""
        if due is None:
            return self.now
        if due.has_time:
            return due.at
        return datetime.combine(due.at.date(), time(0, 0), tzinfo=self.tz)

    def _at_due(self, due: Due | None) -> datetime | None:
        if self.at_due_time and due is not None and due.has_time and due.at > self.now:
            return due.at
        return None

    def _moved_reminder(
        self, task: Task, new_due: Due | None, *, default: bool = True
    ) -> datetime | None:
        """The reminder after the due moved: the same lead before the new due, else (with
        ``default``) the at-due-time default."""
        last = task.remind_at or task.reminded_at
        if new_due is not None and task.due is not None and last is not None:
            lead = task.due.at - last
            if timedelta(0) <= lead <= _MAX_LEAD and new_due.at - lead > self.now:
                return new_due.at - lead
        return self._at_due(new_due) if new_due is not None and default else None

    async def complete_repeating(self, task: Task) -> TaskChanged | None:
        """Move a repeating task to its next occurrence; None when the rule has ended."""
        assert task.repeat is not None
        base = task.due or Due.at_instant(self.now)
        floor = self.now
        if not base.has_time:  # today's occurrence is the one just done
            tomorrow = self.now.astimezone(self.tz).date() + timedelta(days=1)
            floor = datetime.combine(tomorrow, time(0, 0), tzinfo=self.tz)
        following = dates.next_occurrence(
            task.repeat, after=base.at, tz=self.tz, has_time=base.has_time, not_before=floor
        )
        if following is None:
            return None
        moved = await self._tasks.update_task(
            user_id=self.user.id,
            number=task.number,
            # A task whose reminder was turned off ("no reminder for 3") stays without one.
            changes=TaskChanges(
                due=following, remind_at=self._moved_reminder(task, following, default=False)
            ),
            now=self.now,
        )
        self._show_current(moved)
        return TaskChanged(
            task=self._view(moved),
            before=self._view(task),
            next_due=following.export(self.tz),
            next_due_in_words=dates.describe_due(following, now=self.now, tz=self.tz),
        )

    # --- the tools --------------------------------------------------------------------------

    async def _snooze_task(self, args: specs.SnoozeTaskArgs) -> TaskChanged:
        task = await self._resolve(args, prefer="open")
        if task.completed:
            raise InvalidInput(f"#{task.number} is already done; reopen it to be reminded.")
        until = dates.parse_reminder(
            args.until or "in 1 hour", now=self.now, tz=self.tz, due=task.due
        )
        snoozed = await self._tasks.update_task(
            user_id=self.user.id,
            number=task.number,
            changes=TaskChanges(remind_at=until, place=self.place or task.place),
            now=self.now,
        )
        self._show_current(snoozed)
        return TaskChanged(task=self._view(snoozed), before=self._view(task))

    async def _list_reminders(self, args: specs.ListRemindersArgs) -> RemindersListed:
        store = self._reminder_store()
        pending = await store.pending(user_id=self.user.id)
        digest = await store.get_digest(user_id=self.user.id)
        self.shown_tasks.extend(pending)
        return RemindersListed(
            reminders=tuple(self._view(t) for t in pending if t.remind_at is not None),
            repeating=tuple(
                self._view(t).with_repeat_in_words(dates.describe_repeat(t.repeat))
                for t in pending
                if t.repeat
            ),
            digest=None
            if digest is None
            else DigestView(time=digest.at.strftime("%H:%M"), always=digest.always),
        )

    async def _set_digest(self, args: specs.SetDigestArgs) -> DigestSet:
        store = self._reminder_store()
        if not args.enabled:
            had = await store.get_digest(user_id=self.user.id)
            await store.set_digest(user_id=self.user.id, digest=None, now=self.now)
            return DigestSet(digest=None, already=had is None)
        at = dates.parse_clock(args.time) if args.time else DEFAULT_DIGEST
        digest = Digest(at=at, always=args.always, place=self.place)
        await store.set_digest(user_id=self.user.id, digest=digest, now=self.now)
        return DigestSet(digest=DigestView(time=at.strftime("%H:%M"), always=args.always))

    async def rezone_reminders(self, old: ZoneInfo, new: ZoneInfo) -> None:
        if self._reminders is not None and old != new:
            await self._reminders.rezone(user_id=self.user.id, old=old, new=new, now=self.now)
