"""The Complete and Next page buttons, and the layout of a reply's buttons (Delete beside
Complete). Persistent across restarts because everything a button needs is in its id.

``custom_id`` = ``todo:done:<owner>:<task number>``, the owner being a person's Discord id or
``c<channel id>`` for a channel's shared list (see ``interactions.Scope``). discord.py matches
clicks on any message, old or new, against the template of a registered
:class:`discord.ui.DynamicItem`, so no view has to be kept in memory.
"""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING, Any, cast

import discord

from adapters.discord import rendering, texts
from adapters.discord.deleting import DELETE_ID, DeleteButton
from adapters.discord.interactions import (
    DELIVERY_ERRORS,
    OWNER,
    FromScopedId,
    Scope,
    apologise,
    parsed_owner,
    pressed,
    refused,
)
from adapters.discord.mapping import command_facts, user_ref
from adapters.discord.rendering import NO_PINGS
from bot.conversations import Reply

if TYPE_CHECKING:
    from adapters.discord.client import TodoBot

log = logging.getLogger(__name__)

CUSTOM_ID = re.compile(rf"todo:done:{OWNER}:(?P<number>[0-9]{{1,9}})")
PAGE_ID = re.compile(r"todo:page:(?P<owner>[0-9]{1,20}):(?P<query>[a-z0-9=,]{1,70})")


def custom_id(owner_id: int, number: int, *, shared: bool = False) -> str:
    return f"todo:done:{Scope(owner_id, shared).token()}:{number}"


def ticked(buttons: list[tuple[str, bool]], number: int) -> list[tuple[Scope, int, bool]]:
    """The Complete buttons of a message, (custom id, disabled) each, after ticking ``number``.

    Returns (whose, task number, done) per button; ids that aren't ours are dropped.
    """
    states = []
    for value, disabled in buttons:
        match = CUSTOM_ID.fullmatch(value)
        if match:
            task = int(match["number"])
            states.append((parsed_owner(match), task, disabled or task == number))
    return states


class CompleteButton(
    FromScopedId, discord.ui.DynamicItem[discord.ui.Button[Any]], template=CUSTOM_ID
):
    def __init__(
        self,
        owner_id: int,
        number: int,
        *,
        done: bool = False,
        row: int | None = None,
        shared: bool = False,
    ) -> None:
        super().__init__(
            discord.ui.Button(
                label=texts.done_label(number) if done else texts.complete_label(number),
                style=discord.ButtonStyle.secondary if done else discord.ButtonStyle.success,
                custom_id=custom_id(owner_id, number, shared=shared),
                disabled=done,
                row=row,
            )
        )
        self.scope = Scope(owner_id, shared)
        self.number = number

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        await pressed(interaction, self._complete, what=f"Complete #{self.number}")

    async def _complete(self, interaction: discord.Interaction[Any]) -> None:
        if await refused(interaction, self.scope):
            return
        await interaction.response.defer()
        reply = await self.scope.act(interaction, "complete_task", {"number": self.number})
        if not reply.is_error and interaction.message is not None:
            await _mark_done(interaction, interaction.message, self.number)
        await interaction.followup.send(
            rendering.action_text(reply), ephemeral=True, allowed_mentions=NO_PINGS
        )


class NextPageButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=PAGE_ID):
    """Shows the next page of a list to its owner; the list's filters are in the id."""

    def __init__(self, owner_id: int, arguments: dict[str, Any], *, row: int | None = None) -> None:
        super().__init__(
            discord.ui.Button(
                label=texts.next_page_label(int(arguments.get("page") or 1)),
                style=discord.ButtonStyle.primary,
                custom_id=f"todo:page:{owner_id}:{rendering.encode_list_query(arguments)}",
                row=row,
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
        if await refused(interaction, Scope(self.owner_id)):
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


def reply_view(
    owner_id: int, reply: Reply, *, channel_id: int | None = None
) -> discord.ui.View | None:
    """A reply's buttons: Complete for the open tasks it shows — with Delete beside each when
    the pairs fit in Discord's five rows — and Next page under a long list. A reply showing
    only the shared list of channel ``channel_id`` gets that list's buttons."""
    numbers = rendering.button_numbers(reply)
    scope = Scope(owner_id)
    if not numbers and channel_id is not None:
        numbers = rendering.channel_list_numbers(reply)
        scope = Scope(channel_id, shared=True)
    following = None if scope.shared else rendering.next_page_arguments(reply)
    if not numbers and following is None:
        return None
    view = discord.ui.View(timeout=None)
    paired = len(numbers) <= rendering.PAIRED_TASKS
    for index, number in enumerate(numbers):
        row = index // rendering.PAIRS_PER_ROW if paired else None
        view.add_item(CompleteButton(scope.owner_id, number, row=row, shared=scope.shared))
        if paired:
            view.add_item(DeleteButton(scope.owner_id, number, row=row, shared=scope.shared))
    if following is not None:
        row = min(rendering.MAX_ROWS - 1, -(-len(numbers) // rendering.PAIRS_PER_ROW))
        view.add_item(NextPageButton(owner_id, following, row=row if paired else None))
    return view


async def _mark_done(
    interaction: discord.Interaction[Any], message: discord.Message, number: int
) -> None:
    """Tick the pressed button on the list message, keeping the others where they were; the
    list is still right if this fails."""
    view = discord.ui.View(timeout=None)
    ticked_any = False
    for row_index, row in enumerate(message.components):
        if not isinstance(row, discord.ActionRow):
            continue
        for child in row.children:
            if not isinstance(child, discord.Button) or not child.custom_id:
                continue
            item = _rebuilt(child.custom_id, child.disabled, number, row_index)
            if item is not None:
                ticked_any = ticked_any or isinstance(item, CompleteButton)
                view.add_item(item)
    if not ticked_any:
        return
    try:
        await interaction.edit_original_response(view=view)
    except DELIVERY_ERRORS:
        log.warning("could not tick task #%s on message %s", number, message.id, exc_info=True)


def _rebuilt(value: str, disabled: bool, number: int, row: int) -> discord.ui.Item[Any] | None:
    """The button with id ``value`` as it should be once task ``number`` is done; ids that
    aren't ours are dropped."""
    if states := ticked([(value, disabled)], number):
        scope, task, done = states[0]
        return CompleteButton(scope.owner_id, task, done=done, row=row, shared=scope.shared)
    if match := DELETE_ID.fullmatch(value):
        scope = parsed_owner(match)
        return DeleteButton(scope.owner_id, int(match["number"]), row=row, shared=scope.shared)
    if (match := PAGE_ID.fullmatch(value)) and (
        arguments := rendering.decode_list_query(match["query"])
    ):
        return NextPageButton(int(match["owner"]), arguments, row=row)
    return None
