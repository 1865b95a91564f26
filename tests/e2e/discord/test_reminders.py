"""Reminders on Discord, end to end: discord.py against the fake Discord.

The DM arrives once with Done / Snooze 1 h / Tomorrow 9:00; closed DMs (50007) fall back to
the thread where the reminder was asked, mentioning only that person; the running bot's
Snooze button acts for the owner only.
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest

from adapters.discord.reminders import DiscordNotifier
from adapters.discord.simulation import payloads as p
from adapters.discord.simulation.fake_discord import Call, FakeDiscord
from bot.chat import ChatService, utc_now
from bot.identity import ConversationKey, UserRef
from bot.reminders import ReminderScheduler
from storage.sql import SqlStorage
from tests.e2e.discord.conftest import Running, settings_for

pytestmark = pytest.mark.e2e

ALICE = UserRef("discord", "", str(p.ALICE_ID))
THREAD_ID = 840_000_000_000_000_001
THREAD = ConversationKey("discord", str(p.GUILD_ID), str(p.CHANNEL_ID), str(THREAD_ID))


async def remind(chat: ChatService, title: str) -> None:
    reply = await chat.act(
        author=ALICE,
        tool="add_task",
        arguments={"title": title, "remind_at": "in 1 minute"},
        place=THREAD,
    )
    assert not reply.is_error, reply.text


async def deliver(fake: FakeDiscord, storage: SqlStorage) -> Any:
    async with DiscordNotifier.from_env(settings_for(fake)) as notifier:
        run = ReminderScheduler(storage=storage, notifiers={"discord": notifier}, clock=utc_now)
        return await run.run_once(utc_now() + timedelta(minutes=2))


def sent_messages(fake: FakeDiscord) -> list[Call]:
    return [c for c in fake.calls if c.method == "POST" and c.path.endswith("/messages")]


def custom_ids(call: Call) -> list[str]:
    rows = (call.body or {}).get("components", [])
    return [button["custom_id"] for row in rows for button in row["components"]]


async def test_the_reminder_dm_arrives_once_with_its_buttons(
    fake: FakeDiscord, chat: ChatService, sqlite_storage: SqlStorage, token: str
) -> None:
    await remind(chat, "stretch")
    report = await deliver(fake, sqlite_storage)
    assert len(report.sent) == 1
    [opened] = fake.find("POST", r"/users/@me/channels")
    assert opened.body["recipient_id"] in (p.ALICE_ID, str(p.ALICE_ID))
    [dm] = sent_messages(fake)
    assert dm.path == f"/channels/{fake.world.dm_for(p.ALICE_ID)}/messages"
    assert "stretch" in dm.content
    assert custom_ids(dm) == [
        f"todo:done:{p.ALICE_ID}:1",
        f"todo:snooze:{p.ALICE_ID}:1:h",
        f"todo:snooze:{p.ALICE_ID}:1:t",
    ]
    again = await deliver(fake, sqlite_storage)
    assert again.sent == [] and len(sent_messages(fake)) == 1


async def test_closed_dms_fall_back_to_the_thread_mentioning_only_that_person(
    fake: FakeDiscord, chat: ChatService, sqlite_storage: SqlStorage, token: str
) -> None:
    await remind(chat, "water plants")
    dm = fake.world.dm_for(p.ALICE_ID)
    fake.fail_next("POST", rf"/channels/{dm}/messages", status=403, code=50007)
    report = await deliver(fake, sqlite_storage)
    assert len(report.sent) == 1
    fallback = sent_messages(fake)[-1]
    assert fallback.path == f"/channels/{THREAD_ID}/messages"
    assert fallback.content.startswith(f"<@{p.ALICE_ID}> ")
    mentions = fallback.body["allowed_mentions"]
    assert mentions.get("users") == [str(p.ALICE_ID)] or mentions.get("users") == [p.ALICE_ID]
    assert not mentions.get("parse")


async def test_snooze_button_acts_for_the_owner_only(bot: Running) -> None:
    await remind(bot.chat, "stretch")
    snooze = f"todo:snooze:{p.ALICE_ID}:1:h"
    row = {"type": 2, "style": 2, "label": "Snooze 1 h", "custom_id": snooze}
    message = p.message(
        "⏰ Reminder",
        author=p.BOT_USER,
        channel_id=p.CHANNEL_ID,
        components=[{"type": 1, "components": [row]}],
    )
    bob_press = p.button_press(f"todo:snooze:{p.ALICE_ID}:1:h", message, who=p.BOB)
    await bot.fake.dispatch("INTERACTION_CREATE", bob_press)
    [refusal] = await bot.fake.wait_for_call(
        "POST", rf"/interactions/{bob_press['id']}/.+/callback"
    )
    assert "someone else" in json.dumps(refusal.body)
    alice_press = p.button_press(f"todo:snooze:{p.ALICE_ID}:1:h", message)
    await bot.fake.dispatch("INTERACTION_CREATE", alice_press)
    [followup] = await bot.fake.wait_for_call(
        "POST", rf"/webhooks/{p.APP_ID}/{alice_press['token']}"
    )
    assert "Snoozed" in followup.content or "remind" in followup.content.lower()
    storage = bot.chat.storage
    user = await storage.users.find_user(ref=ALICE)
    assert user is not None
    [task] = await storage.reminders.pending(user_id=user.id)
    assert task.remind_at is not None and task.remind_at > utc_now() + timedelta(minutes=55)
