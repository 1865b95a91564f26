"""An assignment notice on Discord: Complete and Decline buttons for the assignee.

``custom_id`` = ``todo:decline:<assignee's Discord id>:<task number>``: persistent like the
Complete button; only the assignee's click acts. Declining removes the task from their list;
the giver is told at the next poll of the reminder scheduler.
"""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING, Any, cast

import discord

from adapters.discord import rendering, texts
from adapters.discord.buttons import CompleteButton
from adapters.discord.interactions import apologise
from adapters.discord.mapping import command_facts, user_ref
from adapters.discord.rendering import NO_PINGS
from bot.reminders import Notice

if TYPE_CHECKING:
    from adapters.discord.client import TodoBot

log = logging.getLogger(__name__)

DECLINE_ID = re.compile(r"todo:decline:(?P<owner>[0-9]{1,20}):(?P<number>[0-9]{1,9})")


class DeclineButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=DECLINE_ID):
    def __init__(self, owner_id: int, number: int) -> None:
        super().__init__(
            discord.ui.Button(
                label="Decline",
                style=discord.ButtonStyle.danger,
                custom_id=f"todo:decline:{owner_id}:{number}",
            )
        )
        self.owner_id = owner_id
        self.number = number

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> DeclineButton:
        return cls(int(match["owner"]), int(match["number"]))

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        try:
            await self._decline(interaction)
        except Exception:
            log.exception("Decline #%s pressed by %s failed", self.number, interaction.user.id)
            await apologise(interaction)

    async def _decline(self, interaction: discord.Interaction[Any]) -> None:
        bot = cast("TodoBot", interaction.client)
        facts = command_facts(interaction)
        if facts.user_id != self.owner_id:
            await interaction.response.send_message(
                texts.not_your_list(), ephemeral=True, allowed_mentions=NO_PINGS
            )
            return
        await interaction.response.defer(ephemeral=True)
        reply = await bot.chat.act(
            author=user_ref(facts.user_id),
            tool="delete_task",
            arguments={"number": self.number},
            display_name=facts.user_name,
        )
        await interaction.followup.send(
            rendering.action_text(reply), ephemeral=True, allowed_mentions=NO_PINGS
        )


def assignment_view(notice: Notice) -> discord.ui.View | None:
    number = notice.single_task
    if notice.kind != "assigned" or number is None:
        return None
    owner = int(notice.to.external_id)
    view = discord.ui.View(timeout=None)
    view.add_item(CompleteButton(owner, number))
    view.add_item(DeclineButton(owner, number))
    return view
