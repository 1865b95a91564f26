"""The bot: one ``AutoShardedBot`` that wires the cogs, the Complete button and the commands."""

from __future__ import annotations

import logging
import sys
from typing import Any

import discord
from discord.ext import commands

from adapters.discord import texts
from adapters.discord.assignments import DeclineButton
from adapters.discord.buttons import CompleteButton, NextPageButton
from adapters.discord.conversations import Conversations, trigger_of
from adapters.discord.deleting import DeleteAnswerButton, DeleteButton
from adapters.discord.interactions import DELIVERY_ERRORS
from adapters.discord.reminders import SnoozeButton
from adapters.discord.rendering import NO_PINGS
from adapters.discord.slash import SlashCommands, command_failed
from bot.chat import ChatService
from bot.config import DiscordSettings
from bot.lifecycle import InFlight

log = logging.getLogger(__name__)

INVITE_SCOPES = ("bot", "applications.commands")


def intents_for(settings: DiscordSettings) -> discord.Intents:
    """Only what the bot reads: servers and channels, messages in them, DMs.

    Message content is privileged; without it Discord still sends the text of mentions and DMs.
    """
    intents = discord.Intents.none()
    intents.guilds = True
    intents.guild_messages = True
    intents.dm_messages = True
    intents.message_content = settings.message_content_intent
    return intents


def invite_permissions() -> discord.Permissions:
    """Exactly what the bot does in a server (README's invite link uses this number)."""
    return discord.Permissions(
        view_channel=True,
        send_messages=True,
        read_message_history=True,  # inline answers are replies to the person's message
        create_public_threads=True,
        send_messages_in_threads=True,
    )


class TodoBot(commands.AutoShardedBot):
    """Sharded automatically, or on the fixed ``shard_count`` / ``shard_ids`` of the settings."""

    def __init__(
        self, *, chat: ChatService, settings: DiscordSettings, inflight: InFlight | None = None
    ) -> None:
        # todobot never joins voice, so the library's start-up warnings about missing voice
        # packages would only mislead whoever reads the log.
        discord.VoiceClient.warn_nacl = False
        discord.VoiceClient.warn_dave = False
        sharding: dict[str, Any] = {"shard_count": settings.shard_count}
        if settings.shard_ids is not None:
            sharding["shard_ids"] = settings.shard_ids
        super().__init__(
            # Text commands are not used; everything goes through mentions and slash commands.
            command_prefix=commands.when_mentioned,
            help_command=None,
            intents=intents_for(settings),
            allowed_mentions=discord.AllowedMentions.none(),
            max_ratelimit_timeout=settings.max_ratelimit_timeout,
            **sharding,
        )
        self.chat = chat
        self.settings = settings
        # Turns still running, so a stopping process can let them post their answers.
        self.inflight = inflight or InFlight()

    async def connected(self) -> bool:
        """Readiness: logged in and every shard's gateway connection open."""
        shards = self.shards.values()
        return self.is_ready() and not self.is_closed() and all(not s.is_closed() for s in shards)

    async def setup_hook(self) -> None:
        self.add_dynamic_items(
            CompleteButton,
            NextPageButton,
            SnoozeButton,
            DeclineButton,
            DeleteButton,
            DeleteAnswerButton,
        )
        self.tree.error(command_failed)
        await self.add_cog(Conversations(self))
        await self.add_cog(SlashCommands(self))
        if self.settings.gateway_url and self.shard_count is None:
            # Left alone, discord.py would connect to the gateway URL the REST API names; ask
            # only for the recommended shard count so the configured gateway is used.
            self.shard_count, _, _ = await self.http.get_bot_gateway()
        if self.settings.sync_commands:
            await self._sync_commands()

    async def on_message(self, message: discord.Message, /) -> None:
        """Replaces ``Bot``'s prefix-command parsing; the ``Conversations`` cog answers."""

    async def on_error(self, event_method: str, /, *args: Any, **kwargs: Any) -> None:
        """The one handler for failures in event listeners (slash commands have the command
        tree's): a log line, and for a message an apology where it was written."""
        error = sys.exc_info()[1]
        self.chat.metrics.error(f"discord_{type(error).__name__}")
        message = args[0] if args and isinstance(args[0], discord.Message) else None
        if message is None:
            log.exception("discord %s failed", event_method)
            return
        trigger = trigger_of(self, message)
        where = trigger.message.key if trigger else f"channel {message.channel.id}"
        log.exception("answering message %s in %s failed", message.id, where)
        async with self.inflight.track():
            try:
                await message.channel.send(texts.apology(), allowed_mentions=NO_PINGS)
            except DELIVERY_ERRORS:
                log.warning("could not apologise in channel %s either", message.channel.id)

    async def on_ready(self) -> None:
        user = self.user
        app_id = self.application_id
        log.info("connected to Discord as %s (%s shard(s))", user, self.shard_count)
        if app_id is not None:
            url = discord.utils.oauth_url(
                app_id, permissions=invite_permissions(), scopes=INVITE_SCOPES
            )
            log.info("invite link: %s", url)

    async def _sync_commands(self) -> None:
        guild_id = self.settings.command_guild_id
        scope = f"server {guild_id}" if guild_id else "all servers"
        try:
            if guild_id:
                guild = discord.Object(guild_id)
                self.tree.copy_global_to(guild=guild)
                synced = await self.tree.sync(guild=guild)
            else:
                synced = await self.tree.sync()
        except discord.HTTPException as exc:
            # Mentions and DMs work without slash commands, so this is a warning, not a stop.
            log.warning("could not register slash commands for %s: %s", scope, exc)
            return
        log.info("registered %d slash commands for %s", len(synced), scope)
