"""What assignment and linking pass around, and the store seam storage implements."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal, Protocol

from bot.conversations import User
from bot.identity import UserRef
from bot.tasks import Task, TaskDraft

AssignmentState = Literal["open", "done", "declined"]
ASSIGNMENT_KINDS = ("assigned", "assigned-done", "assigned-declined")


@dataclass(frozen=True, slots=True)
class Assigned:
    """The outcome of one assignment: the assignee's new task."""

    task: Task
    assignee: User
    assignee_ref: UserRef


@dataclass(frozen=True, slots=True)
class Handed:
    """A task the speaker handed out, as "what did I assign?" shows it."""

    assignee: str
    number: int
    title: str
    state: AssignmentState
    created_at: datetime


@dataclass(frozen=True, slots=True)
class Linked:
    """Two identities joined: the speaker's tasks got ``numbers`` on the joint list."""

    numbers: tuple[int, ...]
    identities: tuple[UserRef, ...]


@dataclass(frozen=True, slots=True)
class Unlinked:
    """``ref`` is a person of its own again, with the tasks it brought back (new numbers)."""

    ref: UserRef
    numbers: tuple[int, ...]


class TeamStore(Protocol):
    async def assign(
        self,
        *,
        assigner: User,
        assigner_ref: UserRef | None,
        assignee: UserRef,
        draft: TaskDraft,
        now: datetime,
        timezone: str,
    ) -> Assigned:
        """In one transaction: find or create the person behind ``assignee`` (who may never
        have talked to the bot), add the task to *their* list, and record who assigned it.
        The assignee's notice is queued for the reminder scheduler."""

    async def handed_out(self, *, user_id: int, limit: int = 50) -> list[Handed]:
        """The tasks ``user_id`` assigned, newest first."""

    async def assigners(self, *, user_id: int) -> dict[int, str]:
        """For each of ``user_id``'s assigned tasks (by number): who assigned it (REF), or
        ``""`` when that person has since been forgotten."""

    async def identities(self, *, user_id: int) -> list[UserRef]: ...

    async def create_link_code(
        self, *, user_id: int, code_hash: str, now: datetime, expires_at: datetime, per_hour: int
    ) -> None:
        """Store a code's hash; ``RateLimited`` when ``per_hour`` codes were made already."""

    async def redeem_link_code(
        self, *, user_id: int, code_hash: str, now: datetime, failures_allowed: int
    ) -> Linked:
        """Join ``user_id`` into the code's owner, once: their identities, tasks (new
        numbers), messages and assignments move over. ``InvalidInput`` for an unknown, used
        or expired code (each counted; ``RateLimited`` past ``failures_allowed`` in 10 min)."""

    async def unlink(self, *, user_id: int, ref: UserRef, now: datetime) -> Unlinked:
        """Make ``ref`` a person of its own again, with the tasks it brought when linked."""

    async def join_users(self, *, into: int, joining: int) -> Linked:
        """Operators: join ``joining`` into ``into`` without a code."""

    async def export_data(self, *, user_id: int) -> dict[str, Any]:
        """Everything stored about the person: identities, tasks, messages."""

    async def forget(self, *, user_id: int) -> dict[str, int]:
        """Delete the person and all of theirs; tasks they assigned stay, anonymised.
        Returns what was deleted (counts)."""

    async def prune_messages(self, *, older_than: datetime) -> int:
        """Delete conversation messages older than ``older_than`` (never tasks)."""
