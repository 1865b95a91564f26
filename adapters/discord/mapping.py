"""Discord events → core messages: who spoke, in which conversation, and whether to answer.

Pure functions over small snapshots (:class:`MessageFacts`, :class:`CommandFacts`) so the rules
test without a gateway; :func:`message_facts` and :func:`command_facts` are the only readers of
discord.py objects here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum

import discord

from bot.conversations import IncomingMessage
from bot.identity import ConversationKey, UserRef

PLATFORM = "discord"

# Only what a person typed starts a turn; joins, pins, thread-starter notices and the like don't.
_CONVERSATIONAL_TYPES = frozenset({discord.MessageType.default, discord.MessageType.reply})


class Placement(Enum):
    """Where the answer goes."""

    NEW_THREAD = "new_thread"  # a thread started from the person's message
    REPLY = "reply"  # inline, as a reply to the message
    IN_PLACE = "in_place"  # in the same DM or thread, no reference needed


@dataclass(frozen=True, slots=True)
class MessageFacts:
    """What the adapter needs to know about one MESSAGE_CREATE."""

    message_id: int
    author_id: int
    author_name: str
    author_is_bot: bool
    webhook_id: int | None
    conversational: bool
    guild_id: int | None
    channel_id: int  # where it was written: the thread's id inside a thread
    parent_id: int | None  # the thread's parent channel, inside a thread
    thread_owner_id: int | None  # who started the thread, when known
    mentioned_ids: frozenset[int]
    content: str
    # Mentioned people who are members of this server (discord.py gives them as Members).
    member_mentions: frozenset[int] = frozenset()


@dataclass(frozen=True, slots=True)
class Trigger:
    """A message the bot answers: the core message and where the answer goes."""

    message: IncomingMessage
    placement: Placement


@dataclass(frozen=True, slots=True)
class CommandFacts:
    """Who ran a slash command (or pressed a button) and where."""

    interaction_id: int
    user_id: int
    user_name: str
    guild_id: int | None
    channel_id: int


def message_facts(message: discord.Message) -> MessageFacts:
    channel = message.channel
    thread = channel if isinstance(channel, discord.Thread) else None
    return MessageFacts(
        message_id=message.id,
        author_id=message.author.id,
        author_name=message.author.display_name,
        author_is_bot=message.author.bot,
        webhook_id=message.webhook_id,
        conversational=message.type in _CONVERSATIONAL_TYPES,
        guild_id=message.guild.id if message.guild else None,
        channel_id=channel.id,
        parent_id=thread.parent_id if thread else None,
        thread_owner_id=thread.owner_id if thread else None,
        # Discord's own list: explicit user mentions and reply pings, never @everyone or roles.
        mentioned_ids=frozenset(user.id for user in message.mentions),
        content=message.content,
        member_mentions=frozenset(
            user.id for user in message.mentions if isinstance(user, discord.Member)
        ),
    )


def command_facts(interaction: discord.Interaction) -> CommandFacts:
    return CommandFacts(
        interaction_id=interaction.id,
        user_id=interaction.user.id,
        user_name=interaction.user.display_name,
        guild_id=interaction.guild_id,
        channel_id=interaction.channel_id or interaction.user.id,
    )


def user_ref(user_id: int) -> UserRef:
    # Discord ids are global, so there is no tenant.
    return UserRef(PLATFORM, "", str(user_id))


def strip_mention(content: str, bot_id: int) -> str:
    """The text without the bot's own ``<@id>`` / ``<@!id>`` mentions, whitespace tidied."""
    without = re.sub(rf"<@!?{bot_id}>", " ", content)
    # Line breaks stay: people list several tasks one per line.
    return "\n".join(" ".join(line.split()) for line in without.splitlines()).strip()


def decide(
    facts: MessageFacts, *, bot_id: int, reply_in_thread: bool, content_intent: bool
) -> Trigger | None:
    """The turn this message starts, or ``None`` when the bot stays quiet."""
    if facts.author_is_bot or facts.webhook_id is not None or facts.author_id == bot_id:
        return None
    if not facts.conversational:
        return None
    mentioned = bot_id in facts.mentioned_ids
    key: ConversationKey
    if facts.guild_id is None:
        key = ConversationKey(PLATFORM, "", str(facts.channel_id), str(facts.channel_id))
        placement = Placement.IN_PLACE
    elif facts.parent_id is not None:
        # Without the content intent a follow-up that doesn't mention us arrives with empty
        # text, so only threads we started, with the intent on, are answered unprompted.
        ours = facts.thread_owner_id == bot_id
        if not (mentioned or (ours and content_intent)):
            return None
        key = ConversationKey(
            PLATFORM, str(facts.guild_id), str(facts.parent_id), str(facts.channel_id)
        )
        placement = Placement.IN_PLACE
    elif not mentioned:
        return None
    elif reply_in_thread:
        # A thread started from a message takes that message's id, so the key is known before
        # the thread exists and every follow-up in it maps to the same conversation.
        key = ConversationKey(
            PLATFORM, str(facts.guild_id), str(facts.channel_id), str(facts.message_id)
        )
        placement = Placement.NEW_THREAD
    else:
        key = ConversationKey(
            PLATFORM, str(facts.guild_id), str(facts.channel_id), str(facts.channel_id)
        )
        placement = Placement.REPLY
    incoming = IncomingMessage(
        key=key,
        author=user_ref(facts.author_id),
        text=strip_mention(facts.content, bot_id),
        event_id=str(facts.message_id),
        platform_message_id=str(facts.message_id),
        display_name=facts.author_name,
        workspace_people=frozenset(str(i) for i in facts.member_mentions),
    )
    return Trigger(message=incoming, placement=placement)


def command_key(facts: CommandFacts) -> ConversationKey:
    """The conversation of a ``/todo`` command.

    In a DM it is the DM's conversation. In a server the answers are private (ephemeral), so
    each person gets their own conversation per channel rather than sharing the channel's.
    """
    if facts.guild_id is None:
        return ConversationKey(PLATFORM, "", str(facts.channel_id), str(facts.channel_id))
    return ConversationKey(
        PLATFORM, str(facts.guild_id), str(facts.channel_id), f"user:{facts.user_id}"
    )


def command_message(facts: CommandFacts, text: str) -> IncomingMessage:
    # No event_id: an interaction can be acknowledged only once, which is Discord's own dedup.
    return IncomingMessage(
        key=command_key(facts),
        author=user_ref(facts.user_id),
        text=text,
        platform_message_id=str(facts.interaction_id),
        display_name=facts.user_name,
    )
