"""Tasks as the core sees them, and the filters a list can take."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from typing import Literal
from zoneinfo import ZoneInfo

from bot.errors import InvalidInput
from bot.identity import ConversationKey

TITLE_MAX = 500
DESCRIPTION_MAX = 5000


class Priority(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"

    @property
    def rank(self) -> int:
        return {"high": 0, "medium": 1, "low": 2}[self.value]


@dataclass(frozen=True, slots=True)
class Due:
    """A due date alone, or a date and time.

    A date alone is a calendar date, the same in every timezone: it is stored as midnight UTC of
    that date with ``has_time`` false. A date-time is an instant, stored in UTC and shown in the
    person's timezone.
    """

    at: datetime
    has_time: bool

    @classmethod
    def on(cls, day: date) -> Due:
        return cls(datetime.combine(day, time(0, 0), tzinfo=UTC), has_time=False)

    @classmethod
    def at_instant(cls, moment: datetime) -> Due:
        if moment.tzinfo is None:
            raise ValueError("a due date-time must be timezone-aware")
        return cls(moment.astimezone(UTC), has_time=True)

    def local_date(self, tz: ZoneInfo) -> date:
        return self.at.astimezone(tz).date() if self.has_time else self.at.date()

    def is_overdue(self, now: datetime, tz: ZoneInfo) -> bool:
        if self.has_time:
            return self.at < now
        return self.at.date() < now.astimezone(tz).date()

    def export(self, tz: ZoneInfo) -> str:
        """``YYYY-MM-DD`` for a date alone, ISO 8601 with offset in ``tz`` for a date-time."""
        if not self.has_time:
            return self.at.date().isoformat()
        return self.at.astimezone(tz).isoformat(timespec="minutes")


@dataclass(frozen=True, slots=True)
class Task:
    id: int
    user_id: int
    number: int
    title: str
    description: str
    priority: Priority
    due: Due | None
    completed_at: datetime | None
    created_at: datetime
    updated_at: datetime
    # Time: the pending reminder (UTC; None once delivered), the last one delivered, the
    # repeat rule (RFC 5545 RRULE) and where the reminder was asked for (its fallback place).
    remind_at: datetime | None = None
    reminded_at: datetime | None = None
    repeat: str | None = None
    place: ConversationKey | None = None

    @property
    def completed(self) -> bool:
        return self.completed_at is not None


@dataclass(frozen=True, slots=True)
class TaskDraft:
    """What a new task is made of; number and timestamps come from the store."""

    title: str
    description: str = ""
    priority: Priority = Priority.MEDIUM
    due: Due | None = None
    remind_at: datetime | None = None
    repeat: str | None = None
    place: ConversationKey | None = None


@dataclass(frozen=True, slots=True)
class TaskImport:
    """One task of an import: a draft plus what an export may carry."""

    draft: TaskDraft
    number: int | None = None
    completed_at: datetime | None = None
    created_at: datetime | None = None


def plan_import_numbers(tasks: Sequence[TaskImport], next_number: int) -> list[int]:
    """The number each imported task gets, or ``InvalidInput``.

    Explicit numbers are kept; they must be distinct and not below ``next_number`` (numbers are
    never reused, also those of deleted tasks). The others follow the highest number in use.
    """
    explicit = [t.number for t in tasks if t.number is not None]
    if len(explicit) != len(set(explicit)):
        raise InvalidInput("The same task number appears twice in the import.")
    used = sorted(n for n in explicit if n < next_number)
    if used:
        raise InvalidInput(
            f"Task number{'s' if len(used) > 1 else ''} {', '.join(map(str, used))} "
            "already used on this list (numbers are never reused)."
        )
    following = max([next_number - 1, *explicit]) + 1
    numbers = []
    for task in tasks:
        if task.number is None:
            numbers.append(following)
            following += 1
        else:
            numbers.append(task.number)
    return numbers


class _Unset:
    """Marks a field of :class:`TaskChanges` left as it is (``None`` means "clear")."""

    _instance: _Unset | None = None

    def __new__(cls) -> _Unset:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "UNSET"

    def __bool__(self) -> bool:
        return False


UNSET = _Unset()


@dataclass(frozen=True, slots=True)
class TaskChanges:
    title: str | _Unset = UNSET
    description: str | _Unset = UNSET
    priority: Priority | _Unset = UNSET
    due: Due | _Unset | None = UNSET
    completed_at: datetime | _Unset | None = UNSET
    remind_at: datetime | _Unset | None = UNSET
    repeat: str | _Unset | None = UNSET
    place: ConversationKey | _Unset | None = UNSET

    def is_empty(self) -> bool:
        return all(getattr(self, name) is UNSET for name in self.__slots__)


TaskStatus = Literal["open", "completed", "all"]
TaskOrder = Literal["due", "priority", "number", "newest"]


@dataclass(frozen=True, slots=True)
class Mention:
    """One word of a reference, as a filter a store can run in SQL: the word ``weight`` counts
    for a task whose title or description contains any of ``fragments`` (lower case). A task
    is a candidate when its words carry at least half the reference's weight: the share the
    matcher (``bot.tools.matching``) needs before it names a task, so the filter only drops
    tasks the matcher would not pick, and a reference is matched among any number of tasks
    without scoring each of them."""

    fragments: tuple[str, ...]
    weight: float = 1.0


def mention_share(mentions: Sequence[Mention], task: Task) -> float:
    """The share of ``mentions``' weight that ``task``'s title or description carries."""
    text = f"{task.title}\n{task.description}".lower()
    found = sum(m.weight for m in mentions if any(f in text for f in m.fragments))
    return found / (sum(m.weight for m in mentions) or 1.0)


def mentioned_enough(mentions: Sequence[Mention], task: Task) -> bool:
    return mention_share(mentions, task) >= MENTION_SHARE


MENTION_SHARE = 0.5


@dataclass(frozen=True, slots=True)
class TaskQuery:
    """A filter on one person's tasks. Due bounds are inclusive dates in the person's timezone."""

    status: TaskStatus = "open"
    priority: Priority | None = None
    due_after: date | None = None
    due_before: date | None = None
    overdue: bool = False
    has_due: bool | None = None
    numbers: frozenset[int] = field(default_factory=frozenset)
    order: TaskOrder = "due"
    # Only tasks a reference's words could name (see ``Mention``), those naming most first.
    mentions: tuple[Mention, ...] = ()

    def narrows_by_due(self) -> bool:
        return bool(self.due_after or self.due_before or self.overdue)

    def window(self, *, now: datetime, tz: ZoneInfo) -> DueWindow:
        """The due bounds as instants, so a store can filter in SQL exactly as ``matches``."""
        today = now.astimezone(tz).date()
        return DueWindow(
            dates_from=_utc_midnight(self.due_after) if self.due_after else None,
            dates_to=_utc_midnight(self.due_before) if self.due_before else None,
            times_from=_local_midnight(self.due_after, tz) if self.due_after else None,
            times_before=_local_midnight(self.due_before + timedelta(days=1), tz)
            if self.due_before
            else None,
            dates_overdue_before=_utc_midnight(today) if self.overdue else None,
            times_overdue_before=now if self.overdue else None,
        )

    def matches(self, task: Task, *, now: datetime, tz: ZoneInfo) -> bool:
        """Whether ``task`` passes the filter; stores use it for what SQL cannot express simply."""
        if self.status == "open" and task.completed:
            return False
        if self.status == "completed" and not task.completed:
            return False
        if self.priority is not None and task.priority is not self.priority:
            return False
        if self.numbers and task.number not in self.numbers:
            return False
        if self.has_due is not None and (task.due is not None) != self.has_due:
            return False
        if self.mentions and not mentioned_enough(self.mentions, task):
            return False
        if not self.narrows_by_due():
            return True
        if task.due is None:
            return False
        day = task.due.local_date(tz)
        if self.due_after is not None and day < self.due_after:
            return False
        if self.due_before is not None and day > self.due_before:
            return False
        return not (self.overdue and not task.due.is_overdue(now, tz))


@dataclass(frozen=True, slots=True)
class DueWindow:
    """``TaskQuery``'s due filter in stored terms. A date alone is stored as midnight UTC of
    its day, so its bounds are dates at midnight UTC (inclusive); a date-time is an instant, so
    its bounds are the person's local midnights (``times_before`` exclusive). Overdue: a date
    before today, a date-time before now."""

    dates_from: datetime | None
    dates_to: datetime | None
    times_from: datetime | None
    times_before: datetime | None
    dates_overdue_before: datetime | None
    times_overdue_before: datetime | None


def _utc_midnight(day: date) -> datetime:
    return datetime.combine(day, time(0, 0), tzinfo=UTC)


def _local_midnight(day: date, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, time(0, 0), tzinfo=tz).astimezone(UTC)


class TaskPage(list[Task]):
    """One page of a filtered list, in order, and ``total``: how many tasks match in all."""

    def __init__(self, tasks: Sequence[Task] = (), *, total: int | None = None) -> None:
        super().__init__(tasks)
        self.total = len(self) if total is None else total


_NO_DAY = date.max
_NO_TIME = datetime.max.replace(tzinfo=UTC)


def sort_key(task: Task, tz: ZoneInfo) -> tuple[int, date, int, datetime, int, int]:
    """Open tasks first, soonest due first, then higher priority, then by number.

    Dues are compared by the person's calendar day first (a date alone is a day, not an instant
    at midnight UTC), and within a day a date alone comes before the timed tasks of that day.
    """
    if task.due is None:
        day, timed, moment = _NO_DAY, 1, _NO_TIME
    else:
        day = task.due.local_date(tz)
        timed, moment = (1, task.due.at) if task.due.has_time else (0, _NO_TIME)
    return (1 if task.completed else 0, day, timed, moment, task.priority.rank, task.number)


def order_key(task: Task, tz: ZoneInfo, order: TaskOrder = "due") -> tuple[object, ...]:
    """How a list in ``order`` sorts: open before completed always, then ``due`` (see
    ``sort_key``), ``priority`` (higher first, then by due), ``number`` or ``newest``."""
    key = sort_key(task, tz)
    if order == "priority":
        return (key[0], task.priority.rank, *key[1:])
    if order == "number":
        return (key[0], task.number)
    if order == "newest":
        return (key[0], -task.number)
    return key
