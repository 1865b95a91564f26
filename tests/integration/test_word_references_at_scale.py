"""A task named by words is found however long the list, on SQLite and PostgreSQL: the store
filters candidates in SQL (``TaskQuery.mentions``) the way the core would, and the matcher
scores only those."""

from __future__ import annotations

import random
import threading
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import event

from bot.agents.rules.agent import RulesAgent
from bot.chat import ChatService
from bot.conversations import IncomingMessage
from bot.identity import ConversationKey, UserRef
from bot.tasks import TaskDraft, TaskImport, TaskQuery, mention_share
from bot.tools import TaskToolbox
from bot.tools.candidates import fragments, mentions_of
from bot.tools.matching import query_words
from storage.memory import MemoryStorage
from storage.sql import SqlStorage
from storage.sql.tasks import LONG_LIST
from tests.integration.test_task_lists import chores, user_with

NOW = datetime(2026, 3, 7, 15, 30, tzinfo=UTC)
UTC_ZONE = ZoneInfo("UTC")

TITLES = (
    "call mom",
    "Call the plumber about the sink",
    "buy milk",
    "Paid the rent",
    "book dentist appointment",
    "renew passport",
    "email Ana the report",
    "fix the gutters",
    "pick up groceries",
    "100% done_ish chores",
    "water the plants",
    "Schedule car service",
)


def test_fragments_cover_the_forms_the_matcher_accepts() -> None:
    assert set(fragments("buy")) >= {"buy", "bou", "ght", "get", "gra", "pur", "ase", "pic"}
    assert set(fragments("plumber")) == {"plu", "ber"}
    assert fragments("tv") == ("tv",)
    # A leading action verb weighs less, as in the matcher: "call" alone cannot name a task.
    call, plumber = mentions_of(query_words("call the plumber"))
    assert call.weight < plumber.weight


async def test_sql_filter_and_order_agree_with_the_core(storage: SqlStorage) -> None:
    pick = random.Random(3)
    drafts = [
        TaskImport(draft=TaskDraft(title=pick.choice(TITLES), description=pick.choice(("", "x"))))
        for _ in range(300)
    ]
    tasks = await user_with(storage, "ann", drafts)
    memory = MemoryStorage()
    mine = await memory.users.resolve_user(
        ref=UserRef("console", "local", "ann"), display_name="ann", timezone="UTC"
    )
    await memory.tasks.import_tasks(user_id=mine.id, tasks=drafts, now=NOW)
    for words in ("the plumber", "rent", "groceries", "100%", "done_ish", "call mom", "dentst"):
        query = TaskQuery(status="all", order="number", mentions=mentions_of(query_words(words)))
        want = [t.number for t in tasks if query.matches(t, now=NOW, tz=UTC_ZONE)]
        got = await storage.tasks.list_tasks(
            user_id=tasks[0].user_id, query=query, now=NOW, tz=UTC_ZONE, limit=1000
        )
        assert sorted(t.number for t in got) == sorted(want), words
        assert got.total == len(want)
        shares = [mention_share(query.mentions, t) for t in got]
        assert shares == sorted(shares, reverse=True), words  # those naming most first
        in_memory = await memory.tasks.list_tasks(
            user_id=mine.id, query=query, now=NOW, tz=UTC_ZONE, limit=1000
        )
        assert [t.number for t in in_memory] == [t.number for t in got], words


async def test_the_rules_agent_finds_a_task_among_ten_thousand(storage: SqlStorage) -> None:
    drafts = chores(9_990)
    drafts[9_876] = TaskImport(draft=TaskDraft(title="book the dentist appointment"))
    drafts[9_100] = TaskImport(draft=TaskDraft(title="pay the electricity bill"))
    await user_with(storage, "big", drafts)
    chat = ChatService(storage=storage, agent=RulesAgent(), clock=lambda: NOW)
    author = UserRef("console", "local", "big")
    key = ConversationKey("console", "local", "big", "main")

    async def say(text: str) -> str:
        reply = await chat.handle(IncomingMessage(key=key, author=author, text=text))
        assert not reply.is_error, reply.text
        return reply.text

    assert "#9877" in await say("done the dentist appointment")
    assert "#9101" in await say("i paid the electricity bill")
    assert "#9101" in await say("move the electricity bill to friday")
    found = await say("done the passport")
    assert "passport" in found and "#" not in found  # not there: said so, nothing done


async def test_a_tool_call_by_words_finds_a_task_among_ten_thousand(
    storage: SqlStorage,
) -> None:
    drafts = chores(9_990)
    drafts[9_500] = TaskImport(draft=TaskDraft(title="Call the plumber about the sink"))
    tasks = await user_with(storage, "big", drafts)
    user = await storage.users.find_user(ref=UserRef("console", "local", "big"))
    assert user is not None and tasks[9_500].number == 9_501
    box = TaskToolbox(tasks=storage.tasks, users=storage.users, user=user, now=NOW)
    done = await box.call("complete_task", {"query": "plumbr"})
    assert done.result["ok"] and done.result["task"]["number"] == 9_501
    listed = await box.call("list_tasks", {"status": "all", "matching": "the plumber's sink"})
    assert [t["number"] for t in listed.result["tasks"]] == [9_501]


async def test_a_long_list_is_read_off_the_event_loop_thread(sqlite_storage: SqlStorage) -> None:
    """On SQLite a page of a long list (sorting every row) runs in a worker thread, so the
    loop keeps serving; a short list stays on the loop's thread (the hand-off costs more)."""
    short = await user_with(sqlite_storage, "short", chores(10))
    long = await user_with(sqlite_storage, "long", chores(LONG_LIST))
    threads: list[int] = []

    def seen(*_args: object) -> None:
        threads.append(threading.get_ident())

    engine = sqlite_storage.database.engine  # type: ignore[attr-defined]
    for tasks, off_loop in ((short, False), (long, True)):
        threads.clear()
        event.listen(engine, "before_cursor_execute", seen)
        try:
            page = await sqlite_storage.tasks.list_tasks(
                user_id=tasks[0].user_id, query=TaskQuery(), now=NOW, tz=UTC_ZONE, limit=25
            )
        finally:
            event.remove(engine, "before_cursor_execute", seen)
        assert page.total == len(tasks)
        assert threads and (threads[-1] != threading.get_ident()) == off_loop
