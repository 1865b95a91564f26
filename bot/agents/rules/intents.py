"""What the rules agent understood a message to ask for: plain values, no I/O.

``understand`` produces one of these; the agent carries it out through the task tools.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Literal

from bot.agents.rules.assigning import TeamRequest
from bot.agents.rules.notice_place import ReminderPlatform
from bot.tasks import Priority


@dataclass(frozen=True, slots=True)
class TaskRef:
    """Which task(s) a message means: numbers ("done 1 and 3"), words ("the rent one"), or
    the task the conversation was just about ("mark it done")."""

    numbers: tuple[int, ...] = ()
    words: str = ""
    pronoun: bool = False
    last: bool = False  # "the last one": the last task of the list
    due: str = ""  # "the one due today": the words of the day the one open task is due
    context: str = ""  # the rest of the message: only narrows candidates the words fit

    def describe(self) -> str:
        if self.numbers:
            return ", ".join(f"#{n}" for n in self.numbers)
        return f"“{self.words}”" if self.words else "the last one" if self.last else "that"


@dataclass(frozen=True, slots=True)
class NewTask:
    title: str
    description: str = ""
    priority: Priority | None = None
    due: str | None = None
    remind_at: str | None = None  # words, read by the tools ("tonight", "30 min before")
    repeat: str | None = None  # an RRULE found in the words ("every sunday")
    due_phrase: str | None = None  # the due as written ("tonight"), for "remind me …"


@dataclass(frozen=True, slots=True)
class AddTasks:
    tasks: tuple[NewTask, ...]
    confident: bool = True


@dataclass(frozen=True, slots=True)
class ListTasks:
    status: Literal["open", "completed", "all"] = "open"
    priority: Priority | None = None
    due_after: date | None = None
    due_before: date | None = None
    overdue: bool = False
    undated: bool = False
    label: str = ""
    others_requested: bool = False
    numbers: tuple[int, ...] = ()
    confident: bool = True
    # "more" / "page 3": carry on the speaker's last list, at ``page`` (None: the next one).
    continues: bool = False
    page: int | None = None


@dataclass(frozen=True, slots=True)
class Complete:
    ref: TaskRef
    confident: bool = True
    otherwise: AddTasks | None = None  # a new task instead when the words fit no task


@dataclass(frozen=True, slots=True)
class Reopen:
    ref: TaskRef
    confident: bool = True
    otherwise: AddTasks | None = None  # "i need to redo the passport form"


@dataclass(frozen=True, slots=True)
class Delete:
    ref: TaskRef
    confident: bool = True
    otherwise: AddTasks | None = None  # a new task instead when the words fit no task


@dataclass(frozen=True, slots=True)
class Update:
    """A change to one task. ``shift`` moves the current due date ("postpone by 2 days")."""

    ref: TaskRef
    title: str | None = None
    priority: Priority | None = None
    due: str | None = None
    shift: tuple[int, str] | None = None
    clear_due: bool = False
    time_only: bool = False  # ``due`` came from a time alone: the task keeps its day
    note: str | None = None
    description: str | None = None
    confident: bool = True
    # The message also reads as a new task ("return the van by friday"): added instead when
    # the words fit no task at all, never a change to a task that does not exist.
    otherwise: AddTasks | None = None


@dataclass(frozen=True, slots=True)
class RemoveCompleted:
    confident: bool = True


@dataclass(frozen=True, slots=True)
class Undo:
    confident: bool = True


@dataclass(frozen=True, slots=True)
class SetTimezone:
    timezone: str
    confident: bool = True


SmalltalkKind = Literal[
    "greeting",
    "thanks",
    "bye",
    "how_are_you",
    "who",
    "ack",
    "sorry",
    "help",
    "refuse_bulk",
    "which",
    "today",
    "cannot",
]


@dataclass(frozen=True, slots=True)
class Smalltalk:
    kind: SmalltalkKind
    topic: str = ""
    confident: bool = True


@dataclass(frozen=True, slots=True)
class NotUnderstood:
    reason: str = ""
    hints: tuple[str, ...] = field(default_factory=tuple)
    confident: bool = False


TimingAction = Literal["remind", "snooze", "clear_reminder", "list", "repeat", "digest"]


@dataclass(frozen=True, slots=True)
class Timing:
    """A reminder, repeat or daily-list request; read and carried out by ``reminding``."""

    action: TimingAction
    ref: TaskRef | None = None
    when: str | None = None  # words for the time or rule; None: the default / stop
    enabled: bool = True
    confident: bool = True


@dataclass(frozen=True, slots=True)
class AllTasks:
    """The whole list at once: "mark all my tasks done", "everything except the rent is done".

    ``excluded`` are the tasks the message leaves out. Completing everything and any delete
    ask first ("Complete all 7? yes / no"); completing all but named tasks is done directly,
    because the message says exactly which.
    """

    action: Literal["complete", "delete"]
    excluded: tuple[TaskRef, ...] = ()
    confident: bool = True


@dataclass(frozen=True, slots=True)
class Answer:
    """A yes or no to the question the last reply asked (kept as conversation state)."""

    yes: bool
    confident: bool = True


@dataclass(frozen=True, slots=True)
class Several:
    """Several requests in one message ("done 1, delete 2", "finish 2 and add call the bank"),
    each understood on its own and carried out in order, answered in one reply."""

    changes: tuple[Complete | Reopen | Delete | Update | AddTasks, ...]
    confident: bool = True


Part = Complete | Reopen | Delete | Update | AddTasks


def joined(parts: Sequence[Part], *, confident: bool | None = None) -> Part | Several:
    """Requests read one by one, as one intent: a later "it" is the task named before it
    ("move 2 to friday and make it urgent"), a request said twice is carried out once, and
    several requests are confident when every one names its task by number (or adds)."""
    carried: list[Part] = []
    for part in parts:
        named = [p for p in carried if not isinstance(p, AddTasks)]
        if not isinstance(part, AddTasks) and part.ref.pronoun and named:
            part = replace(part, ref=named[-1].ref)
        carried.append(part)
    unique = tuple(dict.fromkeys(carried))
    if len(unique) == 1:
        return unique[0]
    if confident is None:
        confident = all(isinstance(p, AddTasks) or p.ref.numbers for p in unique)
    return Several(unique, confident=confident)


Intent = (
    AddTasks
    | ListTasks
    | Complete
    | Reopen
    | Delete
    | Update
    | RemoveCompleted
    | Undo
    | SetTimezone
    | Smalltalk
    | NotUnderstood
    | Several
    | Timing
    | AllTasks
    | Answer
    | TeamRequest
    | ReminderPlatform
)
