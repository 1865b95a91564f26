"""The Delete button beside Complete: asks privately, deletes on [Delete], keeps on [Keep], and
refuses anyone but the owner — through the real discord.py against the fake Discord, on SQLite
and PostgreSQL."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from adapters.discord import texts
from adapters.discord.simulation import payloads as p
from adapters.discord.simulation.fake_discord import Call, FakeDiscord
from bot.agents.rules import RulesAgent
from bot.chat import ChatService, utc_now
from bot.identity import ConversationKey, UserRef
from bot.tasks import TaskQuery
from bot.teams.channel import channel_ref
from storage.sql import SqlStorage
from tests.e2e.discord.conftest import running_bot
from tests.support.agents import ScriptAgent

pytestmark = pytest.mark.e2e

EPHEMERAL = 64
CHANNEL_MESSAGE = 4
DEFERRED_CHANNEL_MESSAGE = 5
DEFERRED_UPDATE_MESSAGE = 6
UPDATE_MESSAGE = 7
ALICE = UserRef("discord", "", str(p.ALICE_ID))
BOB = UserRef("discord", "", str(p.BOB_ID))


@pytest.fixture
async def running(fake: FakeDiscord, storage: SqlStorage, token: str) -> AsyncIterator[FakeDiscord]:
    async with running_bot(fake, ChatService(storage=storage, agent=ScriptAgent())):
        yield fake


def _buttons(body: dict[str, Any]) -> list[dict[str, Any]]:
    return [b for row in body.get("components", []) for b in row["components"]]


async def _answer(fake: FakeDiscord, interaction: dict[str, Any]) -> tuple[Call, list[Call]]:
    """Dispatch; the interaction's callback and any followups sent for it."""
    await fake.dispatch("INTERACTION_CREATE", interaction)
    token = interaction["token"]
    [callback] = await fake.wait_for_call("POST", rf"/interactions/{interaction['id']}/.+/callback")
    if callback.body["type"] in (DEFERRED_CHANNEL_MESSAGE,):
        return callback, await fake.wait_for_call("POST", rf"/webhooks/{p.APP_ID}/{token}")
    if callback.body["type"] == DEFERRED_UPDATE_MESSAGE:
        path = rf"/webhooks/{p.APP_ID}/{token}/messages/@original"
        return callback, await fake.wait_for_call("PATCH", path)
    return callback, []


async def _added(fake: FakeDiscord, title: str, who: dict[str, Any] = p.ALICE) -> dict[str, Any]:
    """``who`` adds ``title`` with /todo-add; the answer, as the message its buttons sit on."""
    _, [answer] = await _answer(fake, p.slash("todo-add", {"title": title}, who=who))
    return p.message(answer.content, author=p.BOT_USER, components=answer.body["components"])


async def _open(storage: SqlStorage, ref: UserRef) -> list[tuple[int, str]]:
    user = await storage.users.find_user(ref=ref)
    assert user is not None
    found = await storage.tasks.list_tasks(
        user_id=user.id, query=TaskQuery(status="open"), now=utc_now(), tz=ZoneInfo("UTC")
    )
    return [(task.number, task.title) for task in found]


async def test_delete_asks_privately_then_deletes_or_keeps(
    running: FakeDiscord, storage: SqlStorage
) -> None:
    fake = running
    milk = await _added(fake, "milk")
    assert [b["custom_id"] for b in _buttons(milk)] == [
        f"todo:done:{p.ALICE_ID}:1",
        f"todo:del:{p.ALICE_ID}:1",
    ]
    assert [b["style"] for b in _buttons(milk)] == [3, 4]  # green Complete, red Delete
    await _added(fake, "bread")

    callback, [question] = await _answer(fake, p.button_press(f"todo:del:{p.ALICE_ID}:1", milk))
    assert callback.body["type"] == DEFERRED_CHANNEL_MESSAGE
    assert callback.body["data"]["flags"] & EPHEMERAL
    assert question.content == "Delete **#1** milk? This can't be undone."
    assert question.body["flags"] & EPHEMERAL
    assert [(b["label"], b["custom_id"]) for b in _buttons(question.body)] == [
        ("Delete", f"todo:delete:yes:{p.ALICE_ID}:1"),
        ("Keep", f"todo:delete:keep:{p.ALICE_ID}:1"),
    ]
    asked = p.message(question.content, author=p.BOT_USER, components=question.body["components"])

    # [Keep] replaces the question and deletes nothing.
    callback, _ = await _answer(fake, p.button_press(f"todo:delete:keep:{p.ALICE_ID}:1", asked))
    assert callback.body["type"] == UPDATE_MESSAGE
    assert callback.body["data"]["content"] == texts.task_kept(1)
    assert callback.body["data"]["components"] == []
    assert await _open(storage, ALICE) == [(1, "milk"), (2, "bread")]

    # [Delete] deletes #1 only, and says so in place of the question.
    callback, [edit] = await _answer(fake, p.button_press(f"todo:delete:yes:{p.ALICE_ID}:1", asked))
    assert callback.body["type"] == DEFERRED_UPDATE_MESSAGE
    assert edit.content == "Deleted **#1** milk."
    assert edit.body["components"] == []
    assert await _open(storage, ALICE) == [(2, "bread")]

    # A second press of an old question or button is an honest "no such task", not a crash.
    _, [again] = await _answer(fake, p.button_press(f"todo:delete:yes:{p.ALICE_ID}:1", asked))
    assert "#1" in again.content and "Deleted" not in again.content
    _, [gone] = await _answer(fake, p.button_press(f"todo:del:{p.ALICE_ID}:1", milk))
    assert gone.content == texts.no_such_task(1)
    assert await _open(storage, ALICE) == [(2, "bread")]


async def test_someone_elses_delete_click_is_refused_and_changes_nothing(
    running: FakeDiscord, storage: SqlStorage
) -> None:
    fake = running
    milk = await _added(fake, "milk")
    await _added(fake, "bobs own", who=p.BOB)  # Bob's #1: same number, another person
    _, [question] = await _answer(fake, p.button_press(f"todo:del:{p.ALICE_ID}:1", milk))
    # Alice's question is private; Bob pressing its buttons anyway (a replayed id) is refused
    # like his press of her Delete button.
    asked = p.message(question.content, author=p.BOT_USER, components=question.body["components"])
    for custom_id, message in (
        (f"todo:del:{p.ALICE_ID}:1", milk),
        (f"todo:delete:yes:{p.ALICE_ID}:1", asked),
        (f"todo:delete:keep:{p.ALICE_ID}:1", asked),
    ):
        callback, followups = await _answer(fake, p.button_press(custom_id, message, who=p.BOB))
        assert callback.body["type"] == CHANNEL_MESSAGE
        assert callback.body["data"]["content"] == texts.not_your_list()
        assert callback.body["data"]["flags"] & EPHEMERAL
        assert followups == []
    assert await _open(storage, ALICE) == [(1, "milk")]
    assert await _open(storage, BOB) == [(1, "bobs own")]

    # Alice deleting her #1 leaves Bob's #1 alone.
    await _answer(fake, p.button_press(f"todo:delete:yes:{p.ALICE_ID}:1", asked))
    assert await _open(storage, ALICE) == []
    assert await _open(storage, BOB) == [(1, "bobs own")]


@pytest.fixture
async def rules_bot(
    fake: FakeDiscord, storage: SqlStorage, token: str
) -> AsyncIterator[FakeDiscord]:
    async with running_bot(fake, ChatService(storage=storage, agent=RulesAgent())):
        yield fake


async def _channel_open(storage: SqlStorage) -> list[tuple[int, str]]:
    owner = channel_ref(ConversationKey("discord", str(p.GUILD_ID), str(p.CHANNEL_ID), ""))
    return await _open(storage, owner)


async def test_a_channel_lists_buttons_are_for_everyone_in_that_channel_only(
    rules_bot: FakeDiscord, storage: SqlStorage
) -> None:
    fake = rules_bot
    ask = p.message(f"<@{p.BOT_ID}> add order pizza to our list", mentions=(p.BOT_USER,))
    await fake.dispatch("MESSAGE_CREATE", ask)
    [posted] = await fake.wait_for_call("POST", rf"/channels/{ask['id']}/messages")
    shared = f"c{p.CHANNEL_ID}"
    assert [b["custom_id"] for b in _buttons(posted.body)] == [
        f"todo:done:{shared}:1",
        f"todo:del:{shared}:1",
    ]
    listed = p.message(posted.content, author=p.BOT_USER, components=posted.body["components"])
    await _added(fake, "alice's own")  # her personal #1: never touched by the list's buttons

    # A press from another channel (a replayed id) is refused and changes nothing.
    elsewhere = p.button_press(f"todo:del:{shared}:1", listed, who=p.BOB, channel_id=p.new_id())
    callback, _ = await _answer(fake, elsewhere)
    assert callback.body["data"]["content"] == texts.not_your_list()
    assert await _channel_open(storage) == [(1, "order pizza")]

    # Bob, in the thread the answer was posted in, asks to delete and confirms.
    press = p.button_press(f"todo:del:{shared}:1", listed, who=p.BOB, channel_id=int(ask["id"]))
    press["channel"] = p.thread(int(ask["id"]), p.CHANNEL_ID, "order pizza")
    _, [question] = await _answer(fake, press)
    assert question.content == "Delete **#1** order pizza? This can't be undone."
    asked = p.message(question.content, author=p.BOT_USER, components=question.body["components"])
    _, [edit] = await _answer(fake, p.button_press(f"todo:delete:yes:{shared}:1", asked, who=p.BOB))
    assert edit.content == "Deleted **#1** order pizza."
    assert await _channel_open(storage) == []
    assert await _open(storage, ALICE) == [(1, "alice's own")]
