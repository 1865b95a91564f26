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
