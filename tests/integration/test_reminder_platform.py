"""Where reminders go: the platform last written on, unless the person chose one ("send my
reminders on discord", "reminders here"); an honest answer when they can't be reached there.
Through the chat service, the rules agent and the scheduler, on SQLite and PostgreSQL."""

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
BOB = UserRef("slack", "T1", "UBOB")


def place(ref: UserRef) -> ConversationKey:
    if ref.platform == "slack":
        return ConversationKey("slack", ref.tenant, f"D{ref.external_id}", "1.0")
    return ConversationKey("discord", "900", "DM42", "DM42")


async def say(storage: SqlStorage, ref: UserRef, text: str, minutes: int) -> str:
    at = NOW + timedelta(minutes=minutes)
    chat = ChatService(storage=storage, agent=RulesAgent(), clock=lambda: at)
    reply = await chat.handle(IncomingMessage(key=place(ref), author=ref, text=text))
    assert reply is not None
    return reply.text


async def deliveries(storage: SqlStorage, minutes: int) -> list[str]:
    out = ConsoleNotifier()
    run = ReminderScheduler(
        storage=storage, notifiers={"slack": out, "discord": out}, clock=lambda: NOW
    )
    await run.run_once(NOW + timedelta(minutes=minutes))
    return [f"{n.to} {n.kind}" for n in out.sent]


async def test_reminders_follow_the_choice_then_the_last_platform_again(
    storage: SqlStorage,
) -> None:
    await say(storage, SLACK, "add water the plants", 0)
    # Not linked yet: Discord can't be chosen, and the answer says how to link it.
    refused = await say(storage, SLACK, "send my reminders on discord", 1)
    assert "can't reach you on Discord" in refused and "link my accounts" in refused
    code = re.search(r"`([^`]+)`", await say(storage, SLACK, "link my accounts", 2))
    assert code
    await say(storage, DISCORD, f"link {code[1]}", 3)

    # Chosen on Slack, Discord wins although Slack is where Alice writes last.
    chosen = await say(storage, SLACK, "send my reminders on discord", 4)
    assert "on Discord from now on" in chosen
    await say(storage, SLACK, "remind me to call mom at 10am", 5)
    await say(storage, BOB, "assign order chairs to <@UALICE>", 6)
    assert sorted(await deliveries(storage, 61)) == [
        "discord:42 assigned",
        "discord:42 reminder",
    ]

    # "reminders here", said on Slack, is Slack; then back to following her.
    assert "on Slack" in await say(storage, SLACK, "reminders here", 62)
    await say(storage, SLACK, "remind me to stretch at 11am", 63)
    assert await deliveries(storage, 121) == ["slack:T1:UALICE reminder"]
    assert "wherever you last" in await say(storage, SLACK, "reminders wherever I am", 122)
    await say(storage, SLACK, "remind me to eat at noon", 123)
    await say(storage, DISCORD, "list", 124)  # Discord is now the last platform she used
    assert await deliveries(storage, 181) == ["discord:42 reminder"]


async def test_someone_in_two_slack_workspaces_hears_in_the_one_they_last_used(
    storage: SqlStorage,
) -> None:
    second = UserRef("slack", "T2", "UALICE2")
    code = re.search(r"`([^`]+)`", await say(storage, SLACK, "link my accounts", 0))
    assert code
    await say(storage, second, f"link {code[1]}", 1)
    await say(storage, second, "remind me to call mom at 10am", 2)
    # T1 sorts first by name; T2 is where she wrote last, and Slack is what she chose.
    assert await deliveries(storage, 61) == ["slack:T2:UALICE2 reminder"]
    await say(storage, SLACK, "reminders here", 62)
    await say(storage, second, "remind me to stretch at 11am", 63)
    assert await deliveries(storage, 121) == ["slack:T2:UALICE2 reminder"]


async def test_one_persons_choice_never_moves_anothers_reminders(storage: SqlStorage) -> None:
    await say(storage, SLACK, "reminders here", 0)
    await say(storage, BOB, "remind me to call the bank at 10am", 1)
    await say(storage, SLACK, "remind me to call mom at 10am", 2)
    assert sorted(await deliveries(storage, 61)) == [
        "slack:T1:UALICE reminder",
        "slack:T1:UBOB reminder",
    ]
    # The tool takes no person: nothing Bob says or passes chooses for Alice.
    bob_chat = ChatService(storage=storage, agent=RulesAgent(), clock=lambda: NOW)
    reply = await bob_chat.act(
        author=BOB, tool="set_reminder_platform", arguments={"platform": "discord", "user": "x"}
    )
    assert reply.is_error
    alice = await storage.users.find_user(ref=SLACK)
    assert alice is not None
    assert (await storage.reminders.recipient(user_id=alice.id)).chosen == "slack"
