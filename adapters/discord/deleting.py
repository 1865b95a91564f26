"""The Delete button beside Complete, and the private "Delete #4 'x'? [Delete] [Keep]" it asks.

Deleting asks first, as Discord itself does before deleting a message: a task is gone for good
once deleted, and a red button next to a green one is easy to hit by mistake. The question is
ephemeral, so only the person who pressed sees it, and its answer replaces it in place.

Ids, all persistent (everything needed is in the id, see ``buttons``):
``todo:del:<owner>:<number>`` asks; ``todo:delete:yes|keep:<owner>:<number>`` answers. The
owner is a person, or ``c<channel id>`` for a channel's shared list, whose buttons anyone in
the channel may press (``interactions.Scope``).
"""

from __future__ import annotations

import logging
import re
from typing import Any

import discord

from adapters.discord import texts
from adapters.discord.interactions import (
    OWNER,
    FromScopedId,
    Scope,
    parsed_owner,
    pressed,
    refused,
)
from adapters.discord.rendering import NO_PINGS
from bot.conversations import Reply
from bot.outcomes import ChannelResult, TaskPage, TaskView, task_of

log = logging.getLogger(__name__)

DELETE_ID = re.compile(rf"todo:del:{OWNER}:(?P<number>[0-9]{{1,9}})")
ANSWER_ID = re.compile(rf"todo:delete:(?P<answer>yes|keep):{OWNER}:(?P<number>[0-9]{{1,9}})")


def delete_id(owner_id: int, number: int, *, shared: bool = False) -> str:
    return f"todo:del:{Scope(owner_id, shared).token()}:{number}"


class DeleteButton(
    FromScopedId, discord.ui.DynamicItem[discord.ui.Button[Any]], template=DELETE_ID
):
    """Asks the owner, privately, whether to delete the task."""

    def __init__(
        self, owner_id: int, number: int, *, row: int | None = None, shared: bool = False
    ) -> None:
        super().__init__(
            discord.ui.Button(
                label=texts.delete_label(number),
                style=discord.ButtonStyle.danger,
                custom_id=delete_id(owner_id, number, shared=shared),
                row=row,
            )
        )
        self.scope = Scope(owner_id, shared)
        self.number = number

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        await pressed(interaction, self._ask, what=f"Delete #{self.number}")

    async def _ask(self, interaction: discord.Interaction[Any]) -> None:
        if await refused(interaction, self.scope):
            return
        await interaction.response.defer(ephemeral=True, thinking=True)
        # A channel list is read whole (its open tasks): its tool takes no task numbers.
        arguments = {} if self.scope.shared else {"status": "all", "numbers": [self.number]}
        reply = await self.scope.act(interaction, "list_tasks", arguments)
        found = [t for t in _tasks(reply) if t.number == self.number]
        if not found:
            text = (
                reply.text
                if reply.is_error
                else texts.no_such_task(self.number, shared=self.scope.shared)
            )
            await interaction.followup.send(text, ephemeral=True, allowed_mentions=NO_PINGS)
            return
        view = discord.ui.View(timeout=None)
        for answer in ("yes", "keep"):
            view.add_item(DeleteAnswerButton(answer, self.scope, self.number))
        await interaction.followup.send(
            texts.confirm_delete(found[0]), view=view, ephemeral=True, allowed_mentions=NO_PINGS
        )


class DeleteAnswerButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=ANSWER_ID):
    """[Delete] deletes the task, [Keep] leaves it; either answer replaces the question."""

    def __init__(self, answer: str, scope: Scope, number: int) -> None:
        delete = answer == "yes"
        super().__init__(
            discord.ui.Button(
                label=texts.DELETE_CONFIRM_LABEL if delete else texts.DELETE_KEEP_LABEL,
                style=discord.ButtonStyle.danger if delete else discord.ButtonStyle.secondary,
                custom_id=f"todo:delete:{answer}:{scope.token()}:{number}",
            )
        )
        self.answer = answer
        self.scope = scope
        self.number = number

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> DeleteAnswerButton:
        return cls(match["answer"], parsed_owner(match), int(match["number"]))

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        await pressed(interaction, self._answer, what=f"Delete answer for #{self.number}")

    async def _answer(self, interaction: discord.Interaction[Any]) -> None:
        # The question is private to the presser, but its id could be replayed by anyone.
        if await refused(interaction, self.scope):
            return
        if self.answer != "yes":
            await interaction.response.edit_message(content=texts.task_kept(self.number), view=None)
            return
        await interaction.response.defer()
        reply = await self.scope.act(interaction, "delete_task", {"number": self.number})
        task = task_of(reply.tool_calls[-1].outcome) if reply.tool_calls else None
        if reply.is_error or task is None:
            text = reply.text or texts.apology()
        else:
            text = texts.task_deleted(task)
        await interaction.edit_original_response(content=text, view=None)


def _tasks(reply: Reply) -> list[TaskView]:
    if reply.is_error or not reply.tool_calls:
        return []
    listed = reply.tool_calls[-1].outcome
    if isinstance(listed, ChannelResult):  # a channel list is read through its own tool
        listed = listed.inner
    return list(listed.tasks) if isinstance(listed, TaskPage) else []
