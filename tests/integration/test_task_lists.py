"""Lists in SQL on SQLite and PostgreSQL: the same order and filters as the core's own rules
(``TaskQuery.matches``, ``order_key``), paging with true totals, and lists of 10,000 tasks."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.agents.rules.agent import RulesAgent
from bot.chat import ChatService
from bot.conversations import IncomingMessage, ToolCall
from bot.identity import ConversationKey, UserRef
from bot.tasks import Due, Priority, Task, TaskDraft, TaskImport, TaskQuery, order_key
from storage.sql import SqlStorage

NOW = datetime(2026, 3, 7, 15, 30, tzinfo=UTC)  # the day before the US switch to summer time
ZONES = ("UTC", "America/New_York", "Asia/Kolkata", "Pacific/Auckland")
ORDERS = ("due", "priority", "number", "newest")


def varied_tasks(count: int, seed: int = 7) -> list[TaskImport]:
    """Dates alone and date-times around DST changes and local midnights, all priorities,
    some done, some undated: what makes the orders and day windows differ."""
    pick = random.Random(seed)
    items = []
    for i in range(count):
        kind = pick.random()
        due: Due | None
        if kind < 0.2:
            due = None
        elif kind < 0.55:
            due = Due.on(date(2026, 3, 1) + timedelta(days=pick.randrange(20)))
        else:
            day = date(2026, 3, 1) + timedelta(days=pick.randrange(20))
            moment = time(pick.choice((0, 1, 4, 5, 10, 12, 18, 22, 23)), pick.choice((0, 30, 59)))
            due = Due.at_instant(datetime.combine(day, moment, tzinfo=UTC))
        items.append(
            TaskImport(
                draft=TaskDraft(title=f"task {i}", priority=pick.choice(list(Priority)), due=due),
                completed_at=NOW if pick.random() < 0.25 else None,
            )
        )
    return items


async def user_with(storage: SqlStorage, name: str, tasks: list[TaskImport]) -> list[Task]:
    user = await storage.users.resolve_user(
        ref=UserRef("console", "local", name), display_name=name, timezone="UTC"
    )
    return await storage.tasks.import_tasks(user_id=user.id, tasks=tasks, now=NOW)


def expected(tasks: list[Task], query: TaskQuery, tz: ZoneInfo) -> list[int]:
    found = [t for t in tasks if query.matches(t, now=NOW, tz=tz)]
    return [t.number for t in sorted(found, key=lambda t: order_key(t, tz, query.order))]


QUERIES = (
    TaskQuery(status="all"),
    TaskQuery(status="open"),
    TaskQuery(status="completed"),
    TaskQuery(status="open", priority=Priority.HIGH),
    TaskQuery(status="open", overdue=True),
    TaskQuery(status="all", has_due=False),
    TaskQuery(status="all", due_after=date(2026, 3, 7), due_before=date(2026, 3, 8)),
    TaskQuery(status="open", due_before=date(2026, 3, 10)),
    TaskQuery(status="all", due_after=date(2026, 3, 15)),
    TaskQuery(status="all", numbers=frozenset({3, 50, 120, 9999})),
)


@pytest.mark.parametrize("zone", ZONES)
async def test_sql_lists_match_the_core_rules_in_every_order_and_zone(
    storage: SqlStorage, zone: str
) -> None:
    tasks = await user_with(storage, "ann", varied_tasks(160))
    tz = ZoneInfo(zone)
    user_id = tasks[0].user_id
    for query in QUERIES:
        for order in ORDERS:
            shaped = TaskQuery(**{**_fields(query), "order": order})
            want = expected(tasks, shaped, tz)
            got = await storage.tasks.list_tasks(
                user_id=user_id, query=shaped, now=NOW, tz=tz, limit=500
            )
            assert [t.number for t in got] == want, (zone, shaped)
            assert got.total == len(want)


def _fields(query: TaskQuery) -> dict[str, object]:
    return {name: getattr(query, name) for name in TaskQuery.__slots__}


async def test_pages_cover_the_list_once_with_the_true_total(storage: SqlStorage) -> None:
    tasks = await user_with(storage, "ann", varied_tasks(103))
    tz = ZoneInfo("America/New_York")
    query = TaskQuery(status="all")
    want = expected(tasks, query, tz)
    seen = []
    for offset in range(0, 125, 25):
        page = await storage.tasks.list_tasks(
            user_id=tasks[0].user_id, query=query, now=NOW, tz=tz, limit=25, offset=offset
        )
        assert page.total == 103
        seen += [t.number for t in page]
    assert seen == want


def chores(count: int) -> list[TaskImport]:
    return [TaskImport(draft=TaskDraft(title=f"chore {i:05d}")) for i in range(1, count + 1)]


async def test_ten_thousand_tasks_true_counts_and_any_number(storage: SqlStorage) -> None:
    tasks = await user_with(storage, "big", chores(10_000))
    user_id = tasks[0].user_id
    first = await storage.tasks.list_tasks(
        user_id=user_id, query=TaskQuery(), now=NOW, tz=ZoneInfo("UTC"), limit=25
    )
    assert first.total == 10_000
    assert [t.number for t in first] == list(range(1, 26))
    last = await storage.tasks.list_tasks(
        user_id=user_id, query=TaskQuery(), now=NOW, tz=ZoneInfo("UTC"), limit=25, offset=9_975
    )
    assert [t.number for t in last] == list(range(9_976, 10_001))
    assert (await storage.tasks.get_task(user_id=user_id, number=9_999)).title == "chore 09999"
    by_number = await storage.tasks.list_tasks(
        user_id=user_id,
        query=TaskQuery(status="all", numbers=frozenset({9_999})),
        now=NOW,
        tz=ZoneInfo("UTC"),
    )
    assert [t.title for t in by_number] == ["chore 09999"]


async def test_a_chat_pages_through_ten_thousand_tasks(storage: SqlStorage) -> None:
    await user_with(storage, "big", chores(10_000))
    chat = ChatService(storage=storage, agent=RulesAgent(), clock=lambda: NOW)
    key = ConversationKey("console", "local", "big", "main")

    async def say(text: str) -> str:
        reply = await chat.handle(
            IncomingMessage(key=key, author=UserRef("console", "local", "big"), text=text)
        )
        assert not reply.is_error, reply.text
        return reply.text

    listed = await say("list")
    assert "showing 1–25 of 10,000" in listed and "#25 chore 00025" in listed
    assert "#26 " not in listed and "more" in listed
    assert "showing 26–50 of 10,000" in await say("more")
    third = await say("page 3")
    assert "showing 51–75 of 10,000" in third and "#75 chore 00075" in third
    assert "showing 76–100 of 10,000" in await say("next page")
    assert "chore 09999" in await say("show task 9999")
    # Done tasks past any cap: complete 9,990 to 10,000 by number, then list the done ones.
    for number in range(9_990, 10_001):
        assert "chore" in await say(f"done {number}")
    done = await say("show done")
    assert "Your completed tasks (11)" in done and "#10000 chore 10000" in done
    assert "showing 1–25 of 9,989" in await say("list")


async def test_history_keeps_a_compact_summary_of_a_big_list(storage: SqlStorage) -> None:
    await user_with(storage, "big", chores(300))
    chat = ChatService(storage=storage, agent=RulesAgent(), clock=lambda: NOW)
    key = ConversationKey("console", "local", "big", "main")
    author = UserRef("console", "local", "big")
    reply = await chat.handle(IncomingMessage(key=key, author=author, text="list"))
    assert len(reply.tool_calls[0].result["tasks"]) == 25
    assert "due_in_words" in reply.tool_calls[0].result["tasks"][0]
    conv = await storage.conversations.open_conversation(key=key, now=NOW)
    window = await storage.conversations.recent_messages(
        conversation_id=conv.id, limit=10, char_budget=100_000
    )
    stored: ToolCall = window[-1].tool_calls[0]
    assert stored.result["total"] == 300 and stored.result["count"] == 25
    assert stored.result["tasks"][0] == {"number": 1, "title": "chore 00001", "completed": False}
    # "more" reads the list back from that summary and moves on a page.
    more = await chat.handle(IncomingMessage(key=key, author=author, text="more"))
    assert "showing 26–50 of 300" in more.text
