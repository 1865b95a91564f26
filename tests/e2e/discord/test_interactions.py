"""Slash commands and Complete buttons over the gateway's INTERACTION_CREATE and webhooks."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest

from adapters.discord import texts
from adapters.discord.simulation import payloads as p
from adapters.discord.simulation.fake_discord import Call, FakeDiscord
from bot import texts as core_texts
from bot.chat import ChatService
from bot.identity import UserRef
from bot.tasks import TaskQuery
from storage.sql import SqlStorage, open_sql_storage
from tests.e2e.discord.conftest import Running, running_bot
from tests.support.agents import ScriptAgent

pytestmark = pytest.mark.e2e

EPHEMERAL = 64
DEFERRED_CHANNEL_MESSAGE = 5
DEFERRED_UPDATE_MESSAGE = 6
CHANNEL_MESSAGE = 4
ALICE = UserRef("discord", "", str(p.ALICE_ID))


async def run_command(fake: FakeDiscord, interaction: dict[str, Any]) -> tuple[Call, list[Call]]:
    """Send the interaction; return its callback and the followups that answered it."""
    token = interaction["token"]
    await fake.dispatch("INTERACTION_CREATE", interaction)
    followups = await fake.wait_for_call("POST", rf"/webhooks/{p.APP_ID}/{token}")
    callback = fake.find("POST", rf"/interactions/{interaction['id']}/{token}/callback")
    return callback[0], followups


def buttons(call: Call) -> list[dict[str, Any]]:
    return [button for row in call.body.get("components", []) for button in row["components"]]


async def test_commands_are_registered_globally_by_default(bot: Running) -> None:
    synced = bot.fake.find("PUT", rf"/applications/{p.APP_ID}/commands")
    assert len(synced) == 1
    assert sorted(command["name"] for command in synced[0].body) == [
        "todo",
        "todo-add",
        "todo-list",
        "todo-timezone",
    ]
    add = next(c for c in synced[0].body if c["name"] == "todo-add")
    assert [(o["name"], o["required"]) for o in add["options"]] == [
        ("title", True),
        ("due", False),
        ("priority", False),
    ]


async def test_commands_go_to_one_server_while_developing(
    fake: FakeDiscord, chat: ChatService, token: str
) -> None:
    async with running_bot(fake, chat, command_guild_id=p.GUILD_ID):
        assert fake.find("PUT", rf"/applications/{p.APP_ID}/commands") == []
        synced = fake.find("PUT", rf"/applications/{p.APP_ID}/guilds/{p.GUILD_ID}/commands")
        assert len(synced) == 1 and len(synced[0].body) == 4


async def test_todo_is_deferred_before_the_turn_then_answered_privately(
    fake: FakeDiscord, sqlite_storage: SqlStorage, token: str
) -> None:
    # The agent thinks until the test lets it go: a deferral that waited for the turn (and so
    # missed Discord's three seconds) would never come.
    gate = asyncio.Event()
    slow = ScriptAgent(gate=gate)
    async with running_bot(fake, ChatService(storage=sqlite_storage, agent=slow)):
        interaction = p.slash("todo", {"text": "what is on my list"})
        await fake.dispatch("INTERACTION_CREATE", interaction)
        path = rf"/interactions/{interaction['id']}/.+/callback"
        [callback] = await fake.wait_for_call("POST", path, within=60)
        assert fake.find("POST", rf"/webhooks/{p.APP_ID}/.+") == []
        gate.set()
        followups = await fake.wait_for_call("POST", rf"/webhooks/{p.APP_ID}/.+")
    assert callback.body["type"] == DEFERRED_CHANNEL_MESSAGE
    assert callback.body["data"]["flags"] & EPHEMERAL
    assert followups[0].content == "echo: what is on my list"
    assert followups[0].body["flags"] & EPHEMERAL
    assert followups[0].body["allowed_mentions"] == {"parse": []}
    assert slow.turns[0].text == "what is on my list"


async def test_todo_add_list_and_timezone_use_typed_options(
    bot: Running, sqlite_storage: SqlStorage
) -> None:
    fake = bot.fake
    _, added = await run_command(
        fake,
        p.slash("todo-add", {"title": "renew passport", "due": "2031-05-02", "priority": "high"}),
    )
    assert added[0].content.startswith("Added **#1** renew passport — due ")
    assert added[0].content.endswith(" · high")
    assert [b["custom_id"] for b in buttons(added[0])] == [
        f"todo:done:{p.ALICE_ID}:1",
        f"todo:del:{p.ALICE_ID}:1",
    ]

    await run_command(fake, p.slash("todo-add", {"title": "buy milk"}))
    _, listed = await run_command(fake, p.slash("todo-list", {}))
    assert listed[0].content.splitlines()[0] == "Your open tasks:"
    # Soonest due first: #1 has a date, #2 has none.
    assert [b["label"] for b in buttons(listed[0])] == [
        "Complete #1",
        "Delete #1",
        "Complete #2",
        "Delete #2",
    ]

    _, zone = await run_command(fake, p.slash("todo-timezone", {"zone": "Europe/Berlin"}))
    assert zone[0].content == texts.timezone_set("Europe/Berlin")
    user = await sqlite_storage.users.find_user(ref=ALICE)
    assert user is not None and user.timezone == "Europe/Berlin"

    _, bad = await run_command(fake, p.slash("todo-timezone", {"zone": "Mars/Olympus"}))
    assert "Mars/Olympus" in bad[0].content and bad[0].body["flags"] & EPHEMERAL


async def test_todo_add_with_an_unreadable_date_says_so_and_adds_nothing(
    bot: Running, sqlite_storage: SqlStorage
) -> None:
    _, answer = await run_command(
        bot.fake, p.slash("todo-add", {"title": "x", "due": "the twelfth of never"})
    )
    assert "twelfth of never" in answer[0].content
    user = await sqlite_storage.users.find_user(ref=ALICE)
    assert user is not None
    assert await _open_tasks(sqlite_storage, user.id) == []


async def test_slash_command_in_a_dm_joins_the_dm_conversation(bot: Running) -> None:
    fake = bot.fake
    await fake.dispatch(
        "MESSAGE_CREATE", p.message("hello", guild=False, channel_id=p.DM_CHANNEL_ID)
    )
    await fake.wait_for_call("POST", rf"/channels/{p.DM_CHANNEL_ID}/messages")
    await run_command(
        fake, p.slash("todo", {"text": "again"}, guild=False, channel_id=p.DM_CHANNEL_ID)
    )
    assert [m.content for m in bot.agent.turns[1].history] == ["hello", "echo: hello"]


async def test_timezone_autocomplete_suggests_zones(bot: Running) -> None:
    fake = bot.fake
    data = {
        "id": str(p.new_id()),
        "name": "todo-timezone",
        "type": 1,
        "options": [{"name": "zone", "type": 3, "value": "berl", "focused": True}],
    }
    interaction = p.interaction(p.AUTOCOMPLETE, data)
    await fake.dispatch("INTERACTION_CREATE", interaction)
    callback = await fake.wait_for_call("POST", rf"/interactions/{interaction['id']}/.+/callback")
    assert callback[0].body == {
        "type": 8,
        "data": {"choices": [{"name": "Europe/Berlin", "value": "Europe/Berlin"}]},
    }


async def _open_tasks(storage: SqlStorage, user_id: int) -> list[int]:
    from zoneinfo import ZoneInfo

    from bot.chat import utc_now

    tasks = await storage.tasks.list_tasks(
        user_id=user_id, query=TaskQuery(status="open"), now=utc_now(), tz=ZoneInfo("UTC")
    )
    return [task.number for task in tasks]


async def _list_message(fake: FakeDiscord) -> dict[str, Any]:
    """Alice asks for her list in the channel; returns the bot's message with its buttons."""
    script = {
        "calls": [
            ["add_task", {"title": "milk"}],
            ["add_task", {"title": "bread"}],
            ["list_tasks", {}],
        ],
        "reply": "Your list",
    }
    ask = p.message(f"<@{p.BOT_ID}> {json.dumps(script)}", mentions=(p.BOT_USER,))
    await fake.dispatch("MESSAGE_CREATE", ask)
    posted = await fake.wait_for_call("POST", rf"/channels/{ask['id']}/messages")
    assert [b["custom_id"] for b in buttons(posted[0])] == [
        f"todo:done:{p.ALICE_ID}:1",
        f"todo:del:{p.ALICE_ID}:1",
        f"todo:done:{p.ALICE_ID}:2",
        f"todo:del:{p.ALICE_ID}:2",
    ]
    return p.message(
        posted[0].content,
        author=p.BOT_USER,
        channel_id=int(ask["id"]),
        components=posted[0].body["components"],
    )


async def test_complete_button_works_for_the_owner_only_and_after_a_restart(
    fake: FakeDiscord, chat: ChatService, sqlite_storage: SqlStorage, token: str
) -> None:
    async with running_bot(fake, chat):
        list_message = await _list_message(fake)
    # A new bot process: nothing of the first one's memory survives, only the button's id.
    async with running_bot(fake, chat):
        press = p.button_press(f"todo:done:{p.ALICE_ID}:1", list_message, who=p.BOB)
        await fake.dispatch("INTERACTION_CREATE", press)
        refused = await fake.wait_for_call("POST", rf"/interactions/{press['id']}/.+/callback")
        assert refused[0].body["type"] == CHANNEL_MESSAGE
        assert refused[0].body["data"]["content"] == texts.not_your_list()
        assert refused[0].body["data"]["flags"] & EPHEMERAL
        user = await sqlite_storage.users.find_user(ref=ALICE)
        assert user is not None
        assert await _open_tasks(sqlite_storage, user.id) == [1, 2]

        press = p.button_press(f"todo:done:{p.ALICE_ID}:1", list_message)
        await fake.dispatch("INTERACTION_CREATE", press)
        done = await fake.wait_for_call("POST", rf"/webhooks/{p.APP_ID}/{press['token']}")
        callback = fake.find("POST", rf"/interactions/{press['id']}/.+/callback")
        assert callback[0].body["type"] == DEFERRED_UPDATE_MESSAGE
        assert done[0].content == "Done: **#1** milk ✅"
        assert done[0].body["flags"] & EPHEMERAL
        assert await _open_tasks(sqlite_storage, user.id) == [2]
        # The pressed button is ticked on the list message itself; the others stay, in place.
        edit = fake.find("PATCH", rf"/webhooks/{p.APP_ID}/{press['token']}/messages/@original")
        assert [
            [(b["label"], b.get("disabled", False)) for b in row["components"]]
            for row in edit[0].body["components"]
        ] == [
            [("Done #1", True), ("Delete #1", False), ("Complete #2", False), ("Delete #2", False)]
        ]


async def test_slash_command_with_the_database_down_apologises_privately(
    fake: FakeDiscord, unreachable_database_url: str, token: str
) -> None:
    storage = open_sql_storage(unreachable_database_url, connect_timeout=2)
    chat = ChatService(storage=storage, agent=ScriptAgent())
    try:
        async with running_bot(fake, chat):
            # A message was not stored, and the person is told so; a list is no message.
            for interaction, apology in (
                (p.slash("todo", {"text": "hi"}), core_texts.storage_apology(kept=False)),
                (p.slash("todo-list", {}), core_texts.storage_apology()),
            ):
                _, answer = await run_command(fake, interaction)
                assert answer[0].content == apology
                assert answer[0].body["flags"] & EPHEMERAL
    finally:
        await storage.close()


async def test_a_failing_followup_ends_in_a_private_apology_and_a_log_line(
    bot: Running, caplog: pytest.LogCaptureFixture
) -> None:
    fake = bot.fake
    interaction = p.slash("todo", {"text": "hello"})
    fake.fail_next("POST", rf"/webhooks/{p.APP_ID}/{interaction['token']}")
    await fake.dispatch("INTERACTION_CREATE", interaction)
    sent = await fake.wait_for_call(
        "POST", rf"/webhooks/{p.APP_ID}/{interaction['token']}", count=2
    )
    assert [call.status for call in sent] == [403, 200]
    assert sent[1].content == texts.apology()
    assert sent[1].body["flags"] & EPHEMERAL
    assert any("slash command /todo" in r.getMessage() for r in caplog.records)
