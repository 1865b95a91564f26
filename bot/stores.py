"""The seams between the core and storage. ``storage`` implements them; the core only calls.

Every method is keyword-only, scoped to one user where it touches tasks, and returns core
dataclasses. A store raises :class:`bot.errors.StorageError` (or ``StorageUnavailable``) for
failures of the database and the user-facing errors for missing tasks.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractAsyncContextManager
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Protocol
from zoneinfo import ZoneInfo

from bot.conversations import (
    Conversation,
    Role,
    StoredMessage,
    ToolCall,
    TurnRequest,
    TurnStart,
    User,
)
from bot.identity import ConversationKey, UserRef
from bot.tasks import Task, TaskChanges, TaskDraft, TaskImport, TaskPage, TaskQuery

if TYPE_CHECKING:
    from bot.reminders.model import Delivery, Digest, Recipient
    from bot.teams.model import TeamStore


class UserStore(Protocol):
    async def resolve_user(self, *, ref: UserRef, display_name: str | None, timezone: str) -> User:
        """The user behind ``ref``, created on first contact with ``timezone``."""

    async def find_user(self, *, ref: UserRef) -> User | None: ...

    async def set_timezone(self, *, user_id: int, timezone: str, pinned: bool = True) -> User:
        """Set the zone; ``pinned`` when the person chose it (a platform hint does not pin)."""


class TaskStore(Protocol):
    async def add_task(
        self,
        *,
        user_id: int,
        draft: TaskDraft,
        now: datetime,
        number: int | None = None,
        completed_at: datetime | None = None,
        created_at: datetime | None = None,
    ) -> Task:
        """Insert a task; without ``number`` the next per-user number is allocated atomically.

        With ``number`` (import, undo of a delete) that number is used and the allocator moves
        past it; a number already taken raises ``InvalidInput``.
        """

    async def import_tasks(
        self, *, user_id: int, tasks: Sequence[TaskImport], now: datetime
    ) -> list[Task]:
        """Add all of ``tasks`` in one transaction, or none.

        An explicit number must be unused and not below the user's next number (numbers are
        never reused); ``InvalidInput`` otherwise.
        """

    async def get_task(self, *, user_id: int, number: int) -> Task:
        """The task, or ``TaskNotFound``."""

    async def list_tasks(
        self,
        *,
        user_id: int,
        query: TaskQuery,
        now: datetime,
        tz: ZoneInfo,
        limit: int = 200,
        offset: int = 0,
    ) -> TaskPage:
        """Matching tasks in ``query.order`` (open before completed; by default soonest due
        first, then higher priority, then by number), ``limit`` of them from ``offset`` on,
        with the ``total`` that match. Filters, order and paging are the database's work."""

    async def update_task(
        self, *, user_id: int, number: int, changes: TaskChanges, now: datetime
    ) -> Task: ...

    async def delete_task(self, *, user_id: int, number: int) -> Task:
        """Remove the task and return it as it was."""


class ConversationStore(Protocol):
    async def find_conversation(self, *, key: ConversationKey) -> Conversation | None:
        """The conversation for ``key`` if anyone has talked there, without creating it."""

    async def begin_turn(self, *, request: TurnRequest) -> TurnStart | None:
        """Start a turn atomically: claim the platform event (``None`` when it is answered, or
        claimed less than ``request.event_lease_seconds`` ago; an older unanswered claim is
        taken over: ``TurnStart.resumed``, with the message stored then, never a second copy),
        resolve the author (created on first contact; the timezone hint applies unless the
        person pinned a zone), open the conversation, read the history window as it was
        before this message, and store the message.

        One transaction, so the person's words are kept before the agent runs.
        """

    async def append_message(
        self,
        *,
        conversation_id: int,
        user_id: int,
        role: Role,
        content: str,
        now: datetime,
        tool_calls: Sequence[ToolCall] = (),
        tokens_used: int | None = None,
        platform_message_id: str | None = None,
        speaker_name: str | None = None,
    ) -> StoredMessage:
        """Store a message; ``speaker_name`` saves a look-up when the caller knows it.

        Big tool results are stored as a compact summary (see ``bot.conversations``).
        """


class EventLog(Protocol):
    async def mark_answered(self, *, platform: str, event_id: str, now: datetime) -> bool:
        """The reply to the event was posted: from now on every delivery of it is a no-op.
        (Until then, a claim older than the turn's lease may be taken over by a new delivery,
        see ``ConversationStore.begin_turn``.) False when it was not claimed, or answered."""

    async def prune_events(self, *, older_than: datetime) -> int:
        """Forget event ids seen before ``older_than``; returns how many were removed."""


class ReminderStore(Protocol):
    """The reminder queue. Claims are decided in the database, never in process memory.

    Delivery is *at least once*: a claim that is neither sent nor failed after ``lease``
    (its process died) is claimed again by the next poll. Each reminder occurrence and each
    digest day has one delivery row (unique dedup key), so it is claimed by one process and a
    finished one never again.
    """

    async def claim_due(
        self,
        *,
        now: datetime,
        limit: int,
        lease: timedelta,
        platforms: frozenset[str],
        user_id: int | None = None,
    ) -> list[Delivery]:
        """Claim up to ``limit`` reminders and digests due at ``now`` for users reachable on
        ``platforms`` (only ``user_id``'s when given), and stale claims older than ``lease``,
        oldest first."""

    async def next_due_at(self, *, platforms: frozenset[str]) -> datetime | None:
        """When the earliest pending reminder or digest is due (an indexed look-up)."""

    async def mark_sent(self, *, delivery_ids: Sequence[int], now: datetime) -> None: ...

    async def mark_failed(self, *, delivery_ids: Sequence[int], now: datetime, error: str) -> None:
        """Recorded with its reason and never retried (the platform said no for good, or
        its retries as the platform asked were used up)."""

    async def recipient(self, *, user_id: int) -> Recipient: ...

    async def set_notice_platform(self, *, user_id: int, platform: str | None) -> None:
        """Send the person's reminders and notices on ``platform`` from now on (None: the
        platform they last wrote on)."""

    async def pending(self, *, user_id: int) -> list[Task]:
        """The person's open tasks with a pending reminder or a repeat rule."""

    async def get_digest(self, *, user_id: int) -> Digest | None: ...

    async def set_digest(self, *, user_id: int, digest: Digest | None, now: datetime) -> None:
        """Start (or move) the daily digest, or stop it with ``None``."""

    async def rezone(self, *, user_id: int, old: ZoneInfo, new: ZoneInfo, now: datetime) -> int:
        """Keep pending reminders and the digest at the same local wall time in ``new``."""


class Storage(Protocol):
    """Everything the core needs from a database, plus the per-conversation turn lock."""

    @property
    def users(self) -> UserStore: ...

    @property
    def tasks(self) -> TaskStore: ...

    @property
    def conversations(self) -> ConversationStore: ...

    @property
    def events(self) -> EventLog: ...

    @property
    def reminders(self) -> ReminderStore: ...

    @property
    def teams(self) -> TeamStore | None:
        """Assignment and linking (``None`` where the storage does not offer them)."""

    def turn_lock(self, key: ConversationKey) -> AbstractAsyncContextManager[None]:
        """Serialise turns of one conversation, across processes where the database allows."""

    def one_transaction(self) -> AbstractAsyncContextManager[None]:
        """Every store call inside is one transaction, committed when the block ends and
        rolled back if it raises. Only for work that takes milliseconds (the offline agent's
        tool calls and the reply): it holds the database's write lock meanwhile."""

    async def close(self) -> None: ...
