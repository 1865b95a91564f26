"""Answering an interaction privately, whatever state its response is in."""

from __future__ import annotations

import logging
from typing import Any

import aiohttp
import discord

from adapters.discord import texts
from adapters.discord.rendering import NO_PINGS

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


async def refused(interaction: discord.Interaction[Any], owner_id: int) -> bool:
    """Whether a button of ``owner_id``'s tasks was pressed by someone else; if so, that
    person is told privately and nothing changes."""
    if interaction.user.id == owner_id:
        return False
    await interaction.response.send_message(
        texts.not_your_list(), ephemeral=True, allowed_mentions=NO_PINGS
    )
    return True
