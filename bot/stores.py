"""The seams between the core and storage. ``storage`` implements them; the core only calls.

Every method is keyword-only, scoped to one user where it touches tasks, and returns core
dataclasses. A store raises :class:`bot.errors.StorageError` (or ``StorageUnavailable``) for
failures of the database and the user-facing errors for missing tasks.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractAsyncContextManager
from datetime import datetime
from typing import Protocol
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
        """Start a turn atomically: claim the platform event (``None`` when it was seen before),
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
    async def prune_events(self, *, older_than: datetime) -> int:
        """Forget event ids seen before ``older_than``; returns how many were removed."""


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

    def turn_lock(self, key: ConversationKey) -> AbstractAsyncContextManager[None]:
        """Serialise turns of one conversation, across processes where the database allows."""

    def one_transaction(self) -> AbstractAsyncContextManager[None]:
        """Every store call inside is one transaction, committed when the block ends and
        rolled back if it raises. Only for work that takes milliseconds (the offline agent's
        tool calls and the reply): it holds the database's write lock meanwhile."""

    async def close(self) -> None: ...
