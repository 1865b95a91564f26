"""Assigning and linking on SQLite and PostgreSQL, through the toolbox every agent uses and
the scheduler that delivers the notices. Each cross-user path has a test that tries to break
it: another workspace, another person's numbers, a reused or guessed code."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select

from bot.conversations import User
from bot.identity import ConversationKey, UserRef
from bot.reminders import ConsoleNotifier, ReminderScheduler
from bot.tools import TaskToolbox
from storage.sql import SqlStorage
from storage.sql.models import LinkCode

NOW = datetime(2026, 11, 18, 9, 0, tzinfo=UTC)  # Wednesday
CONSOLE = ConversationKey("console", "local", "user:x", "main")
SLACK_T1 = ConversationKey("slack", "T1", "C1", "1.0")


async def person(storage: SqlStorage, ref: UserRef) -> User:
    return await storage.users.resolve_user(ref=ref, display_name=ref.external_id, timezone="UTC")


def console(name: str) -> UserRef:
    return UserRef("console", "local", name)


async def call(
    storage: SqlStorage,
    ref: UserRef,
    name: str,
    *,
    place: ConversationKey = CONSOLE,
    now: datetime = NOW,
    **args: Any,
) -> dict[str, Any]:
    user = await person(storage, ref)
    box = TaskToolbox(
        tasks=storage.tasks,
        users=storage.users,
        user=user,
        now=now,
        reminders=storage.reminders,
        place=place,
        teams=storage.teams,
        speaker=ref,
    )
    return dict((await box.call(name, args)).result)


async def run(storage: SqlStorage, at: datetime) -> list[dict[str, Any]]:
    out = ConsoleNotifier()
    sched = ReminderScheduler(
        storage=storage, notifiers={"console": out, "slack": out}, clock=lambda: at
    )
    await sched.run_once(at)
    return [{"to": str(n.to), "kind": n.kind, "text": n.text} for n in out.sent]


async def titles(storage: SqlStorage, ref: UserRef) -> dict[int, tuple[str, bool]]:
    result = await call(storage, ref, "list_tasks", status="all")
    return {t["number"]: (t["title"], t["completed"]) for t in result["tasks"]}


async def test_assigned_task_is_the_assignees_and_they_are_told_once(storage: SqlStorage) -> None:
    alice, bob = console("alice"), console("bob")
    await call(storage, bob, "add_task", title="bob's own thing")
    result = await call(
        storage, alice, "assign_task", assignee="@bob", title="review the deck", due="friday"
    )
    assert result["ok"], result
    assert result["task"]["number"] == 2  # next on *bob's* list
    assert await titles(storage, bob) == {
        1: ("bob's own thing", False),
        2: ("review the deck", False),
    }
    assert await titles(storage, alice) == {}  # nothing on the giver's list
    exported = await storage.teams.assigners(user_id=(await person(storage, bob)).id)
    assert exported == {2: "alice"}

    first = await run(storage, NOW + timedelta(minutes=1))
    assert [(n["to"], n["kind"]) for n in first] == [("bob", "assigned")]
    assert "alice assigned you" in first[0]["text"] and "#2 review the deck" in first[0]["text"]
    assert await run(storage, NOW + timedelta(minutes=2)) == []


async def test_giver_hears_done_and_declined_once(storage: SqlStorage) -> None:
    alice, bob = console("alice"), console("bob")
    await call(storage, alice, "assign_task", assignee="@bob", title="order chairs")
    await call(storage, alice, "assign_task", assignee="bob", title="book the room")
    await run(storage, NOW)
    assert (await call(storage, bob, "complete_task", number=1))["ok"]
    assert (await call(storage, bob, "delete_task", number=2))["ok"]
    told = await run(storage, NOW + timedelta(minutes=1))
    assert sorted((n["to"], n["kind"]) for n in told) == [
        ("alice", "assigned-declined"),
        ("alice", "assigned-done"),
    ]
    assert await run(storage, NOW + timedelta(minutes=2)) == []
    handed = await call(storage, alice, "list_assigned")
    assert {(h["title"], h["state"]) for h in handed["assigned"]} == {
        ("order chairs", "done"),
        ("book the room", "declined"),
    }


async def test_the_giver_cannot_touch_the_assignees_tasks(storage: SqlStorage) -> None:
    alice, bob = console("alice"), console("bob")
    await call(storage, bob, "add_task", title="private plan", description="secret")
    result = await call(storage, alice, "assign_task", assignee="@bob", title="x")
    assert "private plan" not in str(result) and "secret" not in str(result)
    # Alice's numbers are hers: #1 and #2 name nothing of bob's.
    for tool in ("complete_task", "delete_task", "update_task"):
        args: dict[str, Any] = {"number": 1}
        if tool == "update_task":
            args["title"] = "hacked"
        assert not (await call(storage, alice, tool, **args))["ok"]
    assert not (await call(storage, alice, "complete_task", query="private plan"))["ok"]
    assert await titles(storage, bob) == {1: ("private plan", False), 2: ("x", False)}
    assert (await call(storage, alice, "list_tasks", status="all"))["tasks"] == []


async def test_nobody_reaches_a_person_of_another_workspace(storage: SqlStorage) -> None:
    ann = UserRef("slack", "T1", "UANN")
    other = UserRef("slack", "T2", "UBOB")  # same user id, another workspace
    await call(
        storage, other, "add_task", title="t2 work", place=ConversationKey("slack", "T2", "C", "1")
    )
    done = await call(storage, ann, "assign_task", place=SLACK_T1, assignee="<@UBOB>", title="hi")
    assert done["ok"] and done["assignee"] == "slack:T1:UBOB"
    assert await titles(storage, other) == {1: ("t2 work", False)}
    # Another platform's form, or a full reference, is not a person of this workspace.
    for mention in ("<@123456789>", "slack:T2:UBOB", "@bob@T2", "discord:42"):
        refused = await call(
            storage, ann, "assign_task", place=SLACK_T1, assignee=mention, title="x"
        )
        assert not refused["ok"], mention
    assert not (
        await call(storage, ann, "assign_task", place=SLACK_T1, assignee="<@UANN>", title="me")
    )["ok"]


async def test_discord_needs_the_adapter_to_vouch_for_server_membership(
    storage: SqlStorage,
) -> None:
    ann = UserRef("discord", "", "111111")
    place = ConversationKey("discord", "800", "810", "810")
    refused = await call(storage, ann, "assign_task", place=place, assignee="<@222222>", title="x")
    assert not refused["ok"] and "members of this server" in refused["message"]
    user = await person(storage, ann)
    box = TaskToolbox(
        tasks=storage.tasks,
        users=storage.users,
        user=user,
        now=NOW,
        place=place,
        teams=storage.teams,
        speaker=ann,
        workspace_people=frozenset({"222222"}),
    )
    assert (await box.call("assign_task", {"assignee": "<@222222>", "title": "x"})).result["ok"]


async def test_assigning_without_a_chat_place_is_refused(storage: SqlStorage) -> None:
    user = await person(storage, console("mcp"))
    box = TaskToolbox(
        tasks=storage.tasks,
        users=storage.users,
        user=user,
        now=NOW,
        teams=storage.teams,
        speaker=console("mcp"),
    )
    result = (await box.call("assign_task", {"assignee": "@bob", "title": "x"})).result
    assert not result["ok"] and "chat" in result["message"]


async def link_code(storage: SqlStorage, ref: UserRef, now: datetime = NOW) -> str:
    result = await call(storage, ref, "link_accounts", now=now)
    assert result["ok"], result
    assert f"`{result['code']}`" in result["message"]
    return str(result["code"])


async def test_link_joins_two_lists_and_unlink_separates_them(storage: SqlStorage) -> None:
    alice, d42 = console("alice"), UserRef("discord", "", "42")
    await call(storage, alice, "add_task", title="water the plants")
    await call(storage, d42, "add_task", title="discord one")
    await call(storage, d42, "add_task", title="discord two")
    code = await link_code(storage, alice)
    linked = await call(
        storage, d42, "link_accounts", code=code.lower(), now=NOW + timedelta(minutes=1)
    )
    assert linked["ok"] and linked["numbers"] == [2, 3], linked
    joint = {1: ("water the plants", False), 2: ("discord one", False), 3: ("discord two", False)}
    assert await titles(storage, d42) == joint == await titles(storage, alice)
    # Single use: neither the same account nor a third one can use it again.
    assert not (await call(storage, console("eve"), "link_accounts", code=code))["ok"]
    assert (await person(storage, console("eve"))).id != (await person(storage, alice)).id

    back = await call(storage, d42, "unlink_accounts")
    assert back["ok"] and back["numbers"] == [1, 2]
    assert await titles(storage, d42) == {1: ("discord one", False), 2: ("discord two", False)}
    assert await titles(storage, alice) == {1: ("water the plants", False)}
    assert not (await call(storage, d42, "unlink_accounts"))["ok"]


async def test_link_codes_expire_are_hashed_and_guessing_is_limited(storage: SqlStorage) -> None:
    alice, mallory = console("alice"), console("mallory")
    code = await link_code(storage, alice)
    stored = list(
        await storage.database.run(
            lambda c: list(c.scalars(select(LinkCode.code_hash))), write=False
        )
    )
    assert stored and code not in str(stored) and code.replace("-", "") not in str(stored)
    late = await call(storage, mallory, "link_accounts", code=code, now=NOW + timedelta(minutes=11))
    assert not late["ok"]
    for guess in ("AAA-AAA", "BBB-BBB", "CCC-CCC", "DDD-DDD"):
        assert not (await call(storage, mallory, "link_accounts", code=guess))["ok"]
    # Five failures in ten minutes: even the right code is refused now.
    fresh = await link_code(storage, alice)
    refused = await call(storage, mallory, "link_accounts", code=fresh)
    assert not refused["ok"] and refused["error"] == "rate_limited"
    assert await titles(storage, mallory) == {}
    # Codes per hour are limited too.
    for _ in range(3):
        await link_code(storage, alice)
    assert (await call(storage, alice, "link_accounts"))["error"] == "rate_limited"


async def test_codes_are_only_given_where_nobody_else_reads(storage: SqlStorage) -> None:
    ann = UserRef("slack", "T1", "UANN")
    refused = await call(storage, ann, "link_accounts", place=SLACK_T1)
    assert not refused["ok"] and "direct message" in refused["message"]
    dm = ConversationKey("slack", "T1", "DANN", "dm")
    assert (await call(storage, ann, "link_accounts", place=dm))["ok"]
    server = ConversationKey("discord", "800", "810", "810")
    assert not (await call(storage, UserRef("discord", "", "1"), "link_accounts", place=server))[
        "ok"
    ]


async def test_own_code_and_garbage_are_refused(storage: SqlStorage) -> None:
    alice = console("alice")
    code = await link_code(storage, alice)
    assert not (await call(storage, alice, "link_accounts", code=code))["ok"]
    for bad in ("x", "'; DROP TABLE task; --", "ÄÄÄ-ÄÄÄ"):
        assert not (await call(storage, alice, "link_accounts", code=bad))["ok"]
