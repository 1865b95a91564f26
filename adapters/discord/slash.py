"""Slash commands: acknowledged at once (deferred), answered by followup, private by default."""

from __future__ import annotations

import logging
from functools import cache
from typing import TYPE_CHECKING, Any, Literal
from zoneinfo import available_timezones

import discord
from discord import app_commands
from discord.ext import commands

from adapters.discord import rendering, texts
from adapters.discord.buttons import reply_view
from adapters.discord.interactions import apologise
from adapters.discord.mapping import command_facts, command_message, user_ref
from adapters.discord.rendering import NO_PINGS
from bot.conversations import Reply

if TYPE_CHECKING:
    from adapters.discord.client import TodoBot

log = logging.getLogger(__name__)

MAX_CHOICES = 25  # Discord shows at most 25 autocomplete suggestions


class SlashCommands(commands.Cog):
    """``/todo``, ``/todo-list``, ``/todo-add`` and ``/todo-timezone``."""

    def __init__(self, bot: TodoBot) -> None:
        self.bot = bot

    @property
    def _private(self) -> bool:
        return self.bot.settings.ephemeral_replies

    @app_commands.command(name="todo", description=texts.TODO_DESCRIPTION)
    @app_commands.describe(text=texts.TODO_TEXT)
    async def todo(self, interaction: discord.Interaction[TodoBot], text: str) -> None:
        # Deferring first keeps us inside Discord's three seconds however long the turn takes.
        async with self.bot.inflight.track():
            await interaction.response.defer(ephemeral=self._private, thinking=True)
            reply = await self.bot.chat.handle(command_message(command_facts(interaction), text))
            await self._answer(interaction, reply.text, reply)

    @app_commands.command(name="todo-list", description=texts.LIST_DESCRIPTION)
    @app_commands.describe(status=texts.LIST_STATUS)
    async def todo_list(
        self,
        interaction: discord.Interaction[TodoBot],
        status: Literal["open", "completed", "all"] = "open",
    ) -> None:
        await self._act(interaction, "list_tasks", {"status": status})

    @app_commands.command(name="todo-add", description=texts.ADD_DESCRIPTION)
    @app_commands.describe(title=texts.ADD_TITLE, due=texts.ADD_DUE, priority=texts.ADD_PRIORITY)
    async def todo_add(
        self,
        interaction: discord.Interaction[TodoBot],
        title: app_commands.Range[str, 1, 500],
        due: app_commands.Range[str, 1, 100] | None = None,
        priority: Literal["low", "medium", "high"] = "medium",
    ) -> None:
        arguments: dict[str, Any] = {"title": title, "priority": priority}
        if due is not None:
            arguments["due"] = due
        await self._act(interaction, "add_task", arguments)

    @app_commands.command(name="todo-timezone", description=texts.TIMEZONE_DESCRIPTION)
    @app_commands.describe(zone=texts.TIMEZONE_ZONE)
    async def todo_timezone(
        self, interaction: discord.Interaction[TodoBot], zone: app_commands.Range[str, 1, 64]
    ) -> None:
        await self._act(interaction, "set_timezone", {"timezone": zone})

    @todo_timezone.autocomplete("zone")
    async def _zone_choices(
        self, interaction: discord.Interaction[TodoBot], current: str
    ) -> list[app_commands.Choice[str]]:
        return [app_commands.Choice(name=zone, value=zone) for zone in zone_suggestions(current)]

    async def _act(
        self, interaction: discord.Interaction[TodoBot], tool: str, arguments: dict[str, Any]
    ) -> None:
        async with self.bot.inflight.track():
            await interaction.response.defer(ephemeral=self._private, thinking=True)
            facts = command_facts(interaction)
            reply = await self.bot.chat.act(
                author=user_ref(facts.user_id),
                tool=tool,
                arguments=arguments,
                display_name=facts.user_name,
            )
            await self._answer(interaction, rendering.action_text(reply), reply)

    async def _answer(
        self, interaction: discord.Interaction[TodoBot], text: str, reply: Reply
    ) -> None:
        parts = rendering.split_text(text) or [texts.apology()]
        view = reply_view(interaction.user.id, reply, channel_id=interaction.channel_id)
        for index, part in enumerate(parts):
            extra: dict[str, Any] = {}
            if index == len(parts) - 1 and view is not None:
                extra["view"] = view
            await interaction.followup.send(
                part, ephemeral=self._private, allowed_mentions=NO_PINGS, **extra
            )


async def command_failed(
    interaction: discord.Interaction[Any], error: app_commands.AppCommandError
) -> None:
    """The command tree's error handler: a log line and a private apology, never silence."""
    name = interaction.command.qualified_name if interaction.command else "?"
    log.error(
        "slash command /%s by %s in channel %s failed",
        name,
        interaction.user.id,
        interaction.channel_id,
        exc_info=error,
    )
    await apologise(interaction)


def zone_suggestions(current: str, *, limit: int = MAX_CHOICES) -> list[str]:
    """IANA zones containing what the person typed so far (case-insensitive), best first."""
    wanted = current.strip().lower().replace(" ", "_")
    zones = _zones()
    if not wanted:
        return list(_COMMON_ZONES[:limit])
    starts = [zone for zone in zones if zone.lower().startswith(wanted)]
    inside = [zone for zone in zones if wanted in zone.lower() and zone not in starts]
    return (starts + inside)[:limit]


@cache
def _zones() -> tuple[str, ...]:
    return tuple(sorted(zone for zone in available_timezones() if "/" in zone or zone == "UTC"))


_COMMON_ZONES = (
    "UTC",
    "Europe/London",
    "Europe/Berlin",
    "Europe/Paris",
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Los_Angeles",
    "America/Sao_Paulo",
    "Asia/Kolkata",
    "Asia/Singapore",
    "Asia/Tokyo",
    "Australia/Sydney",
)
