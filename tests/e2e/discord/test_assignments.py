"""Assigning on Discord, end to end: a mention through discord.py and the rules agent, the
notice DM'd once to the assignee with Complete / Decline, Decline by the assignee only, and
the giver told of it."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from adapters.discord.reminders import DiscordNotifier
from adapters.discord.simulation import payloads as p
from adapters.discord.simulation.fake_discord import FakeDiscord
from bot.agents.rules import RulesAgent
from bot.chat import utc_now
from bot.identity import UserRef
from bot.reminders import ReminderScheduler
from bot.tasks import TaskQuery
from storage.sql import SqlStorage
from tests.e2e.discord.conftest import Running, settings_for
from tests.e2e.discord.test_reminders import custom_ids, sent_messages

pytestmark = pytest.mark.e2e

BOB = UserRef("discord", "", str(p.BOB_ID))


@pytest.fixture
def agent() -> Any:
    return RulesAgent()


async def deliver(fake: FakeDiscord, storage: SqlStorage, minutes: int) -> Any:
    async with DiscordNotifier.from_env(settings_for(fake)) as notifier:
        run = ReminderScheduler(storage=storage, notifiers={"discord": notifier}, clock=utc_now)
        return await run.run_once(utc_now() + timedelta(minutes=minutes))


async def titles(storage: SqlStorage, ref: UserRef) -> list[str]:
    found = await storage.users.find_user(ref=ref)
    if found is None:
        return []
    tasks = await storage.tasks.list_tasks(
        user_id=found.id, query=TaskQuery(), now=utc_now(), tz=ZoneInfo("UTC")
    )
    return [t.title for t in tasks]


async def test_assign_notice_once_and_decline_by_the_assignee_only(
    bot: Running, sqlite_storage: SqlStorage
) -> None:
    fake = bot.fake
    said = p.message(
        f"<@{p.BOT_ID}> assign order chairs to <@{p.BOB_ID}> by friday",
        mentions=(p.BOT_USER, p.BOB),
    )
    await fake.dispatch("MESSAGE_CREATE", said)
    [answer] = await fake.wait_for_call("POST", rf"/channels/{said['id']}/messages")
    assert "Assigned to" in answer.content and "order chairs" in answer.content
    assert await titles(sqlite_storage, BOB) == ["order chairs"]

    report = await deliver(fake, sqlite_storage, 1)
    assert [(str(n.to), n.kind) for n in report.sent] == [(f"discord:{p.BOB_ID}", "assigned")]
    dm = sent_messages(fake)[-1]
    assert dm.path == f"/channels/{fake.world.dm_for(p.BOB_ID)}/messages"
    assert "order chairs" in dm.content
    assert custom_ids(dm) == [f"todo:done:{p.BOB_ID}:1", f"todo:decline:{p.BOB_ID}:1"]
    assert (await deliver(fake, sqlite_storage, 2)).sent == []

    row = {"type": 2, "style": 4, "label": "Decline", "custom_id": f"todo:decline:{p.BOB_ID}:1"}
    notice = p.message(
        "📌",
        author=p.BOT_USER,
        channel_id=p.DM_CHANNEL_ID,
        guild=False,
        components=[{"type": 1, "components": [row]}],
    )
    by_alice = p.button_press(f"todo:decline:{p.BOB_ID}:1", notice)
    await fake.dispatch("INTERACTION_CREATE", by_alice)
    [refusal] = await fake.wait_for_call("POST", rf"/interactions/{by_alice['id']}/.+/callback")
    assert "not your list" in json.dumps(refusal.body)
    assert await titles(sqlite_storage, BOB) == ["order chairs"]

    by_bob = p.button_press(f"todo:decline:{p.BOB_ID}:1", notice, who=p.BOB)
    await fake.dispatch("INTERACTION_CREATE", by_bob)
    await fake.wait_for_call("POST", rf"/webhooks/{p.APP_ID}/{by_bob['token']}")
    assert await titles(sqlite_storage, BOB) == []

    report = await deliver(fake, sqlite_storage, 3)
    assert [(str(n.to), n.kind) for n in report.sent] == [
        (f"discord:{p.ALICE_ID}", "assigned-declined")
    ]


async def test_someone_not_in_the_server_cannot_be_given_a_task(
    bot: Running, sqlite_storage: SqlStorage
) -> None:
    fake = bot.fake
    said = p.message(
        f"<@{p.BOT_ID}> assign order chairs to <@{p.BOB_ID}>", mentions=(p.BOT_USER, p.BOB)
    )
    for mention in said["mentions"]:
        mention.pop("member", None)  # Discord sends no member: Bob is not in this server
    await fake.dispatch("MESSAGE_CREATE", said)
    [answer] = await fake.wait_for_call("POST", rf"/channels/{said['id']}/messages")
    assert "members of this server" in answer.content
    assert await titles(sqlite_storage, BOB) == []
    # A raw id typed without a mention is no member either.
    typed = p.message(
        f"<@{p.BOT_ID}> assign order chairs to <@555555555555>", mentions=(p.BOT_USER,)
    )
    await fake.dispatch("MESSAGE_CREATE", typed)
    [answer] = await fake.wait_for_call("POST", rf"/channels/{typed['id']}/messages")
    assert "members of this server" in answer.content
