"""The Complete button: persistent across restarts because everything it needs is in its id.

``custom_id`` = ``todo:done:<owner's Discord id>:<task number>``. discord.py matches clicks on
any message, old or new, against the template of a registered :class:`discord.ui.DynamicItem`,
so no view has to be kept in memory.
"""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING, Any, cast

import discord

from adapters.discord import rendering, texts
from adapters.discord.interactions import DELIVERY_ERRORS, apologise
from adapters.discord.mapping import command_facts, user_ref
from adapters.discord.rendering import NO_PINGS
from bot.conversations import Reply

if TYPE_CHECKING:
    from adapters.discord.client import TodoBot

log = logging.getLogger(__name__)

CUSTOM_ID = re.compile(r"todo:done:(?P<owner>[0-9]{1,20}):(?P<number>[0-9]{1,9})")
PAGE_ID = re.compile(r"todo:page:(?P<owner>[0-9]{1,20}):(?P<query>[a-z0-9=,]{1,70})")


def custom_id(owner_id: int, number: int) -> str:
    return f"todo:done:{owner_id}:{number}"


def ticked(buttons: list[tuple[str, bool]], number: int) -> list[tuple[int, int, bool]]:
    """The Complete buttons of a message, (custom id, disabled) each, after ticking ``number``.

    Returns (owner id, task number, done) per button; ids that aren't ours are dropped.
    """
    states = []
    for value, disabled in buttons:
        match = CUSTOM_ID.fullmatch(value)
        if match:
            task = int(match["number"])
            states.append((int(match["owner"]), task, disabled or task == number))
    return states


class CompleteButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=CUSTOM_ID):
    def __init__(self, owner_id: int, number: int, *, done: bool = False) -> None:
        super().__init__(
            discord.ui.Button(
                label=texts.done_label(number) if done else texts.complete_label(number),
                style=discord.ButtonStyle.secondary if done else discord.ButtonStyle.success,
                custom_id=custom_id(owner_id, number),
                disabled=done,
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
    ) -> CompleteButton:
        return cls(int(match["owner"]), int(match["number"]))

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        try:
            async with cast("TodoBot", interaction.client).inflight.track():
                await self._complete(interaction)
        except Exception:
            log.exception("Complete #%s pressed by %s failed", self.number, interaction.user.id)
            await apologise(interaction)

    async def _complete(self, interaction: discord.Interaction[Any]) -> None:
        bot = cast("TodoBot", interaction.client)
        facts = command_facts(interaction)
        if facts.user_id != self.owner_id:
            await interaction.response.send_message(
                texts.not_your_list(), ephemeral=True, allowed_mentions=NO_PINGS
            )
            return
        await interaction.response.defer()
        reply = await bot.chat.act(
            author=user_ref(facts.user_id),
            tool="complete_task",
            arguments={"number": self.number},
            display_name=facts.user_name,
        )
        if not reply.is_error and interaction.message is not None:
            await _mark_done(interaction, interaction.message, self.number)
        await interaction.followup.send(
            rendering.action_text(reply), ephemeral=True, allowed_mentions=NO_PINGS
        )


class NextPageButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=PAGE_ID):
    """Shows the next page of a list to its owner; the list's filters are in the id."""

    def __init__(self, owner_id: int, arguments: dict[str, Any]) -> None:
        super().__init__(
            discord.ui.Button(
                label=texts.next_page_label(int(arguments.get("page") or 1)),
                style=discord.ButtonStyle.primary,
                custom_id=f"todo:page:{owner_id}:{rendering.encode_list_query(arguments)}",
            )
        )
        self.owner_id = owner_id
        self.arguments = arguments

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> NextPageButton:
        arguments = rendering.decode_list_query(match["query"]) or {"page": 1}
        return cls(int(match["owner"]), arguments)

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        try:
            await self._next_page(interaction)
        except Exception:
            log.exception("Next page pressed by %s failed", interaction.user.id)
            await apologise(interaction)

    async def _next_page(self, interaction: discord.Interaction[Any]) -> None:
        bot = cast("TodoBot", interaction.client)
        facts = command_facts(interaction)
        if facts.user_id != self.owner_id:
            await interaction.response.send_message(
                texts.not_your_list(), ephemeral=True, allowed_mentions=NO_PINGS
            )
            return
        await interaction.response.defer(ephemeral=True, thinking=True)
        reply = await bot.chat.act(
            author=user_ref(facts.user_id),
            tool="list_tasks",
            arguments=self.arguments,
            display_name=facts.user_name,
        )
        parts = rendering.split_text(rendering.action_text(reply)) or [texts.apology()]
        view = reply_view(self.owner_id, reply)
        for index, part in enumerate(parts):
            extra: dict[str, Any] = {}
            if index == len(parts) - 1 and view is not None:
                extra["view"] = view
            await interaction.followup.send(
                part, ephemeral=True, allowed_mentions=NO_PINGS, **extra
            )


def complete_view(owner_id: int, numbers: list[int]) -> discord.ui.View | None:
    """Complete buttons for the tasks ``numbers`` of ``owner_id``, or ``None`` for no tasks."""
    if not numbers:
        return None
    view = discord.ui.View(timeout=None)
    for number in numbers:
        view.add_item(CompleteButton(owner_id, number))
    return view


def reply_view(owner_id: int, reply: Reply) -> discord.ui.View | None:
    """A reply's buttons: Complete for the open tasks it shows, Next page under a long list."""
    view = complete_view(owner_id, rendering.button_numbers(reply))
    following = rendering.next_page_arguments(reply)
    if following is None:
        return view
    view = view or discord.ui.View(timeout=None)
    view.add_item(NextPageButton(owner_id, following))
    return view


async def _mark_done(
    interaction: discord.Interaction[Any], message: discord.Message, number: int
) -> None:
    """Tick the pressed button on the list message; the list is still right if this fails."""
    buttons = [
        (child.custom_id, child.disabled)
        for row in message.components
        if isinstance(row, discord.ActionRow)
        for child in row.children
        if isinstance(child, discord.Button) and child.custom_id
    ]
    states = ticked(buttons, number)
    if not states:
        return
    view = discord.ui.View(timeout=None)
    for owner, task, done in states:
        view.add_item(CompleteButton(owner, task, done=done))
    try:
        await interaction.edit_original_response(view=view)
    except DELIVERY_ERRORS:
        log.warning("could not tick task #%s on message %s", number, message.id, exc_info=True)
