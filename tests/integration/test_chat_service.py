"""The core turn over real databases: persistence, dedup, ordering, failures."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.chat import ChatLimits, ChatService
from bot.conversations import IncomingMessage
from bot.identity import ConversationKey, UserRef
from bot.tasks import TaskQuery
from storage.sql import SqlStorage, open_sql_storage
from tests.support.agents import OverlapProbe, ScriptAgent

KEY = ConversationKey("slack", "T1", "C1", "thread-1")
ANN = UserRef("slack", "T1", "U_ANN")
BEN = UserRef("slack", "T1", "U_BEN")


def message(text: str, *, author: UserRef = ANN, event_id: str | None = None) -> IncomingMessage:
    return IncomingMessage(
        key=KEY, author=author, text=text, event_id=event_id, display_name=author.external_id
    )


async def stored_contents(storage: SqlStorage) -> list[tuple[str, str]]:
    conv = await storage.conversations.open_conversation(key=KEY, now=datetime.now(UTC))
    window = await storage.conversations.recent_messages(
        conversation_id=conv.id, limit=100, char_budget=1_000_000
    )
    return [(m.role, m.content) for m in window]


async def test_turn_persists_message_reply_and_tool_calls(storage: SqlStorage) -> None:
    chat = ChatService(storage=storage, agent=ScriptAgent())
    script = json.dumps({"calls": [["add_task", {"title": "buy milk"}]], "reply": "ok "})
    reply = await chat.handle(message(script))
    assert reply.changed and reply.tool_calls[0].result["task"]["number"] == 1
    conv = await storage.conversations.open_conversation(key=KEY, now=reply.tasks[0].created_at)
    window = await storage.conversations.recent_messages(
        conversation_id=conv.id, limit=10, char_budget=100_000
    )
    assert [m.role for m in window] == ["user", "assistant"]
    assert window[1].tool_calls[0].name == "add_task"
    assert window[1].tool_calls[0].result["ok"] is True


async def test_each_speaker_acts_on_their_own_tasks(storage: SqlStorage) -> None:
    chat = ChatService(storage=storage, agent=ScriptAgent())
    add = json.dumps({"calls": [["add_task", {"title": "ann's task"}]]})
    await chat.handle(message(add, author=ANN))
    done = json.dumps({"calls": [["complete_task", {"number": 1}]]})
    reply = await chat.handle(message(done, author=BEN))
    assert reply.tool_calls[0].result["error"] == "not_found"
    ann = await storage.users.find_user(ref=ANN)
    assert ann is not None
    task = await storage.tasks.get_task(user_id=ann.id, number=1)
    assert not task.completed


async def test_redelivered_event_is_answered_once(storage: SqlStorage) -> None:
    agent = ScriptAgent()
    chat = ChatService(storage=storage, agent=agent)
    add = json.dumps({"calls": [["add_task", {"title": "once"}]]})
    first = await chat.handle(message(add, event_id="Ev42"))
    second = await chat.handle(message(add, event_id="Ev42"))
    assert not first.duplicate and second.duplicate and second.text == ""
    assert len(agent.turns) == 1


async def test_agent_failure_keeps_the_message_and_apologises(
    storage: SqlStorage, caplog: pytest.LogCaptureFixture
) -> None:
    chat = ChatService(storage=storage, agent=ScriptAgent())
    with caplog.at_level(logging.ERROR):
        reply = await chat.handle(message(json.dumps({"raise": True})))
    assert reply.is_error and "Sorry" in reply.text and "Traceback" not in reply.text
    assert str(KEY) in caplog.text
    assert (await stored_contents(storage))[0] == ("user", json.dumps({"raise": True}))


async def test_slow_agent_times_out_with_an_honest_reply(storage: SqlStorage) -> None:
    chat = ChatService(
        storage=storage, agent=ScriptAgent(delay=5), limits=ChatLimits(agent_timeout=0.1)
    )
    reply = await chat.handle(message("hello"))
    assert "took too long" in reply.text
    assert [r for r, _ in await stored_contents(storage)] == ["user", "assistant"]


async def test_very_long_message_is_kept_and_answered_without_the_agent(
    storage: SqlStorage,
) -> None:
    agent = ScriptAgent()
    chat = ChatService(storage=storage, agent=agent, limits=ChatLimits(max_message_chars=4000))
    text = "x" * 40_000
    reply = await chat.handle(message(text))
    assert "40,000" in reply.text and not agent.turns
    assert (await stored_contents(storage))[0] == ("user", text)


async def test_turns_of_one_conversation_run_in_order(storage: SqlStorage) -> None:
    probe = OverlapProbe(delay=0.03)
    chat = ChatService(storage=storage, agent=probe)
    texts = [f"m{i}" for i in range(6)]
    tasks = []
    for text in texts:
        tasks.append(asyncio.create_task(chat.handle(message(text))))
        await asyncio.sleep(0)  # each message arrives after the previous one
    await asyncio.gather(*tasks)
    assert probe.max_active == 1
    assert probe.order == texts


@pytest.mark.postgres
async def test_turns_are_serialised_across_processes_on_postgres(postgres_url: str) -> None:
    from storage import migrate

    first = open_sql_storage(postgres_url)
    second = open_sql_storage(postgres_url)
    await migrate.upgrade(first.engine)
    probe = OverlapProbe(delay=0.05)
    # Two services with their own engines stand for two processes; they share only the
    # database, so only the advisory lock can keep their turns apart.
    chats = [ChatService(storage=first, agent=probe), ChatService(storage=second, agent=probe)]
    try:
        await asyncio.gather(*(chats[i % 2].handle(message(f"m{i}")) for i in range(6)))
    finally:
        await first.close()
        await second.close()
    assert probe.max_active == 1
    assert len(probe.order) == 6


async def test_database_down_gives_an_apology_not_a_traceback(
    unreachable_database_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    storage = open_sql_storage(unreachable_database_url, connect_timeout=2)
    chat = ChatService(storage=storage, agent=ScriptAgent())
    try:
        reply = await chat.handle(message("hello", event_id="Ev1"))
    finally:
        await storage.close()
    assert reply.is_error and "database" in reply.text
    assert "Traceback" not in reply.text


async def test_button_action_runs_one_tool_as_the_clicker(storage: SqlStorage) -> None:
    chat = ChatService(storage=storage, agent=ScriptAgent())
    await chat.act(author=ANN, tool="add_task", arguments={"title": "x"})
    refused = await chat.act(author=BEN, tool="complete_task", arguments={"number": 1})
    assert refused.is_error and "no task #1" in refused.text
    done = await chat.act(author=ANN, tool="complete_task", arguments={"number": 1})
    assert done.changed and not done.is_error
    ann = await storage.users.find_user(ref=ANN)
    assert ann is not None
    open_tasks = await storage.tasks.list_tasks(
        user_id=ann.id, query=TaskQuery(), now=datetime.now(UTC), tz=ZoneInfo("UTC")
    )
    assert open_tasks == []


async def test_a_turn_that_fails_halfway_says_what_was_done_and_records_it(
    storage: SqlStorage,
) -> None:
    chat = ChatService(storage=storage, agent=ScriptAgent())
    script = json.dumps({"calls": [["add_task", {"title": "buy milk"}]], "raise": True})
    reply = await chat.handle(message(script))
    assert reply.is_error
    assert "added #1 “buy milk”" in reply.text
    assert "stays done" in reply.text
    conv = await storage.conversations.open_conversation(key=KEY, now=datetime.now(UTC))
    window = await storage.conversations.recent_messages(
        conversation_id=conv.id, limit=10, char_budget=100_000
    )
    assert window[-1].role == "assistant"
    assert [c.name for c in window[-1].tool_calls] == ["add_task"]


async def test_a_turn_that_times_out_after_a_change_does_not_claim_nothing_was_done(
    storage: SqlStorage,
) -> None:
    chat = ChatService(storage=storage, agent=ScriptAgent(), limits=ChatLimits(agent_timeout=0.2))
    script = json.dumps({"calls": [["add_task", {"title": "call mum"}]], "sleep": 5})
    reply = await chat.handle(message(script))
    assert "took too long" in reply.text
    assert "added #1 “call mum”" in reply.text
    assert "Nothing was changed" not in reply.text


async def test_a_platform_timezone_does_not_replace_one_the_person_chose(
    storage: SqlStorage,
) -> None:
    chat = ChatService(storage=storage, agent=ScriptAgent())
    hinted = IncomingMessage(key=KEY, author=ANN, text="hi", timezone="America/New_York")
    await chat.handle(hinted)
    choose = json.dumps({"calls": [["set_timezone", {"timezone": "Europe/Berlin"}]]})
    await chat.handle(message(choose))
    await chat.handle(hinted)
    ann = await storage.users.find_user(ref=ANN)
    assert ann is not None
    assert ann.timezone == "Europe/Berlin"
    assert ann.timezone_pinned


@pytest.mark.postgres
async def test_many_conversations_at_once_do_not_exhaust_the_pool(postgres_url: str) -> None:
    from storage import migrate

    storage = open_sql_storage(postgres_url, pool_size=2, connect_timeout=5)
    await migrate.upgrade(storage.engine)
    chat = ChatService(storage=storage, agent=ScriptAgent(delay=0.2))
    try:
        replies = await asyncio.gather(
            *(
                chat.handle(
                    IncomingMessage(
                        key=ConversationKey("slack", "T1", "C1", f"t{i}"), author=ANN, text=f"m{i}"
                    )
                )
                for i in range(30)
            )
        )
    finally:
        await storage.close()
    assert [r.text for r in replies] == [f"echo: m{i}" for i in range(30)]


@pytest.mark.postgres
async def test_turns_of_one_thread_keep_their_order_across_processes(postgres_url: str) -> None:
    import asyncpg

    from storage import migrate

    first, second = open_sql_storage(postgres_url), open_sql_storage(postgres_url)
    await migrate.upgrade(first.engine)
    gate = asyncio.Event()  # turns think until the test lets them go: no race with the clock
    probe = OverlapProbe(gate=gate)
    process_a = ChatService(storage=first, agent=probe)
    process_b = ChatService(storage=second, agent=probe)
    watcher = await asyncpg.connect(postgres_url.replace("postgresql+asyncpg", "postgresql"))

    async def until(condition: Callable[[], Awaitable[bool]]) -> None:
        async with asyncio.timeout(30):
            while not await condition():  # noqa: ASYNC110  (database state: nothing to await)
                await asyncio.sleep(0.02)

    async def m1_is_thinking() -> bool:
        return probe.order == ["m1"]

    async def m2_waits_for_the_thread() -> bool:
        # This test's own database only: other tests share the server.
        query = (
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"
            " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
        )
        return bool(await watcher.fetchval(query) == 1)

    try:
        # m1 reaches process A, m2 process B (queued on the thread's lock in PostgreSQL), m3
        # process A again, in that order.
        m1 = asyncio.create_task(process_a.handle(message("m1")))
        await until(m1_is_thinking)
        m2 = asyncio.create_task(process_b.handle(message("m2")))
        await until(m2_waits_for_the_thread)
        m3 = asyncio.create_task(process_a.handle(message("m3")))
        await asyncio.sleep(0)
        gate.set()
        await asyncio.gather(m1, m2, m3)
    finally:
        gate.set()
        await watcher.close()
        await first.close()
        await second.close()
    assert probe.order == ["m1", "m2", "m3"]
