"""Which Discord messages start a turn, in which conversation, with what text."""

from __future__ import annotations

import dataclasses

import pytest

from adapters.discord.mapping import (
    CommandFacts,
    MessageFacts,
    Placement,
    command_key,
    command_message,
    decide,
    strip_mention,
)
from bot.identity import ConversationKey, UserRef

BOT = 42
ALICE = 7
GUILD = 100
CHANNEL = 200
MESSAGE = 300


def facts(**changes: object) -> MessageFacts:
    base = MessageFacts(
        message_id=MESSAGE,
        author_id=ALICE,
        author_name="Alice",
        author_is_bot=False,
        webhook_id=None,
        conversational=True,
        guild_id=GUILD,
        channel_id=CHANNEL,
        parent_id=None,
        thread_owner_id=None,
        mentioned_ids=frozenset({BOT}),
        content=f"<@{BOT}> add milk",
    )
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


def run(f: MessageFacts, *, thread: bool = True, content_intent: bool = False):  # type: ignore[no-untyped-def]
    return decide(f, bot_id=BOT, reply_in_thread=thread, content_intent=content_intent)


def test_mention_in_a_channel_starts_a_thread_keyed_by_the_message() -> None:
    trigger = run(facts())
    assert trigger is not None
    assert trigger.placement is Placement.NEW_THREAD
    # The thread Discord starts from a message has the message's id.
    assert trigger.message.key == ConversationKey("discord", "100", "200", "300")
    assert trigger.message.author == UserRef("discord", "", "7")
    assert trigger.message.text == "add milk"
    assert trigger.message.event_id == "300"
    assert trigger.message.display_name == "Alice"


def test_follow_up_in_that_thread_maps_to_the_same_conversation() -> None:
    first = run(facts())
    follow = run(facts(message_id=301, channel_id=MESSAGE, parent_id=CHANNEL, thread_owner_id=BOT))
    assert first is not None and follow is not None
    assert follow.message.key == first.message.key
    assert follow.placement is Placement.IN_PLACE


def test_inline_mode_replies_in_the_channel_with_one_conversation_per_channel() -> None:
    trigger = run(facts(), thread=False)
    assert trigger is not None
    assert trigger.placement is Placement.REPLY
    assert trigger.message.key == ConversationKey("discord", "100", "200", "200")


def test_dm_is_one_conversation_per_dm_channel_and_needs_no_mention() -> None:
    trigger = run(facts(guild_id=None, mentioned_ids=frozenset(), content="add milk"))
    assert trigger is not None
    assert trigger.placement is Placement.IN_PLACE
    assert trigger.message.key == ConversationKey("discord", "", "200", "200")


@pytest.mark.parametrize(
    "changes",
    [
        {"author_is_bot": True},
        {"webhook_id": 5},
        {"author_id": BOT},
        {"conversational": False},
        # @everyone / @here and role mentions never put the bot in the mention list.
        {"mentioned_ids": frozenset(), "content": "@everyone add milk"},
        {"mentioned_ids": frozenset({ALICE}), "content": f"<@{ALICE}> add milk"},
    ],
)
def test_quiet_for(changes: dict[str, object]) -> None:
    assert run(facts(**changes)) is None


def test_follow_up_without_mention_needs_our_thread_and_the_content_intent() -> None:
    unmentioned = facts(
        message_id=301,
        channel_id=MESSAGE,
        parent_id=CHANNEL,
        thread_owner_id=BOT,
        mentioned_ids=frozenset(),
        content="and bread",
    )
    assert run(unmentioned) is None
    answered = run(unmentioned, content_intent=True)
    assert answered is not None and answered.message.text == "and bread"
    someone_elses = dataclasses.replace(unmentioned, thread_owner_id=ALICE)
    assert run(someone_elses, content_intent=True) is None


def test_mention_in_someone_elses_thread_answers_in_that_thread() -> None:
    trigger = run(facts(channel_id=555, parent_id=CHANNEL, thread_owner_id=ALICE))
    assert trigger is not None
    assert trigger.placement is Placement.IN_PLACE
    assert trigger.message.key == ConversationKey("discord", "100", "200", "555")


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (f"<@{BOT}> add milk", "add milk"),
        (f"<@!{BOT}>   add   milk  ", "add milk"),
        (f"add milk <@{BOT}>", "add milk"),
        (f"<@{BOT}> add milk\nadd bread", "add milk\nadd bread"),
        (f"<@{BOT}> tell <@{ALICE}> hi", f"tell <@{ALICE}> hi"),
        (f"<@{BOT}>", ""),
    ],
)
def test_strip_mention(content: str, expected: str) -> None:
    assert strip_mention(content, BOT) == expected


def test_slash_commands_are_private_per_person_in_servers_and_the_dm_conversation_in_dms() -> None:
    in_guild = CommandFacts(
        interaction_id=9, user_id=ALICE, user_name="Alice", guild_id=GUILD, channel_id=CHANNEL
    )
    assert command_key(in_guild) == ConversationKey("discord", "100", "200", "user:7")
    in_dm = dataclasses.replace(in_guild, guild_id=None)
    assert command_key(in_dm) == ConversationKey("discord", "", "200", "200")
    message = command_message(in_guild, "add milk")
    assert message.event_id is None
    assert message.author == UserRef("discord", "", "7")
