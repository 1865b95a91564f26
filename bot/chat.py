"""The core turn: ``ChatService.handle`` is what every adapter and the console call."""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import re
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from contextlib import AbstractAsyncContextManager, asynccontextmanager, nullcontext
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from bot import dates, texts
from bot.agent import Agent, AgentReply, AgentTurn
from bot.conversations import EventRef, IncomingMessage, Reply, TurnRequest, User
from bot.errors import StorageBusy, StorageError, StorageUnavailable, UnknownTimezone
from bot.identity import ConversationKey, UserRef
from bot.metrics import ANSWERED, DUPLICATE, FAILED, Metrics
from bot.outcomes import Failure
from bot.stores import Storage
from bot.tools import TaskToolbox

log = logging.getLogger(__name__)

ChangeListener = Callable[[User, UserRef], Awaitable[None]]


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class ChatLimits:
    """``turn_timeout``: the whole turn, from arrival to reply, storage included (the agent
    gets what is left of it, less a reserve to store the reply); ``event_lease``: how old an
    unanswered claim of an event must be before a new delivery takes it over (see
    ``ConversationStore.begin_turn``) — longer than a turn can last."""

    history_messages: int = 20
    history_chars: int = 8000
    max_message_chars: int = 4000
    agent_timeout: float = 90.0
    turn_timeout: float = 90.0
    event_lease: float = 120.0

    @property
    def reserve(self) -> float:
        """What the agent leaves of the turn's budget for storing the reply."""
        return min(5.0, self.turn_timeout * 0.1)


@dataclass(slots=True)
class _Progress:
    """How far a turn got: whether the person's message is stored (the apology says so)."""

    deadline: float
    stored: bool = False


class _OutOfTime(Exception):
    """The turn's budget ran out before the turn finished."""


def _left_behind(turn: asyncio.Future[Any]) -> None:
    """A turn cut off at its deadline has finished cleaning up; what it ended with is logged."""
    if turn.cancelled():
        return
    exc = turn.exception()
    if exc is not None:
        log.info("a turn cut off at its deadline ended with %s", type(exc).__name__)


def storable(message: IncomingMessage) -> IncomingMessage:
    """``message`` with lone surrogates (a JSON ``"\\ud800"``, bytes a decoder escaped) made
    U+FFFD: no database can store them, and a message must be stored before anything else."""
    if not _SURROGATES.search(message.text):
        return message
    text = message.text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    return dataclasses.replace(message, text=text)


_SURROGATES = re.compile("[\ud800-\udfff]")


class _KeyedLocks:
    """One asyncio lock per conversation, dropped when nobody holds or waits for it."""

    def __init__(self) -> None:
        self._locks: dict[ConversationKey, tuple[asyncio.Lock, int]] = {}

    @asynccontextmanager
    async def hold(self, key: ConversationKey) -> AsyncIterator[None]:
        lock, users = self._locks.get(key, (asyncio.Lock(), 0))
        self._locks[key] = (lock, users + 1)
        try:
            async with lock:
                yield
        finally:
            lock, users = self._locks[key]
            if users == 1:
                del self._locks[key]
            else:
                self._locks[key] = (lock, users - 1)


class ChatService:
    """Dedup → per-conversation lock → history window → agent with task tools → persist."""

    def __init__(
        self,
        *,
        storage: Storage,
        agent: Agent,
        default_timezone: str = "UTC",
        limits: ChatLimits | None = None,
        clock: Callable[[], datetime] = utc_now,
        remind_at_due_time: bool = True,
        metrics: Metrics | None = None,
    ) -> None:
        self._storage = storage
        self.metrics = metrics or Metrics()
        self._agent = agent
        self._default_tz = default_timezone
        self._limits = limits or ChatLimits()
        self._clock = clock
        self._remind_at_due_time = remind_at_due_time
        self._locks = _KeyedLocks()
        self._listeners: list[ChangeListener] = []

    @property
    def storage(self) -> Storage:
        return self._storage

    def add_change_listener(self, listener: ChangeListener) -> None:
        """Called after any turn or action that changed the person's tasks (e.g. App Home)."""
        self._listeners.append(listener)

    async def aclose(self) -> None:
        """Release what the agent holds (a model client's connections), if anything."""
        close = getattr(self._agent, "aclose", None)
        if close is not None:
            await close()

    async def has_conversation(self, key: ConversationKey) -> bool:
        """Whether the bot has talked under ``key`` (a Slack thread it was mentioned in).

        Raises ``StorageError`` when the database fails: the caller cannot tell either way.
        """
        return await self._storage.conversations.find_conversation(key=key) is not None

    async def handle(self, message: IncomingMessage) -> Reply:
        """Answer one message within ``turn_timeout``. Never raises: failures become an
        apology (saying whether the message was kept) and a log line."""
        started = time.perf_counter()
        reply = await self._handle(storable(message))
        outcome = DUPLICATE if reply.duplicate else FAILED if reply.is_error else ANSWERED
        seconds = time.perf_counter() - started
        self.metrics.turn_finished(platform=message.key.platform, outcome=outcome, seconds=seconds)
        log.info(
            "turn %s in %s: %s in %.0f ms",
            outcome,
            message.key,
            ", ".join(c.name for c in reply.tool_calls) or "no tools",
            seconds * 1000,
            # Searchable fields for JSON logs; never the person's words.
            extra={
                "event_id": message.event_id,
                "conversation": str(message.key),
                "platform": message.key.platform,
                "user": str(message.author),
                "turn_ms": round(seconds * 1000, 1),
                "outcome": outcome,
            },
        )
        return reply

    async def _handle(self, message: IncomingMessage) -> Reply:
        key = message.key
        event = EventRef(key.platform, message.event_id) if message.event_id else None
        loop = asyncio.get_running_loop()
        progress = _Progress(deadline=loop.time() + self._limits.turn_timeout)
        try:
            outcome = await self._within_budget(message, progress)
            if outcome is None:
                return Reply(text="", duplicate=True)
            reply, toolbox = outcome
            # Listeners (App Home refreshes) run outside the turn lock: they are platform I/O.
            await self._notify(toolbox, message.author)
            return dataclasses.replace(reply, event=event)
        except _OutOfTime:
            # The agent has a shorter timeout of its own: the budget ran out on the database
            # (or waiting for this conversation's earlier turns).
            self.metrics.error("storage_busy")
            log.error("turn in %s ran out of time waiting for the database", key)
            return self._apology(texts.storage_busy(kept=progress.stored), event)
        except StorageBusy as exc:
            self.metrics.error("storage_busy")
            log.error("database busy in conversation %s: %s", key, exc)
            return self._apology(texts.storage_busy(kept=progress.stored), event)
        except StorageUnavailable as exc:
            self.metrics.error("storage_unavailable")
            log.error("database unreachable in conversation %s: %s", key, exc)
            return self._apology(texts.storage_apology(kept=progress.stored), event)
        except Exception as exc:
            self.metrics.error(type(exc).__name__)
            log.exception("turn failed in conversation %s", key)
            return self._apology(texts.apology(kept=progress.stored), event)

    async def _within_budget(
        self, message: IncomingMessage, progress: _Progress
    ) -> tuple[Reply, TaskToolbox] | None:
        """The turn, or ``_OutOfTime`` at its deadline.

        The turn runs as a task of its own so that the answer never waits for its clean-up:
        cancelling work on a database that stopped answering rolls back and closes connections,
        which waits for the driver's own timeouts. That finishes in the background.
        """
        turn = asyncio.ensure_future(self._locked_turn(message, progress))
        try:
            done, _ = await asyncio.wait(
                {turn}, timeout=progress.deadline - asyncio.get_running_loop().time()
            )
        except asyncio.CancelledError:
            turn.cancel()
            raise
        if not done:
            turn.cancel()
            turn.add_done_callback(_left_behind)
            raise _OutOfTime
        return turn.result()

    async def _locked_turn(
        self, message: IncomingMessage, progress: _Progress
    ) -> tuple[Reply, TaskToolbox] | None:
        async with self._locks.hold(message.key), self._storage.turn_lock(message.key):
            return await self._turn(message, progress)

    @staticmethod
    def _apology(text: str, event: EventRef | None) -> Reply:
        return Reply(text=text, is_error=True, event=event)

    async def answered(self, reply: Reply) -> None:
        """The adapter posted ``reply``: its event is answered, so no later delivery of it is
        answered again. Until then a delivery after the lease is (the process may have died
        between storing the message and posting). Never raises: a failure is logged (a later
        delivery may then be answered twice, which beats never)."""
        if reply.event is None or reply.duplicate:
            return
        try:
            async with asyncio.timeout(self._limits.turn_timeout):
                await self._storage.events.mark_answered(
                    platform=reply.event.platform, event_id=reply.event.event_id, now=self._clock()
                )
        except (StorageError, TimeoutError) as exc:
            log.warning(
                "could not record that event %s was answered: %s",
                reply.event.event_id,
                type(exc).__name__,
            )

    async def act(
        self,
        *,
        author: UserRef,
        tool: str,
        arguments: Mapping[str, Any],
        display_name: str | None = None,
        timezone: str | None = None,
        place: ConversationKey | None = None,
    ) -> Reply:
        """Run one tool directly as ``author`` (buttons, forms, typed slash commands)."""
        try:
            user = await self._user(author, display_name, timezone)
            toolbox = self._toolbox(user, place, author)
            call = await toolbox.call(tool, dict(arguments))
            await self._forget_if_asked(toolbox)
            await self._notify(toolbox, author)
            failure = call.outcome if isinstance(call.outcome, Failure) else None
            return Reply(
                text=failure.message if failure else "",
                tool_calls=[call],
                tasks=toolbox.shown_tasks,
                user_id=user.id,
                is_error=failure is not None,
                changed=toolbox.changed,
            )
        except StorageBusy as exc:
            log.error("database busy for action %s by %s: %s", tool, author, exc)
            return Reply(text=texts.storage_busy(), is_error=True)
        except StorageUnavailable as exc:
            log.error("database unreachable for action %s by %s: %s", tool, author, exc)
            return Reply(text=texts.storage_apology(), is_error=True)
        except Exception:
            log.exception("action %s by %s failed", tool, author)
            return Reply(text=texts.apology(), is_error=True)

    async def _turn(
        self, message: IncomingMessage, progress: _Progress
    ) -> tuple[Reply, TaskToolbox] | None:
        conversations = self._storage.conversations
        # The person's words are stored (and the delivery claimed) before anything can fail,
        # so nothing they wrote is lost and a redelivery is not answered twice.
        start = await conversations.begin_turn(
            request=TurnRequest(
                message=message,
                now=self._clock(),
                default_timezone=self._default_tz,
                timezone_hint=self._timezone_hint(message.timezone, message.author),
                history_limit=self._limits.history_messages,
                history_chars=self._limits.history_chars,
                event_lease_seconds=self._limits.event_lease,
            )
        )
        if start is None:
            return None
        progress.stored = True
        user = start.user
        toolbox = self._toolbox(user, message.key, message.author, message.workspace_people)
        if start.reply is not None:
            # A turn that died after storing its answer, before posting it: post that answer
            # rather than run the agent (and its changes) a second time.
            log.info("event %s taken over: posting the answer stored before", message.event_id)
            reply = Reply(text=start.reply.content, tool_calls=start.reply.tool_calls)
            return dataclasses.replace(reply, user_id=user.id), toolbox
        if start.resumed:
            log.info("event %s taken over: its turn had stopped; answering it", message.event_id)
        async with self._reply_transaction():
            if len(message.text) > self._limits.max_message_chars:
                answer = AgentReply(
                    text=texts.message_too_long(len(message.text), self._limits.max_message_chars)
                )
            else:
                turn = AgentTurn(
                    user=user,
                    text=message.text,
                    history=start.history,
                    now=start.message.created_at,
                    tz=toolbox.tz,
                )
                answer = await self._run_agent(turn, toolbox, message.key, progress.deadline)
            # Whatever the agent managed, its tool calls are recorded with the reply.
            await conversations.append_message(
                conversation_id=start.conversation.id,
                user_id=user.id,
                role="assistant",
                content=answer.text,
                now=self._clock(),
                tool_calls=toolbox.calls,
                tokens_used=answer.tokens_used,
                speaker_name=user.display_name,
            )
        await self._forget_if_asked(toolbox)
        reply = Reply(
            text=answer.text,
            tool_calls=list(toolbox.calls),
            tasks=toolbox.shown_tasks,
            user_id=user.id,
            is_error=answer.failed,
            changed=toolbox.changed,
        )
        return reply, toolbox

    def _reply_transaction(self) -> AbstractAsyncContextManager[object]:
        """The tool calls and the reply of an agent that answers in milliseconds (the offline
        one) commit together: one transaction instead of one per call plus one for the reply.
        An agent that waits on a model must not hold the database meanwhile: its calls commit
        one by one."""
        if getattr(self._agent, "answers_instantly", False):
            return self._storage.one_transaction()
        return nullcontext()

    async def _run_agent(
        self, turn: AgentTurn, toolbox: TaskToolbox, key: ConversationKey, turn_deadline: float
    ) -> AgentReply:
        """The agent's answer; a failure or timeout becomes an honest apology that says which
        changes were already made (they are committed and stay)."""
        loop = asyncio.get_running_loop()
        # The agent's own limit, within what the turn has left less time to store the reply.
        deadline = min(
            loop.time() + self._limits.agent_timeout, turn_deadline - self._limits.reserve
        )
        try:
            # A timeout scope, not wait_for: no task per turn, and the agent runs in the turn's
            # own context (its shared transaction, if any).
            async with asyncio.timeout_at(deadline):
                answer = await self._agent.respond(turn, toolbox)
        except TimeoutError:
            self.metrics.error("agent_timeout")
            log.warning("agent %s timed out in %s", self._agent.name, key)
            done = texts.describe_changes(toolbox.calls)
            return AgentReply(text=texts.agent_timeout(done), failed=True)
        except (StorageUnavailable, StorageBusy):
            raise
        except Exception as exc:
            self.metrics.error(f"agent_{type(exc).__name__}")
            log.exception("agent %s failed in %s", self._agent.name, key)
            done = texts.describe_changes(toolbox.calls)
            return AgentReply(text=texts.apology(done), failed=True)
        if not answer.text.strip():
            return AgentReply(text=texts.help_text(), tokens_used=answer.tokens_used)
        return answer

    @staticmethod
    def _timezone_hint(timezone: str | None, ref: UserRef) -> str | None:
        if not timezone:
            return None
        try:
            return str(dates.zone(timezone))
        except UnknownTimezone:
            log.warning("ignoring unknown timezone %r for %s", timezone, ref)
            return None

    async def _user(self, ref: UserRef, display_name: str | None, timezone: str | None) -> User:
        hint = self._timezone_hint(timezone, ref)
        users = self._storage.users
        user = await users.resolve_user(
            ref=ref, display_name=display_name, timezone=hint or self._default_tz
        )
        if hint and not user.timezone_pinned and user.timezone != hint:
            user = await users.set_timezone(user_id=user.id, timezone=hint, pinned=False)
        return user

    def _toolbox(
        self,
        user: User,
        place: ConversationKey | None = None,
        speaker: UserRef | None = None,
        workspace_people: frozenset[str] | None = None,
    ) -> TaskToolbox:
        return TaskToolbox(
            tasks=self._storage.tasks,
            users=self._storage.users,
            user=user,
            now=self._clock(),
            reminders=self._storage.reminders,
            place=place,  # where a reminder set in this turn falls back to
            at_due_time=self._remind_at_due_time,
            teams=self._storage.teams,
            speaker=speaker,
            workspace_people=workspace_people,
        )

    async def _forget_if_asked(self, toolbox: TaskToolbox) -> None:
        """ "Forget me", confirmed: deleted after the turn, its own messages included."""
        teams = self._storage.teams
        if toolbox.forget_requested and teams is not None:
            await teams.forget(user_id=toolbox.user.id)
            log.info("forgot a person at their request")

    async def _notify(self, toolbox: TaskToolbox, author: UserRef) -> None:
        if not toolbox.changed:
            return
        for listener in self._listeners:
            try:
                await listener(toolbox.user, author)
            except Exception:
                log.exception("change listener failed for %s", author)


__all__ = ["ChatLimits", "ChatService", "utc_now"]
