"""Dedup that survives crashes: an event is answered only once its reply is posted.

On SQLite, PostgreSQL and the in-memory store: a delivery of a claimed event is a no-op while
the claim is fresh or once it is answered; a claim older than the lease that was never answered
(its process died) is taken over once, reusing the stored message — and the stored answer, if
the turn got that far.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest

from bot.agent import AgentReply, AgentTurn, Tools
from bot.chat import ChatLimits, ChatService
from bot.conversations import IncomingMessage, TurnRequest
from bot.identity import ConversationKey, UserRef
from bot.stores import Storage
from bot.tasks import TaskQuery
from storage.memory import MemoryStorage
from storage.sql import open_sql_storage
from storage.sql.storage import SqlStorage
from tests.conftest import fresh_postgres_database, migrated_storage
from tests.support.agents import ScriptAgent

KEY = ConversationKey("slack", "T1", "C1", "thread-1")
ANN = UserRef("slack", "T1", "U_ANN")
START = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)
LEASE = 120.0


class Clock:
    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


class ProcessDied(BaseException):
    """Stands for SIGKILL in the middle of a turn: nothing after it runs, nothing catches it."""


class DyingAgent(ScriptAgent):
    """Does what it is told, then dies, ``deaths`` times; afterwards it works."""

    def __init__(self) -> None:
        super().__init__()
        self.deaths = 0

    async def respond(self, turn: AgentTurn, tools: Tools) -> AgentReply:
        answer = await super().respond(turn, tools)
        if self.deaths:
            self.deaths -= 1
            raise ProcessDied
        return answer


@pytest.fixture(params=["memory", "sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
async def any_storage(request: pytest.FixtureRequest, sqlite_url: str) -> AsyncIterator[Storage]:
    if request.param == "memory":
        yield MemoryStorage()
    elif request.param == "sqlite":
        async with migrated_storage(sqlite_url) as store:
            yield store
    else:
        async with fresh_postgres_database() as url, migrated_storage(url) as store:
            yield store


def delivery(text: str, event_id: str = "Ev1") -> IncomingMessage:
    return IncomingMessage(key=KEY, author=ANN, text=text, event_id=event_id, display_name="Ann")


def chat_on(storage: Storage, agent: ScriptAgent, clock: Clock) -> ChatService:
    limits = ChatLimits(event_lease=LEASE)
    return ChatService(storage=storage, agent=agent, clock=clock, limits=limits)


async def messages(storage: Storage) -> list[tuple[str, str]]:
    conversation = await storage.conversations.find_conversation(key=KEY)
    assert conversation is not None
    window = await storage.conversations.recent_messages(  # type: ignore[attr-defined]
        conversation_id=conversation.id, limit=100, char_budget=1_000_000
    )
    return [(m.role, m.content) for m in window]


async def open_titles(storage: Storage) -> list[str]:
    user = await storage.users.find_user(ref=ANN)
    assert user is not None
    page = await storage.tasks.list_tasks(
        user_id=user.id, query=TaskQuery(), now=START, tz=__import__("zoneinfo").ZoneInfo("UTC")
    )
    return [t.title for t in page]


ADD_MILK = json.dumps({"calls": [["add_task", {"title": "milk"}]], "reply": "added"})


async def test_a_retry_while_the_turn_runs_or_after_it_answered_is_a_no_op(
    any_storage: Storage,
) -> None:
    clock = Clock()
    agent = ScriptAgent()
    chat = chat_on(any_storage, agent, clock)
    reply = await chat.handle(delivery("hello"))
    assert reply.text == "echo: hello" and reply.event is not None

    # Not yet answered, but the claim is fresh: its turn may still be running elsewhere.
    clock.advance(LEASE - 1)
    assert (await chat.handle(delivery("hello"))).duplicate

    await chat.answered(reply)
    clock.advance(LEASE * 10)
    assert (await chat.handle(delivery("hello"))).duplicate
    assert len(agent.turns) == 1
    assert await messages(any_storage) == [("user", "hello"), ("assistant", "echo: hello")]


async def test_a_turn_that_died_is_answered_by_the_retry_after_the_lease_once(
    any_storage: Storage,
) -> None:
    clock = Clock()
    agent = DyingAgent()
    chat = chat_on(any_storage, agent, clock)
    await chat.handle(delivery("before"))  # some history
    agent.deaths = 1
    with pytest.raises(ProcessDied):
        await chat.handle(delivery(ADD_MILK, "Ev2"))
    # The message was kept; the agent's change committed; no answer was stored or posted.
    assert await messages(any_storage) == [
        ("user", "before"),
        ("assistant", "echo: before"),
        ("user", ADD_MILK),
    ]

    clock.advance(LEASE + 1)
    reply = await chat.handle(delivery(ADD_MILK, "Ev2"))
    assert not reply.duplicate and not reply.is_error
    assert reply.text.startswith("added")
    # The person's message is not stored twice; the retried turn saw the history before it.
    assert await messages(any_storage) == [
        ("user", "before"),
        ("assistant", "echo: before"),
        ("user", ADD_MILK),
        ("assistant", reply.text),
    ]
    resumed = agent.turns[-1]
    assert [m.content for m in resumed.history] == ["before", "echo: before"]
    await chat.answered(reply)

    # Once: a further retry, even much later, is a no-op.
    clock.advance(LEASE * 5)
    assert (await chat.handle(delivery(ADD_MILK, "Ev2"))).duplicate
    assert len(agent.turns) == 3


async def test_a_turn_that_died_while_posting_gives_back_its_stored_answer(
    any_storage: Storage,
) -> None:
    clock = Clock()
    agent = ScriptAgent()
    chat = chat_on(any_storage, agent, clock)
    first = await chat.handle(delivery(ADD_MILK))
    # ... and the process dies before posting it: ``answered`` is never called.

    clock.advance(LEASE + 1)
    again = await chat.handle(delivery(ADD_MILK))
    assert again.text == first.text and not again.duplicate
    assert len(agent.turns) == 1  # the agent did not run (and add milk) a second time
    assert await open_titles(any_storage) == ["milk"]
    assert await messages(any_storage) == [("user", ADD_MILK), ("assistant", first.text)]


async def test_begin_turn_takes_over_a_stale_claim_once(any_storage: Storage) -> None:
    def request(now: datetime) -> TurnRequest:
        return TurnRequest(
            message=delivery("hi"),
            now=now,
            default_timezone="UTC",
            timezone_hint=None,
            history_limit=20,
            history_chars=8000,
            event_lease_seconds=LEASE,
        )

    conversations = any_storage.conversations
    first = await conversations.begin_turn(request=request(START))
    assert first is not None and not first.resumed
    assert await conversations.begin_turn(request=request(START + timedelta(seconds=5))) is None
    later = START + timedelta(seconds=LEASE + 1)
    taken = await conversations.begin_turn(request=request(later))
    assert taken is not None and taken.resumed and taken.reply is None
    assert taken.message.id == first.message.id and taken.message.content == "hi"
    # The take-over renewed the claim: a delivery right after it is a duplicate again.
    assert await conversations.begin_turn(request=request(later)) is None
    assert await messages(any_storage) == [("user", "hi")]


@pytest.mark.postgres
async def test_two_processes_racing_for_stale_claims_take_each_over_once() -> None:
    """Two storages with their own connection pools (what two processes have) take over the
    same stale claims at the same moment: each event is answered by exactly one."""
    events = [f"Ev{n}" for n in range(20)]
    async with fresh_postgres_database() as url, migrated_storage(url) as setup:
        clock = Clock()
        dying = DyingAgent()
        dying.deaths = len(events)
        chat = chat_on(setup, dying, clock)
        for event in events:
            with pytest.raises(ProcessDied):
                await chat.handle(
                    IncomingMessage(
                        key=ConversationKey("slack", "T1", "C1", event),
                        author=ANN,
                        text=f"hello {event}",
                        event_id=event,
                    )
                )
        clock.advance(LEASE + 1)

        a, b = open_sql_storage(url), open_sql_storage(url)
        agents = (ScriptAgent(), ScriptAgent())
        try:
            chats = [chat_on(s, agent, clock) for s, agent in zip((a, b), agents, strict=True)]
            replies = await asyncio.gather(
                *(
                    c.handle(
                        IncomingMessage(
                            key=ConversationKey("slack", "T1", "C1", event),
                            author=ANN,
                            text=f"hello {event}",
                            event_id=event,
                        )
                    )
                    for event in events
                    for c in chats
                )
            )
        finally:
            await a.close()
            await b.close()
    answered = [r for r in replies if not r.duplicate]
    assert not any(r.is_error for r in replies)
    assert sorted(r.event.event_id for r in answered if r.event) == sorted(events)
    assert len(agents[0].turns) + len(agents[1].turns) == len(events)


async def test_sql_migration_counts_earlier_events_as_answered(sqlite_url: str) -> None:
    """Events recorded before the revision that added answers were answered when claimed."""
    from sqlalchemy import text

    from storage import migrate

    storage: SqlStorage = open_sql_storage(sqlite_url)
    try:
        await migrate.upgrade(storage.engine, "0002")
        async with storage.engine.begin() as conn:
            await conn.execute(
                text(
                    "INSERT INTO processed_event (platform, event_id, seen_at) "
                    "VALUES ('slack', 'old', '2026-12-01 09:00:00.000000')"
                )
            )
        await migrate.upgrade(storage.engine)
        chat = chat_on(storage, ScriptAgent(), Clock())
        assert (await chat.handle(delivery("hello", "old"))).duplicate
    finally:
        await storage.close()


@pytest.mark.postgres
async def test_the_take_over_itself_is_atomic_across_connection_pools() -> None:
    """Without the turn lock in between: two storages run ``begin_turn`` for the same stale
    claims at once, and the conditional UPDATE gives each claim to exactly one."""
    events = [f"Ev{n}" for n in range(30)]

    def request(event: str, now: datetime) -> TurnRequest:
        return TurnRequest(
            message=IncomingMessage(
                key=ConversationKey("slack", "T1", "C1", event),
                author=ANN,
                text="hi",
                event_id=event,
            ),
            now=now,
            default_timezone="UTC",
            timezone_hint=None,
            history_limit=20,
            history_chars=8000,
            event_lease_seconds=LEASE,
        )

    async with fresh_postgres_database() as url, migrated_storage(url) as setup:
        for event in events:
            assert await setup.conversations.begin_turn(request=request(event, START))
        later = START + timedelta(seconds=LEASE + 1)
        a, b = open_sql_storage(url), open_sql_storage(url)
        try:
            starts = await asyncio.gather(
                *(
                    s.conversations.begin_turn(request=request(event, later))
                    for event in events
                    for s in (a, b)
                )
            )
        finally:
            await a.close()
            await b.close()
    taken = [s for s in starts if s is not None]
    assert len(taken) == len(events) and all(s.resumed for s in taken)
    assert sorted(s.conversation.key.thread_id for s in taken) == sorted(events)
