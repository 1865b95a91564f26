"""An in-memory reference implementation of the store contracts, for unit tests and demos.

It follows the same rules as the SQL stores (per-user numbers never reused, user isolation,
dedup of events) so tests written against it hold for the real ones.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from datetime import datetime, timedelta
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
from bot.errors import InvalidInput, TaskNotFound
from bot.identity import ConversationKey, UserRef
from bot.tasks import (
    UNSET,
    Task,
    TaskChanges,
    TaskDraft,
    TaskImport,
    TaskPage,
    TaskQuery,
    mention_share,
    order_key,
    plan_import_numbers,
)
from bot.teams.model import TeamStore
from storage.memory_reminders import MemoryReminderStore


@dataclasses.dataclass
class _Claim:
    claimed_at: datetime
    answered_at: datetime | None = None
    message_id: int | None = None


class _Data:
    def __init__(self) -> None:
        self.users: dict[int, User] = {}
        self.identities: dict[UserRef, int] = {}
        self.next_number: dict[int, int] = {}
        self.tasks: dict[tuple[int, int], Task] = {}
        self.conversations: dict[ConversationKey, Conversation] = {}
        self.messages: list[StoredMessage] = []
        self.events: dict[tuple[str, str], _Claim] = {}
        self.ids = 0

    def new_id(self) -> int:
        self.ids += 1
        return self.ids


class MemoryUserStore:
    def __init__(self, data: _Data) -> None:
        self._d = data

    async def resolve_user(self, *, ref: UserRef, display_name: str | None, timezone: str) -> User:
        user_id = self._d.identities.get(ref)
        if user_id is not None:
            return self._d.users[user_id]
        user = User(
            id=self._d.new_id(), display_name=display_name or ref.external_id, timezone=timezone
        )
        self._d.users[user.id] = user
        self._d.identities[ref] = user.id
        self._d.next_number[user.id] = 1
        return user

    async def find_user(self, *, ref: UserRef) -> User | None:
        user_id = self._d.identities.get(ref)
        return None if user_id is None else self._d.users[user_id]

    async def set_timezone(self, *, user_id: int, timezone: str, pinned: bool = True) -> User:
        current = self._d.users[user_id]
        user = dataclasses.replace(
            current, timezone=timezone, timezone_pinned=current.timezone_pinned or pinned
        )
        self._d.users[user_id] = user
        return user


class MemoryTaskStore:
    def __init__(self, data: _Data) -> None:
        self._d = data

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
        if number is None:
            number = self._d.next_number[user_id]
        elif (user_id, number) in self._d.tasks:
            raise InvalidInput(f"Task #{number} already exists.")
        self._d.next_number[user_id] = max(self._d.next_number[user_id], number + 1)
        task = Task(
            id=self._d.new_id(),
            user_id=user_id,
            number=number,
            title=draft.title,
            description=draft.description,
            priority=draft.priority,
            due=draft.due,
            completed_at=completed_at,
            created_at=created_at or now,
            updated_at=now,
            remind_at=draft.remind_at,
            repeat=draft.repeat,
            place=draft.place,
        )
        self._d.tasks[(user_id, number)] = task
        return task

    async def import_tasks(
        self, *, user_id: int, tasks: Sequence[TaskImport], now: datetime
    ) -> list[Task]:
        numbers = plan_import_numbers(tasks, self._d.next_number[user_id])
        return [
            await self.add_task(
                user_id=user_id,
                draft=item.draft,
                now=now,
                number=number,
                completed_at=item.completed_at,
                created_at=item.created_at,
            )
            for item, number in zip(tasks, numbers, strict=True)
        ]

    async def get_task(self, *, user_id: int, number: int) -> Task:
        task = self._d.tasks.get((user_id, number))
        if task is None:
            raise TaskNotFound(f"You have no task #{number}.")
        return task

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
        mine = [t for (owner, _), t in self._d.tasks.items() if owner == user_id]
        found = sorted(
            (t for t in mine if query.matches(t, now=now, tz=tz)),
            key=lambda task: order_key(task, tz, query.order),
        )
        if query.mentions:  # those a reference names most first, as in SQL
            found.sort(key=lambda task: -mention_share(query.mentions, task))
        return TaskPage(found[offset : offset + limit], total=len(found))

    async def update_task(
        self, *, user_id: int, number: int, changes: TaskChanges, now: datetime
    ) -> Task:
        task = await self.get_task(user_id=user_id, number=number)
        fields = {
            name: getattr(changes, name)
            for name in TaskChanges.__slots__
            if getattr(changes, name) is not UNSET
        }
        updated = dataclasses.replace(task, **fields, updated_at=now)
        self._d.tasks[(user_id, number)] = updated
        return updated

    async def delete_task(self, *, user_id: int, number: int) -> Task:
        task = await self.get_task(user_id=user_id, number=number)
        del self._d.tasks[(user_id, number)]
        return task


class MemoryConversationStore:
    def __init__(self, data: _Data) -> None:
        self._d = data

    async def open_conversation(self, *, key: ConversationKey, now: datetime) -> Conversation:
        if key not in self._d.conversations:
            self._d.conversations[key] = Conversation(id=self._d.new_id(), key=key)
        return self._d.conversations[key]

    async def find_conversation(self, *, key: ConversationKey) -> Conversation | None:
        return self._d.conversations.get(key)

    async def begin_turn(self, *, request: TurnRequest) -> TurnStart | None:
        incoming, now = request.message, request.now
        key = incoming.key
        claim = None
        if incoming.event_id:
            claim = self._d.events.get((key.platform, incoming.event_id))
            if claim is not None:
                # Taken over only when unanswered and older than the lease (its turn died).
                stale_before = now - timedelta(seconds=request.event_lease_seconds)
                if claim.answered_at is not None or claim.claimed_at >= stale_before:
                    return None
                claim.claimed_at = now
                resumed = self._resumed(key, claim.message_id, request)
                if resumed is not None:
                    return resumed
            else:
                claim = self._d.events[(key.platform, incoming.event_id)] = _Claim(now)
        users = MemoryUserStore(self._d)
        hint = request.timezone_hint
        user = await users.resolve_user(
            ref=incoming.author,
            display_name=incoming.display_name,
            timezone=hint or request.default_timezone,
        )
        if hint and not user.timezone_pinned and user.timezone != hint:
            user = await users.set_timezone(user_id=user.id, timezone=hint, pinned=False)
        conversation = await self.open_conversation(key=key, now=now)
        history = await self.recent_messages(
            conversation_id=conversation.id,
            limit=request.history_limit,
            char_budget=request.history_chars,
        )
        message = await self.append_message(
            conversation_id=conversation.id,
            user_id=user.id,
            role="user",
            content=incoming.text,
            now=now,
            platform_message_id=incoming.platform_message_id,
        )
        if claim is not None:
            claim.message_id = message.id
        return TurnStart(user=user, conversation=conversation, history=history, message=message)

    def _resumed(
        self, key: ConversationKey, message_id: int | None, request: TurnRequest
    ) -> TurnStart | None:
        """The turn of a taken-over claim: its stored message, the history before it and the
        answer stored after it, if any (as ``storage.sql.resume``)."""
        found = [m for m in self._d.messages if m.id == message_id]
        if not found:
            return None
        message = found[0]
        mine = [m for m in self._d.messages if m.conversation_id == message.conversation_id]
        before = [m for m in mine if m.id < message.id]
        after = [m for m in mine if m.id > message.id][:1]
        history = _window(before, request.history_limit, request.history_chars)
        return TurnStart(
            user=self._d.users[message.user_id],
            conversation=Conversation(id=message.conversation_id, key=key),
            history=history,
            message=message,
            resumed=True,
            reply=after[0] if after and after[0].role == "assistant" else None,
        )

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
        message = StoredMessage(
            id=self._d.new_id(),
            conversation_id=conversation_id,
            user_id=user_id,
            speaker_name=speaker_name or self._d.users[user_id].display_name,
            role=role,
            content=content,
            tool_calls=[_as_stored(c) for c in tool_calls],
            created_at=now,
        )
        self._d.messages.append(message)
        return dataclasses.replace(message, tool_calls=list(tool_calls))

    async def recent_messages(
        self, *, conversation_id: int, limit: int, char_budget: int
    ) -> list[StoredMessage]:
        mine = [m for m in self._d.messages if m.conversation_id == conversation_id]
        return _window(mine, limit, char_budget)


def _window(messages: Sequence[StoredMessage], limit: int, budget: int) -> list[StoredMessage]:
    """The newest ``limit`` of ``messages`` within about ``budget`` characters, oldest first."""
    if limit <= 0:
        return []
    picked: list[StoredMessage] = []
    used = 0
    for message in reversed(messages):
        size = _stored_chars(message)
        if len(picked) >= limit or (picked and used + size > budget):
            break
        picked.append(message)
        used += size
    return picked[::-1]


def _as_stored(call: ToolCall) -> ToolCall:
    stored = call.as_stored()
    return ToolCall(name=stored["name"], arguments=stored["arguments"], result=stored["result"])


def _stored_chars(message: StoredMessage) -> int:
    """What a message costs the history window, as the SQL stores measure it."""
    calls = [c.as_json() for c in message.tool_calls]
    return len(message.content) + (len(json.dumps(calls)) if calls else 0)


class MemoryEventLog:
    def __init__(self, data: _Data) -> None:
        self._d = data

    async def claim_event(self, *, platform: str, event_id: str, now: datetime) -> bool:
        if (platform, event_id) in self._d.events:
            return False
        self._d.events[(platform, event_id)] = _Claim(now)
        return True

    async def mark_answered(self, *, platform: str, event_id: str, now: datetime) -> bool:
        claim = self._d.events.get((platform, event_id))
        if claim is None or claim.answered_at is not None:
            return False
        claim.answered_at = now
        return True

    async def prune_events(self, *, older_than: datetime) -> int:
        old = [k for k, claim in self._d.events.items() if claim.claimed_at < older_than]
        for k in old:
            del self._d.events[k]
        return len(old)


class MemoryStorage:
    """All stores over one shared in-memory data set."""

    def __init__(self) -> None:
        self.data = _Data()
        self.users = MemoryUserStore(self.data)
        self.tasks = MemoryTaskStore(self.data)
        self.conversations = MemoryConversationStore(self.data)
        self.events = MemoryEventLog(self.data)
        self.reminders = MemoryReminderStore(self.data)
        # Assigning and linking are offered on the SQL storages only.
        self.teams: TeamStore | None = None

    @asynccontextmanager
    async def turn_lock(self, key: ConversationKey) -> AsyncIterator[None]:
        # The core already serialises turns in-process; this store has no other processes.
        yield

    @asynccontextmanager
    async def one_transaction(self) -> AsyncIterator[None]:
        # Nothing to commit: every call's change is in place as soon as it returns.
        yield

    async def close(self) -> None:
        return None
