"""Messages in servers and DMs: mention or DM → ``chat.handle`` → answer in a thread or inline."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any

import discord
from discord.ext import commands

from adapters.discord import rendering, texts
from adapters.discord.buttons import reply_view
from adapters.discord.interactions import DELIVERY_ERRORS
from adapters.discord.mapping import Placement, Trigger, decide, message_facts
from adapters.discord.rendering import NO_PINGS

if TYPE_CHECKING:
    from adapters.discord.client import TodoBot

log = logging.getLogger(__name__)

TYPING_REFRESH = 8.0  # seconds; one typing indicator lasts about ten


class Conversations(commands.Cog):
    """Answers @mentions, follow-ups in its threads, and DMs."""

    def __init__(self, bot: TodoBot) -> None:
        self.bot = bot

    @commands.Cog.listener()
    async def on_message(self, message: discord.Message) -> None:
        trigger = trigger_of(self.bot, message)
        if trigger is None:
            return
        # A failure propagates to the bot's one error handler (TodoBot.on_error), which logs
        # it and apologises in the channel.
        async with self.bot.inflight.track():
            await self._answer(message, trigger)

    async def _answer(self, message: discord.Message, trigger: Trigger) -> None:
        async with typing_shown(message.channel):
            reply = await self.bot.chat.handle(trigger.message)
        if reply.duplicate:
            return
        placement = trigger.placement
        if reply.is_error and placement is Placement.NEW_THREAD:
            # An apology needs no thread of its own; the person simply mentions us again.
            placement = Placement.REPLY
        destination, reference = await _destination(message, placement, trigger)
        parts = rendering.split_text(reply.text) or [texts.apology()]
        # A channel's shared list is the list of the conversation's channel (see bot.teams).
        view = reply_view(message.author.id, reply, channel_id=int(trigger.message.key.channel_id))
        for index, part in enumerate(parts):
            extra: dict[str, Any] = {}
            if index == 0 and reference is not None:
                extra["reference"] = reference
            if index == len(parts) - 1 and view is not None:
                extra["view"] = view
            await destination.send(part, allowed_mentions=NO_PINGS, **extra)
        await self.bot.chat.answered(reply)  # posted: a redelivery of the event is a no-op


def trigger_of(bot: TodoBot, message: discord.Message) -> Trigger | None:
    """What ``message`` asks of the bot (and in which conversation), or ``None``."""
    me = bot.user
    if me is None:
        return None
    return decide(
        message_facts(message),
        bot_id=me.id,
        reply_in_thread=bot.settings.reply_in_thread,
        content_intent=bot.settings.message_content_intent,
    )


async def _destination(
    message: discord.Message, placement: Placement, trigger: Trigger
) -> tuple[discord.abc.Messageable, discord.MessageReference | None]:
    if placement is Placement.NEW_THREAD:
        try:
            thread = await message.create_thread(
                name=texts.thread_name(trigger.message.text),
                auto_archive_duration=1440,  # a day of quiet before Discord hides it
            )
            return thread, None
        except DELIVERY_ERRORS as exc:
            # No thread permission, or a channel without threads: answer inline instead.
            log.warning(
                "could not start a thread from message %s (%s); answering inline",
                message.id,
                exc,
            )
            placement = Placement.REPLY
    if placement is Placement.REPLY:
        return message.channel, message.to_reference(fail_if_not_exists=False)
    return message.channel, None


@contextlib.asynccontextmanager
async def typing_shown(channel: discord.abc.Messageable) -> AsyncIterator[None]:
    """Show "todobot is typing…" while the turn runs; a refused indicator is no failure."""

    async def keep_typing() -> None:
        while True:
            try:
                await channel.typing()
            except Exception as exc:
                # Only a courtesy: whatever stops it must never cost the person their answer.
                log.debug("typing indicator stopped: %s", type(exc).__name__)
                return
            await asyncio.sleep(TYPING_REFRESH)

    task = asyncio.create_task(keep_typing())
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await task
