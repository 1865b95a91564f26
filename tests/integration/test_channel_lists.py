"""Channel lists on SQLite and PostgreSQL, in words through the rules agent: members of a
channel share its list, personal lists stay personal in the same thread, and another
channel's list is out of reach whatever is typed."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.agents.rules import RulesAgent
from bot.chat import ChatService
from bot.conversations import IncomingMessage
from bot.identity import ConversationKey, UserRef
from storage.sql import SqlStorage

NOW = datetime(2026, 11, 18, 9, 0, tzinfo=UTC)
ANN, BOB, EVE = (UserRef("slack", "T1", u) for u in ("UANN", "UBOB", "UEVE"))
GENERAL = ConversationKey("slack", "T1", "CGEN", "100.1")
GENERAL_OTHER_THREAD = ConversationKey("slack", "T1", "CGEN", "200.1")
SECRET = ConversationKey("slack", "T1", "CSECRET", "300.1")
OTHER_WORKSPACE = ConversationKey("slack", "T2", "CGEN", "100.1")


async def say(storage: SqlStorage, ref: UserRef, where: ConversationKey, text: str) -> str:
    chat = ChatService(storage=storage, agent=RulesAgent(), clock=lambda: NOW)
    reply = await chat.handle(IncomingMessage(key=where, author=ref, text=text))
    assert reply is not None
    return reply.text


async def test_a_channel_shares_one_list_and_personal_lists_stay_apart(
    storage: SqlStorage,
) -> None:
    assert "Added #1" in await say(storage, ANN, GENERAL, "add order pizza to our list")
    await say(storage, ANN, GENERAL, "add my own errand")
    added = await say(storage, BOB, GENERAL_OTHER_THREAD, "put book the room on our list")
    assert "#2" in added
    listed = await say(storage, BOB, GENERAL, "what's on our list?")
    assert "order pizza" in listed and "Added by UANN" in listed and "book the room" in listed
    assert "my own errand" not in listed
    assert "Done" in await say(storage, BOB, GENERAL, "done 1 on our list")
    after = await say(storage, ANN, GENERAL, "what's on our list")
    assert "order pizza" not in after and "book the room" in after
    # Ann's personal list is hers alone, in the same thread.
    mine = await say(storage, ANN, GENERAL, "list")
    assert "my own errand" in mine and "book the room" not in mine
    assert "errand" not in await say(storage, BOB, GENERAL, "list")


async def test_no_other_channel_or_workspace_reaches_the_list(storage: SqlStorage) -> None:
    await say(storage, ANN, SECRET, "add launch plan to our list")
    for where in (GENERAL, OTHER_WORKSPACE):
        assert "empty" in await say(storage, EVE, where, "what's on our list?")
        refused = await say(storage, EVE, where, "done 1 on our list")
        assert "Done" not in refused
        assert "Removed" not in await say(storage, EVE, where, "remove 1 from our list")
    # Typing the channel's name or id changes nothing: the list is where the message is.
    await say(storage, EVE, GENERAL, "add CSECRET launch plan to our list")
    secret = await say(storage, ANN, SECRET, "what's on our list?")
    assert secret.count("launch plan") == 1 and "(1)" in secret
    # And the channel's list is nobody's personal list.
    assert "launch plan" not in await say(storage, ANN, SECRET, "list")
