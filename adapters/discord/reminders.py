"""Reminders on Discord: a DM with Done / Snooze 1 h / Tomorrow 9:00 buttons.

``DiscordNotifier`` uses discord.py over HTTP only (``login``, no gateway): it opens the DM
and sends; when the person's DMs are closed (50007) it posts in the thread or channel where
the reminder was asked for, mentioning only that person. discord.py waits out 429s as Discord
asks, up to ``max_ratelimit_timeout``; anything else becomes ``PlatformError`` for the
scheduler to record. Done is the list's persistent Complete button; the Snooze buttons are
persistent too (everything they need is in their ``custom_id``) and act only for the owner.
"""

from __future__ import annotations

import logging
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any, cast

import discord

from adapters.discord import texts
from adapters.discord.assignments import assignment_view
from adapters.discord.buttons import CompleteButton
from adapters.discord.endpoints import discord_endpoints
from adapters.discord.interactions import apologise
from adapters.discord.mapping import command_facts, user_ref
from adapters.discord.rendering import NO_PINGS
from bot.config import Settings, secret
from bot.errors import ConfigError, PlatformError
from bot.outcomes import task_of
from bot.reminders import DeliveryRefused, Notice

if TYPE_CHECKING:
    from adapters.discord.client import TodoBot

log = logging.getLogger(__name__)

SNOOZE_ID = re.compile(r"todo:snooze:(?P<owner>[0-9]{1,20}):(?P<number>[0-9]{1,9}):(?P<when>h|t)")
_UNTIL = {"h": "in 1 hour", "t": "tomorrow 9:00"}
_LABELS = {"h": "Snooze 1 h", "t": "Tomorrow 9:00"}
CANNOT_DM = 50007  # "Cannot send messages to this user": DMs closed or no shared server


class SnoozeButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=SNOOZE_ID):
    def __init__(self, owner_id: int, number: int, when: str) -> None:
        super().__init__(
            discord.ui.Button(
                label=_LABELS[when],
                style=discord.ButtonStyle.secondary,
                custom_id=f"todo:snooze:{owner_id}:{number}:{when}",
            )
        )
        self.owner_id, self.number, self.when = owner_id, number, when

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> SnoozeButton:
        return cls(int(match["owner"]), int(match["number"]), match["when"])

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        try:
            facts = command_facts(interaction)
            if facts.user_id != self.owner_id:
                await interaction.response.send_message(
                    "Those buttons belong to someone else's reminder.",
                    ephemeral=True,
                    allowed_mentions=NO_PINGS,
                )
                return
            await interaction.response.defer(ephemeral=True)
            bot = cast("TodoBot", interaction.client)
            reply = await bot.chat.act(
                author=user_ref(facts.user_id),
                tool="snooze_task",
                arguments={"number": self.number, "until": _UNTIL[self.when]},
                display_name=facts.user_name,
            )
            task = task_of(reply.tool_calls[0].outcome) if reply.tool_calls else None
            until = task.remind_at if task is not None else None
            text = reply.text or f"⏰ Snoozed #{self.number} until {until}."
            await interaction.followup.send(text, ephemeral=True, allowed_mentions=NO_PINGS)
        except Exception:
            log.exception("Snooze #%s pressed by %s failed", self.number, interaction.user.id)
            await apologise(interaction)


def reminder_view(notice: Notice) -> discord.ui.View | None:
    if notice.kind.startswith("assigned"):
        return assignment_view(notice)
    number = notice.single_task
    if number is None:
        return None
    owner = int(notice.to.external_id)
    view = discord.ui.View(timeout=None)
    view.add_item(CompleteButton(owner, number))
    view.add_item(SnoozeButton(owner, number, "h"))
    view.add_item(SnoozeButton(owner, number, "t"))
    return view


class DiscordNotifier:
    platform = "discord"

    def __init__(self, client: discord.Client) -> None:
        self._client = client

    @classmethod
    @asynccontextmanager
    async def from_env(cls, settings: Settings) -> AsyncIterator[DiscordNotifier]:
        token = secret("DISCORD_TOKEN").get_secret_value()
        options = settings.discord
        with discord_endpoints(options.api_url, options.gateway_url):
            client = discord.Client(
                intents=discord.Intents.none(),
                allowed_mentions=discord.AllowedMentions.none(),
                max_ratelimit_timeout=options.max_ratelimit_timeout,
            )
            try:
                await client.login(token)
                yield cls(client)
            except discord.LoginFailure as exc:
                raise ConfigError(texts.bad_token()) from exc
            finally:
                await client.close()

    async def send(self, notice: Notice) -> None:
        user_id = int(notice.to.external_id)
        view = reminder_view(notice)
        try:
            channel = await self._client.create_dm(discord.Object(user_id))
            await channel.send(notice.text, view=view or discord.utils.MISSING)
            return
        except discord.Forbidden as exc:
            if exc.code != CANNOT_DM:
                raise PlatformError(f"Discord refused the reminder DM ({exc.code})") from exc
            log.info("DMs of %s are closed; posting where the reminder was asked for", user_id)
        except discord.NotFound as exc:
            raise DeliveryRefused(f"Discord user {user_id} not found") from exc
        except (discord.HTTPException, discord.RateLimited, OSError) as exc:
            raise PlatformError(f"Discord failed: {type(exc).__name__}") from exc
        await self._post_in_place(notice, user_id, view)

    async def _post_in_place(
        self, notice: Notice, user_id: int, view: discord.ui.View | None
    ) -> None:
        place = notice.place
        if place is None or place.platform != "discord" or not place.tenant:
            raise DeliveryRefused("DMs closed and no server channel to fall back to")
        target = int(place.thread_id or place.channel_id)
        channel = self._client.get_partial_messageable(target)
        only_them = discord.AllowedMentions(users=[discord.Object(user_id)])
        try:
            await channel.send(
                f"<@{user_id}> {notice.text}",
                view=view or discord.utils.MISSING,
                allowed_mentions=only_them,
            )
        except (discord.Forbidden, discord.NotFound) as exc:
            raise DeliveryRefused(f"Discord refused the fallback ({exc.code})") from exc
        except (discord.HTTPException, discord.RateLimited, OSError) as exc:
            raise PlatformError(f"Discord failed: {type(exc).__name__}") from exc
