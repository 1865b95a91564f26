"""Answering an interaction privately, whatever state its response is in; whose tasks a
button acts on, and who may press it."""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Self, cast

import aiohttp
import discord

from adapters.discord import texts
from adapters.discord.mapping import PLATFORM, command_facts, user_ref
from adapters.discord.rendering import NO_PINGS
from bot.conversations import Reply
from bot.identity import ConversationKey

if TYPE_CHECKING:
    from adapters.discord.client import TodoBot

log = logging.getLogger(__name__)

# What sending to Discord can raise: HTTP errors, a rate limit longer than we agreed to wait
# (discord.RateLimited is not an HTTPException), and the connection itself failing.
DELIVERY_ERRORS = (discord.DiscordException, aiohttp.ClientError, OSError)


async def apologise(interaction: discord.Interaction[Any]) -> None:
    """A short private apology: as the response, or as a followup once it was deferred."""
    try:
        if interaction.response.is_done():
            await interaction.followup.send(
                texts.apology(), ephemeral=True, allowed_mentions=NO_PINGS
            )
        else:
            await interaction.response.send_message(
                texts.apology(), ephemeral=True, allowed_mentions=NO_PINGS
            )
    except DELIVERY_ERRORS:
        log.warning("could not apologise for interaction %s either", interaction.id, exc_info=True)


# The owner part of a button's id: a person's Discord id, or "c" + a channel's id for that
# channel's shared list.
OWNER = r"(?P<owner>c?[0-9]{1,20})"
# A channel list's button acts through the channel list tool, by the list's own numbers.
_CHANNEL_ACTIONS = {"complete_task": "complete", "delete_task": "delete", "list_tasks": "list"}


@dataclass(frozen=True, slots=True)
class Scope:
    """Whose tasks a button acts on: one person's, or the shared list of a channel."""

    owner_id: int
    shared: bool = False

    @classmethod
    def parse(cls, token: str) -> Scope:
        return cls(int(token.removeprefix("c")), token.startswith("c"))

    def token(self) -> str:
        return f"c{self.owner_id}" if self.shared else str(self.owner_id)

    def allows(self, interaction: discord.Interaction[Any]) -> bool:
        """A person's buttons are theirs alone; a channel list's are for whoever is in the
        channel (the pressed message is there, or in one of its threads)."""
        if not self.shared:
            return interaction.user.id == self.owner_id
        channel = interaction.channel
        parent = getattr(channel, "parent_id", None)
        return self.owner_id in (interaction.channel_id, parent)

    async def act(
        self, interaction: discord.Interaction[Any], tool: str, arguments: dict[str, Any]
    ) -> Reply:
        """Run ``tool`` as the person who pressed; a channel list's through its own tool, in
        the channel the id names (``allows`` checked the presser is in it)."""
        facts = command_facts(interaction)
        place = None
        if self.shared:
            tenant = str(interaction.guild_id) if interaction.guild_id else ""
            channel = str(self.owner_id)
            place = ConversationKey(PLATFORM, tenant, channel, channel)
            arguments = {"action": _CHANNEL_ACTIONS[tool], **arguments}
            tool = "channel_list"
        return await cast("TodoBot", interaction.client).chat.act(
            author=user_ref(facts.user_id),
            tool=tool,
            arguments=arguments,
            display_name=facts.user_name,
            place=place,
        )


def parsed_owner(match: re.Match[str]) -> Scope:
    return Scope.parse(match["owner"])


class FromScopedId:
    """``from_custom_id`` for a task button built as ``cls(owner_id, number, shared=…)`` whose
    id template has ``owner`` and ``number`` groups (mixed in before ``DynamicItem``)."""

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> Self:
        scope = parsed_owner(match)
        build: Any = cls  # the button's own constructor, not the mixin's
        return cast(Self, build(scope.owner_id, int(match["number"]), shared=scope.shared))


async def refused(interaction: discord.Interaction[Any], scope: Scope) -> bool:
    """Whether a button of ``scope``'s tasks was pressed by someone it isn't for; if so, that
    person is told privately and nothing changes."""
    if scope.allows(interaction):
        return False
    await interaction.response.send_message(
        texts.not_your_list(), ephemeral=True, allowed_mentions=NO_PINGS
    )
    return True


async def pressed(
    interaction: discord.Interaction[Any],
    work: Callable[[discord.Interaction[Any]], Awaitable[None]],
    *,
    what: str,
) -> None:
    """Run a button's ``work`` as in-flight work (a stopping process waits for it); a failure
    is logged, and the presser gets a private apology."""
    try:
        async with cast("TodoBot", interaction.client).inflight.track():
            await work(interaction)
    except Exception:
        log.exception("%s pressed by %s failed", what, interaction.user.id)
        await apologise(interaction)
