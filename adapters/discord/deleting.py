"""The Delete button beside Complete, and the private "Delete #4 'x'? [Delete] [Keep]" it asks.

Deleting asks first, as Discord itself does before deleting a message: a task is gone for good
once deleted, and a red button next to a green one is easy to hit by mistake. The question is
ephemeral, so only the person who pressed sees it, and its answer replaces it in place.

Ids, all persistent (everything needed is in the id, see ``buttons``):
``todo:del:<owner>:<number>`` asks; ``todo:delete:yes|keep:<owner>:<number>`` answers.
"""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING, Any, cast

import discord

from adapters.discord import texts
from adapters.discord.interactions import apologise, refused
from adapters.discord.mapping import command_facts, user_ref
from adapters.discord.rendering import NO_PINGS
from bot.conversations import Reply

if TYPE_CHECKING:
    from adapters.discord.client import TodoBot

log = logging.getLogger(__name__)

DELETE_ID = re.compile(r"todo:del:(?P<owner>[0-9]{1,20}):(?P<number>[0-9]{1,9})")
ANSWER_ID = re.compile(
    r"todo:delete:(?P<answer>yes|keep):(?P<owner>[0-9]{1,20}):(?P<number>[0-9]{1,9})"
)


def delete_id(owner_id: int, number: int) -> str:
    return f"todo:del:{owner_id}:{number}"


class DeleteButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=DELETE_ID):
    """Asks the owner, privately, whether to delete the task."""

    def __init__(self, owner_id: int, number: int, *, row: int | None = None) -> None:
        super().__init__(
            discord.ui.Button(
                label=texts.delete_label(number),
                style=discord.ButtonStyle.danger,
                custom_id=delete_id(owner_id, number),
                row=row,
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
    ) -> DeleteButton:
        return cls(int(match["owner"]), int(match["number"]))

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        try:
            async with cast("TodoBot", interaction.client).inflight.track():
                await self._ask(interaction)
        except Exception:
            log.exception("Delete #%s pressed by %s failed", self.number, interaction.user.id)
            await apologise(interaction)

    async def _ask(self, interaction: discord.Interaction[Any]) -> None:
        if await refused(interaction, self.owner_id):
            return
        await interaction.response.defer(ephemeral=True, thinking=True)
        reply = await _act(interaction, "list_tasks", {"status": "all", "numbers": [self.number]})
        found = _tasks(reply)
        if not found:
            text = reply.text if reply.is_error else texts.no_such_task(self.number)
            await interaction.followup.send(text, ephemeral=True, allowed_mentions=NO_PINGS)
            return
        view = discord.ui.View(timeout=None)
        view.add_item(DeleteAnswerButton("yes", self.owner_id, self.number))
        view.add_item(DeleteAnswerButton("keep", self.owner_id, self.number))
        await interaction.followup.send(
            texts.confirm_delete(found[0]), view=view, ephemeral=True, allowed_mentions=NO_PINGS
        )


class DeleteAnswerButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=ANSWER_ID):
    """[Delete] deletes the task, [Keep] leaves it; either answer replaces the question."""

    def __init__(self, answer: str, owner_id: int, number: int) -> None:
        delete = answer == "yes"
        super().__init__(
            discord.ui.Button(
                label=texts.DELETE_CONFIRM_LABEL if delete else texts.DELETE_KEEP_LABEL,
                style=discord.ButtonStyle.danger if delete else discord.ButtonStyle.secondary,
                custom_id=f"todo:delete:{answer}:{owner_id}:{number}",
            )
        )
        self.answer = answer
        self.owner_id = owner_id
        self.number = number

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> DeleteAnswerButton:
        return cls(match["answer"], int(match["owner"]), int(match["number"]))

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        try:
            async with cast("TodoBot", interaction.client).inflight.track():
                await self._answer(interaction)
        except Exception:
            log.exception("Delete answer for #%s by %s failed", self.number, interaction.user.id)
            await apologise(interaction)

    async def _answer(self, interaction: discord.Interaction[Any]) -> None:
        # The question is private to the owner, but its id could be replayed by anyone.
        if await refused(interaction, self.owner_id):
            return
        if self.answer != "yes":
            await interaction.response.edit_message(content=texts.task_kept(self.number), view=None)
            return
        await interaction.response.defer()
        reply = await _act(interaction, "delete_task", {"number": self.number})
        call = reply.tool_calls[-1] if reply.tool_calls else None
        if reply.is_error or call is None:
            text = reply.text or texts.apology()
        else:
            text = texts.task_deleted(call.result["task"])
        await interaction.edit_original_response(content=text, view=None)


async def _act(
    interaction: discord.Interaction[Any], tool: str, arguments: dict[str, Any]
) -> Reply:
    facts = command_facts(interaction)
    return await cast("TodoBot", interaction.client).chat.act(
        author=user_ref(facts.user_id),
        tool=tool,
        arguments=arguments,
        display_name=facts.user_name,
    )


def _tasks(reply: Reply) -> list[dict[str, Any]]:
    if reply.is_error or not reply.tool_calls:
        return []
    return list(reply.tool_calls[-1].result.get("tasks") or [])
