"""Team requests in words, through the chat service and the rules agent, on SQLite and
PostgreSQL: the link code in backticks, the joint list, and notices to the platform the
person last used."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from bot.agents.rules import RulesAgent
from bot.chat import ChatService
from bot.conversations import IncomingMessage
from bot.identity import ConversationKey, UserRef
from bot.reminders import ConsoleNotifier, ReminderScheduler
from storage.sql import SqlStorage

NOW = datetime(2026, 11, 18, 9, 0, tzinfo=UTC)
SLACK = UserRef("slack", "T1", "UALICE")
DISCORD = UserRef("discord", "", "42")


def places(ref: UserRef) -> ConversationKey:
    if ref.platform == "slack":
        return ConversationKey("slack", "T1", "DALICE", "1.0")
    if ref.platform == "discord":
        return ConversationKey("discord", "900", "DM42", "DM42")
    return ConversationKey("console", "local", f"user:{ref}", "main")


async def say(storage: SqlStorage, ref: UserRef, text: str, at: datetime = NOW) -> str:
    chat = ChatService(storage=storage, agent=RulesAgent(), clock=lambda: at)
    reply = await chat.handle(IncomingMessage(key=places(ref), author=ref, text=text))
    assert reply is not None
    return reply.text


async def test_link_in_words_and_notices_follow_the_last_platform(storage: SqlStorage) -> None:
    await say(storage, SLACK, "add water the plants")
    await say(storage, DISCORD, "add feed the cat")
    answer = await say(storage, SLACK, "link my accounts")
    code = re.search(r"`([^`]+)`", answer)
    assert code, answer
    joined = await say(storage, DISCORD, f"link {code[1]}", NOW + timedelta(minutes=1))
    assert "#2" in joined, joined
    listed = await say(storage, SLACK, "list", NOW + timedelta(minutes=2))
    assert "water the plants" in listed and "feed the cat" in listed

    bob = UserRef("slack", "T1", "UBOB")
    await say(storage, bob, "assign check the plants to <@UALICE>", NOW + timedelta(minutes=3))
    out = ConsoleNotifier()
    run = ReminderScheduler(
        storage=storage, notifiers={"slack": out, "discord": out}, clock=lambda: NOW
    )
    await run.run_once(NOW + timedelta(minutes=4))
    # Alice spoke last on Slack ("list"): the notice goes there.
    assert [(str(n.to), n.kind) for n in out.sent] == [("slack:T1:UALICE", "assigned")]

    await say(storage, DISCORD, "what did I assign?", NOW + timedelta(minutes=5))
    await say(storage, bob, "assign another to <@UALICE>", NOW + timedelta(minutes=6))
    await run.run_once(NOW + timedelta(minutes=7))
    assert [str(n.to) for n in out.sent][-1] == "discord:42"
    handed = await say(storage, bob, "what did I assign?", NOW + timedelta(minutes=8))
    assert "check the plants" in handed and "another" in handed


async def count_rows(storage: SqlStorage, table: str) -> int:
    from sqlalchemy import text

    query = text(f"SELECT count(*) FROM {table}")  # a fixed table name
    return int(await storage.database.run(lambda c: c.execute(query).scalar(), write=False))


async def test_forget_me_deletes_everything_and_anonymises_what_was_handed_out(
    storage: SqlStorage,
) -> None:
    alice, bob = UserRef("slack", "T1", "UALICE"), UserRef("slack", "T1", "UBOB")
    await say(storage, bob, "add bob's secret plan")
    await say(storage, alice, "add alice's own thing")
    await say(storage, alice, "assign order chairs to <@UBOB>")
    exported = await say(storage, alice, "export my data")
    assert "alice's own thing" in exported and "secret plan" not in exported

    warned = await say(storage, alice, "forget me")
    assert "I'm sure" in warned
    assert await storage.users.find_user(ref=alice) is not None

    gone = await say(storage, alice, "forget me, I'm sure")
    assert "deleted everything" in gone
    assert await storage.users.find_user(ref=alice) is None
    bob_user = await storage.users.find_user(ref=bob)
    assert bob_user is not None
    assert await storage.teams.assigners(user_id=bob_user.id) == {2: ""}
    listed = await say(storage, bob, "list")
    assert "order chairs" in listed and "secret plan" in listed
    # Nothing of alice's is left: no messages, tasks or identities (bob's remain).
    assert await count_rows(storage, "user_identity") == 1
    assert await count_rows(storage, "task") == 2
    # Alice coming back starts afresh.
    assert "list is empty" in await say(storage, alice, "list")


async def test_pruning_old_history_keeps_tasks(storage: SqlStorage) -> None:
    ann = UserRef("console", "local", "ann")
    await say(storage, ann, "add keep me", NOW - timedelta(days=100))
    await say(storage, ann, "list", NOW)
    removed = await storage.teams.prune_messages(older_than=NOW - timedelta(days=90))
    assert removed == 2  # the old message and its reply
    assert "keep me" in await say(storage, ann, "list", NOW + timedelta(minutes=1))
