"""Mentions, threads, DMs and what the bot must ignore — over a real gateway and REST API."""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any

import pytest

from adapters.discord import texts
from adapters.discord.simulation import payloads as p
from adapters.discord.simulation.fake_discord import FakeDiscord
from bot import texts as core_texts
from bot.chat import ChatLimits, ChatService, utc_now
from bot.identity import ConversationKey
from storage.sql import SqlStorage, open_sql_storage
from tests.e2e.discord.conftest import Running, running_bot
from tests.support.agents import ScriptAgent

pytestmark = pytest.mark.e2e

NO_PINGS = {"parse": []}


def mention(text: str, **kwargs: Any) -> dict[str, Any]:
    return p.message(f"<@{p.BOT_ID}> {text}", mentions=(p.BOT_USER,), **kwargs)


def posts(fake: FakeDiscord, channel_id: int | str) -> list[str]:
    return [call.content for call in fake.find("POST", rf"/channels/{channel_id}/messages")]


async def answered_marker(fake: FakeDiscord) -> None:
    """Send a DM and wait for its answer: events before it have been handled by then."""
    marker = p.message("marker", guild=False, channel_id=p.DM_CHANNEL_ID)
    await fake.dispatch("MESSAGE_CREATE", marker)
    await fake.wait_for(lambda calls: "echo: marker" in posts(fake, p.DM_CHANNEL_ID))
    await asyncio.sleep(0.1)  # and give anything wrongly started a moment to show itself


async def test_guild_mention_starts_a_thread_and_answers_there(bot: Running) -> None:
    fake = bot.fake
    msg = mention("hello there")
    await fake.dispatch("MESSAGE_CREATE", msg)
    posted = await fake.wait_for_call("POST", rf"/channels/{msg['id']}/messages")
    thread = fake.find("POST", rf"/channels/{p.CHANNEL_ID}/messages/{msg['id']}/threads")
    assert len(thread) == 1 and thread[0].body["name"] == "hello there"
    assert posted[0].content == "echo: hello there"
    assert posted[0].body["allowed_mentions"] == NO_PINGS
    assert posts(fake, p.CHANNEL_ID) == []


async def test_follow_up_in_the_thread_continues_the_conversation(bot: Running) -> None:
    fake = bot.fake
    first = mention("first")
    await fake.dispatch("MESSAGE_CREATE", first)
    await fake.wait_for_call("POST", rf"/channels/{first['id']}/messages")
    follow = mention("second", channel_id=int(first["id"]))
    await fake.dispatch("MESSAGE_CREATE", follow)
    await fake.wait_for(lambda calls: len(posts(fake, first["id"])) == 2)
    assert posts(fake, first["id"]) == ["echo: first", "echo: second"]
    # One thread, and the second turn saw the first exchange as its history.
    assert len(fake.find("POST", r"/channels/\d+/messages/\d+/threads")) == 1
    assert [m.content for m in bot.agent.turns[1].history] == ["first", "echo: first"]


async def test_follow_up_without_mention_is_ignored_without_the_content_intent(
    bot: Running,
) -> None:
    fake = bot.fake
    first = mention("first")
    await fake.dispatch("MESSAGE_CREATE", first)
    await fake.wait_for_call("POST", rf"/channels/{first['id']}/messages")
    # Without the intent Discord sends such a message with empty content.
    await fake.dispatch("MESSAGE_CREATE", p.message("", channel_id=int(first["id"])))
    await answered_marker(fake)
    assert posts(fake, first["id"]) == ["echo: first"]


async def test_with_the_content_intent_follow_ups_need_no_mention(
    chat: ChatService, token: str
) -> None:
    from adapters.discord.simulation.fake_discord import MESSAGE_CONTENT, running_fake

    async with (
        running_fake(privileged_allowed=MESSAGE_CONTENT) as fake,
        running_bot(fake, chat, message_content_intent=True),
    ):
        assert fake.gateway.identifies[-1]["intents"] == 4609 | MESSAGE_CONTENT
        first = mention("first")
        await fake.dispatch("MESSAGE_CREATE", first)
        await fake.wait_for_call("POST", rf"/channels/{first['id']}/messages")
        await fake.dispatch("MESSAGE_CREATE", p.message("and more", channel_id=int(first["id"])))
        await fake.wait_for(lambda calls: len(posts(fake, first["id"])) == 2)
        assert posts(fake, first["id"]) == ["echo: first", "echo: and more"]
        # A plain channel message still needs a mention.
        await fake.dispatch("MESSAGE_CREATE", p.message("not for the bot"))
        await answered_marker(fake)
        assert posts(fake, p.CHANNEL_ID) == []


async def test_dm_is_one_conversation_per_dm_channel(bot: Running) -> None:
    fake = bot.fake
    for text in ("one", "two"):
        await fake.dispatch(
            "MESSAGE_CREATE", p.message(text, guild=False, channel_id=p.DM_CHANNEL_ID)
        )
        await fake.wait_for(lambda calls, t=text: f"echo: {t}" in posts(fake, p.DM_CHANNEL_ID))
    assert posts(fake, p.DM_CHANNEL_ID) == ["echo: one", "echo: two"]
    assert [m.content for m in bot.agent.turns[1].history] == ["one", "echo: one"]
    assert not fake.find("POST", r"/channels/\d+/messages/\d+/threads")


async def test_bots_webhooks_and_its_own_messages_are_ignored(bot: Running) -> None:
    fake = bot.fake
    await fake.dispatch("MESSAGE_CREATE", mention("from a bot", author=p.OTHER_BOT))
    await fake.dispatch("MESSAGE_CREATE", mention("from a webhook", webhook_id=123))
    await fake.dispatch("MESSAGE_CREATE", mention("from myself", author=p.BOT_USER))
    await fake.dispatch(
        "MESSAGE_CREATE",
        p.message("bot DM", author=p.OTHER_BOT, guild=False, channel_id=p.DM_CHANNEL_ID),
    )
    await answered_marker(fake)
    assert fake.find("POST", r"/channels/\d+/messages/\d+/threads") == []
    assert posts(fake, p.DM_CHANNEL_ID) == ["echo: marker"]
    assert [turn.text for turn in bot.agent.turns] == ["marker"]


async def test_everyone_here_and_role_mentions_do_not_trigger(bot: Running) -> None:
    fake = bot.fake
    await fake.dispatch("MESSAGE_CREATE", p.message("@everyone standup", mention_everyone=True))
    await fake.dispatch("MESSAGE_CREATE", p.message("@here standup", mention_everyone=True))
    await fake.dispatch(
        "MESSAGE_CREATE",
        p.message(f"<@&{p.TEAM_ROLE_ID}> standup", mention_roles=(p.TEAM_ROLE_ID,)),
    )
    await answered_marker(fake)
    assert fake.find("POST", r"/channels/\d+/messages/\d+/threads") == []
    assert [turn.text for turn in bot.agent.turns] == ["marker"]


async def test_long_answers_are_split_under_2000_characters(
    fake: FakeDiscord, sqlite_storage: SqlStorage, token: str
) -> None:
    # The scripted answer is as long as the script, so the core must accept a long message.
    limits = ChatLimits(max_message_chars=20_000)
    chat = ChatService(storage=sqlite_storage, agent=ScriptAgent(), limits=limits)
    async with running_bot(fake, chat):
        await _long_answer(fake)


async def _long_answer(fake: FakeDiscord) -> None:
    lines = [f"{i:03d} " + "x" * 95 for i in range(45)]  # 4,500 characters
    script = {"calls": [["add_task", {"title": "milk"}]], "reply": "\n".join(lines) + "\n"}
    msg = p.message(json.dumps(script), guild=False, channel_id=p.DM_CHANNEL_ID)
    await fake.dispatch("MESSAGE_CREATE", msg)
    await fake.wait_for(lambda calls: len(posts(fake, p.DM_CHANNEL_ID)) >= 3)
    await asyncio.sleep(0.1)
    sent = fake.find("POST", rf"/channels/{p.DM_CHANNEL_ID}/messages")
    assert len(sent) == 3
    assert all(len(call.content) <= 2000 for call in sent)
    assert "\n".join(call.content for call in sent).split("\n")[:45] == lines
    assert all(call.body["allowed_mentions"] == NO_PINGS for call in sent)
    # The Complete button for the task it added rides on the last piece only.
    assert [bool(call.body.get("components")) for call in sent] == [False, False, True]


async def test_a_message_delivered_again_after_a_resume_is_answered_once(bot: Running) -> None:
    fake = bot.fake
    msg = p.message("only once", guild=False, channel_id=p.DM_CHANNEL_ID)
    await fake.dispatch("MESSAGE_CREATE", msg)
    await fake.wait_for(lambda calls: posts(fake, p.DM_CHANNEL_ID) == ["echo: only once"])
    await fake.request_reconnect()  # the bot RESUMEs; the gateway replays the message
    await fake.wait_for(lambda calls: fake.gateway.resumes)
    assert fake.gateway.resumes[0]["session_id"] == "fake-session"
    await answered_marker(fake)
    assert posts(fake, p.DM_CHANNEL_ID) == ["echo: only once", "echo: marker"]
    replayed = [
        f for f in fake.gateway.sent if f.get("t") == "MESSAGE_CREATE" and f["d"]["id"] == msg["id"]
    ]
    assert len(replayed) == 2


async def test_inline_mode_replies_to_the_message_without_pinging(
    fake: FakeDiscord, chat: ChatService, token: str
) -> None:
    async with running_bot(fake, chat, reply_in_thread=False):
        msg = mention("inline please")
        await fake.dispatch("MESSAGE_CREATE", msg)
        posted = await fake.wait_for_call("POST", rf"/channels/{p.CHANNEL_ID}/messages")
        assert posted[0].content == "echo: inline please"
        assert posted[0].body["message_reference"]["message_id"] == int(msg["id"])
        assert posted[0].body["allowed_mentions"] == NO_PINGS
        assert fake.find("POST", r"/channels/\d+/messages/\d+/threads") == []


async def test_without_thread_permission_the_answer_goes_inline(bot: Running) -> None:
    fake = bot.fake
    fake.fail_next("POST", r"/channels/\d+/messages/\d+/threads")
    msg = mention("no threads here")
    await fake.dispatch("MESSAGE_CREATE", msg)
    posted = await fake.wait_for_call("POST", rf"/channels/{p.CHANNEL_ID}/messages")
    assert fake.find("POST", r"/channels/\d+/messages/\d+/threads")[0].status == 403
    assert posted[0].content == "echo: no threads here"
    assert posted[0].body["message_reference"]["message_id"] == int(msg["id"])


async def test_a_429_is_waited_out_and_the_answer_still_arrives(bot: Running) -> None:
    fake = bot.fake
    fake.rate_limit_next("POST", rf"/channels/{p.DM_CHANNEL_ID}/messages", retry_after=0.6)
    await fake.dispatch(
        "MESSAGE_CREATE", p.message("patience", guild=False, channel_id=p.DM_CHANNEL_ID)
    )
    sent = await fake.wait_for_call("POST", rf"/channels/{p.DM_CHANNEL_ID}/messages", count=2)
    assert [call.status for call in sent] == [429, 200]
    assert [call.content for call in sent] == ["echo: patience", "echo: patience"]
    assert sent[1].at - sent[0].at >= 0.6


async def test_a_failed_post_ends_in_an_apology_and_keeps_what_was_written(
    bot: Running, sqlite_storage: SqlStorage, caplog: pytest.LogCaptureFixture
) -> None:
    fake = bot.fake
    msg = mention("add milk")
    fake.fail_next("POST", rf"/channels/{msg['id']}/messages")  # can't post in the new thread
    await fake.dispatch("MESSAGE_CREATE", msg)
    apology = await fake.wait_for_call("POST", rf"/channels/{p.CHANNEL_ID}/messages")
    assert apology[0].content == texts.apology()
    assert apology[0].body["allowed_mentions"] == NO_PINGS
    key = ConversationKey("discord", str(p.GUILD_ID), str(p.CHANNEL_ID), msg["id"])
    assert any(
        record.levelno == logging.ERROR and str(key) in record.getMessage()
        for record in caplog.records
    )
    conversation = await sqlite_storage.conversations.open_conversation(key=key, now=utc_now())
    stored = await sqlite_storage.conversations.recent_messages(
        conversation_id=conversation.id, limit=10, char_budget=10_000
    )
    assert [(m.role, m.content) for m in stored] == [
        ("user", "add milk"),
        ("assistant", "echo: add milk"),
    ]


async def test_database_down_ends_in_an_apology_where_the_person_wrote(
    fake: FakeDiscord,
    unreachable_database_url: str,
    token: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    storage = open_sql_storage(unreachable_database_url, connect_timeout=2)
    chat = ChatService(storage=storage, agent=ScriptAgent())
    try:
        async with running_bot(fake, chat):
            msg = mention("add milk")
            await fake.dispatch("MESSAGE_CREATE", msg)
            posted = await fake.wait_for_call("POST", rf"/channels/{p.CHANNEL_ID}/messages")
            assert posted[0].content == core_texts.storage_apology()
            # Inline under their message: no thread is started just for an apology.
            assert posted[0].body["message_reference"]["message_id"] == int(msg["id"])
            assert fake.find("POST", r"/channels/\d+/messages/\d+/threads") == []
            assert any("database unreachable" in r.getMessage() for r in caplog.records)
    finally:
        await storage.close()


async def test_a_replay_to_another_process_sharing_the_database_is_not_answered_again(
    fake: FakeDiscord, database_url: str, token: str
) -> None:
    """Process A answers; later process B (its own pool, same database) gets the replay."""
    from storage import migrate

    first, second = open_sql_storage(database_url), open_sql_storage(database_url)
    try:
        await migrate.upgrade(first.engine)
        msg = p.message("once across processes", guild=False, channel_id=p.DM_CHANNEL_ID)
        async with running_bot(fake, ChatService(storage=first, agent=ScriptAgent())):
            await fake.dispatch("MESSAGE_CREATE", msg)
            await fake.wait_for_call("POST", rf"/channels/{p.DM_CHANNEL_ID}/messages")
        async with running_bot(fake, ChatService(storage=second, agent=ScriptAgent())):
            await fake.dispatch("MESSAGE_CREATE", msg)
            await answered_marker(fake)
        assert posts(fake, p.DM_CHANNEL_ID) == ["echo: once across processes", "echo: marker"]
    finally:
        await first.close()
        await second.close()


async def test_a_rate_limited_typing_indicator_does_not_cost_the_answer(bot: Running) -> None:
    """A 429 on the typing call longer than we wait raises RateLimited (not HTTPException);
    the finished turn's answer must still be posted."""
    fake = bot.fake
    fake.rate_limit_next("POST", rf"/channels/{p.DM_CHANNEL_ID}/typing", retry_after=120)
    await fake.dispatch(
        "MESSAGE_CREATE", p.message("hello", guild=False, channel_id=p.DM_CHANNEL_ID)
    )
    sent = await fake.wait_for_call("POST", rf"/channels/{p.DM_CHANNEL_ID}/messages")
    await asyncio.sleep(0.2)
    assert [c.content for c in sent] == ["echo: hello"]
    posted = fake.find("POST", rf"/channels/{p.DM_CHANNEL_ID}/messages")
    assert [c.content for c in posted] == ["echo: hello"]
