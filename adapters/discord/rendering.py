"""Core replies → what Discord shows: message-sized pieces of text and which tasks get buttons.

Pure functions; the cogs do the posting.
"""

from __future__ import annotations

import discord

from adapters.discord import texts
from bot.conversations import Reply

MESSAGE_LIMIT = 2000  # characters in one Discord message
MAX_PARTS = 10  # a runaway answer stops here instead of flooding the channel
MAX_BUTTONS = 25  # five rows of five

# Everything the bot writes goes out with this: it repeats people's words, never pings them.
NO_PINGS = discord.AllowedMentions.none()


def split_text(text: str, *, limit: int = MESSAGE_LIMIT, max_parts: int = MAX_PARTS) -> list[str]:
    """``text`` in pieces of at most ``limit`` characters, broken at lines, else at spaces."""
    rest = text.strip()
    parts: list[str] = []
    while rest and len(parts) < max_parts:
        if len(rest) <= limit:
            parts.append(rest)
            return parts
        cut = rest.rfind("\n", 0, limit + 1)
        if cut < limit // 2:
            cut = rest.rfind(" ", 0, limit + 1)
        if cut < limit // 2:
            cut = limit
        piece = rest[:cut].rstrip()
        if piece:
            parts.append(piece)
        rest = rest[cut:].lstrip()
    if rest and parts:
        marker = "\n…"
        parts[-1] = parts[-1][: limit - len(marker)].rstrip() + marker
    return parts


def button_numbers(reply: Reply) -> list[int]:
    """Numbers of the open tasks a reply shows, in order, each once: they get Complete buttons."""
    numbers: list[int] = []
    for task in reply.tasks:
        if not task.completed and task.number not in numbers:
            numbers.append(task.number)
    return numbers[:MAX_BUTTONS]


def action_text(reply: Reply) -> str:
    """The answer to a typed slash command or a button, from the one tool call it made.

    ``ChatService.act`` leaves ``text`` empty on success (the adapter words the result) and
    fills it with the person-facing reason on failure.
    """
    if reply.text or not reply.tool_calls:
        return reply.text or texts.apology()
    call = reply.tool_calls[-1]
    result = call.result
    if call.name == "list_tasks":
        return texts.task_list(result.get("tasks", []), str(call.arguments.get("status", "open")))
    if call.name == "add_task":
        return texts.task_added(result["task"])
    if call.name == "complete_task":
        if result.get("already"):
            return texts.task_already_completed(result["task"])
        return texts.task_completed(result["task"])
    if call.name == "set_timezone":
        return texts.timezone_set(str(result["timezone"]))
    return texts.apology()
