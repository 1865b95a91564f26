"""Core replies → what Discord shows: message-sized pieces of text and which tasks get buttons.

Pure functions; the cogs do the posting.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import discord

from adapters.discord import texts
from bot.conversations import Reply
from bot.outcomes import ChannelResult, TaskChanged, TaskPage, TimezoneSet

MESSAGE_LIMIT = 2000  # characters in one Discord message
MAX_PARTS = 10  # a runaway answer stops here instead of flooding the channel
MAX_BUTTONS = 25  # five rows of five
MAX_ROWS = 5
# Complete and Delete side by side, two tasks to a row: ten tasks fit; a longer list gets
# Complete alone (deleting stays a word away: "delete 14").
PAIRS_PER_ROW = 2
PAIRED_TASKS = PAIRS_PER_ROW * MAX_ROWS

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
    """Numbers of the open tasks a reply shows, in order, each once: they get Complete buttons
    (one place fewer when the reply also gets a Next page button)."""
    numbers: list[int] = []
    for task in reply.tasks:
        if not task.completed and task.number not in numbers:
            numbers.append(task.number)
    room = MAX_BUTTONS - (1 if next_page_arguments(reply) is not None else 0)
    return numbers[:room]


def channel_list_numbers(reply: Reply) -> list[int]:
    """Numbers of the open tasks of a channel's shared list that a reply shows (from its
    ``channel_list`` calls), in order, each once: they get that list's buttons."""
    if reply.is_error:
        return []
    numbers: list[int] = []
    for call in reply.tool_calls:
        if not isinstance(call.outcome, ChannelResult):
            continue
        action = call.arguments.get("action")
        inner = call.outcome.inner
        shown = inner.tasks if isinstance(inner, TaskPage) else (inner.task,)
        for task in shown:
            if not task.completed:
                number = task.number
                if action == "delete":
                    numbers = [n for n in numbers if n != number]
                elif number not in numbers:
                    numbers.append(number)
    return numbers[:MAX_BUTTONS]


def next_page_arguments(reply: Reply) -> dict[str, Any] | None:
    """The ``list_tasks`` arguments of the page after the reply's last list, if it has one."""
    if reply.is_error:
        return None
    last: tuple[dict[str, Any], TaskPage] | None = None
    for call in reply.tool_calls:
        if isinstance(call.outcome, TaskPage):
            last = (call.arguments, call.outcome)
    if last is None:
        return None
    arguments, listed = last
    if listed.page >= listed.pages:
        return None
    return {**arguments, "page": listed.page + 1}


# A Next page button's custom id carries the list's filters; Discord allows 100 characters,
# so each is a letter and a short value (dates as YYYYMMDD).
_CODES = {
    "status": ("s", {"open": "o", "completed": "c", "all": "a"}),
    "priority": ("p", {"high": "h", "medium": "m", "low": "l"}),
    "sort": ("t", {"due": "d", "priority": "p", "number": "n", "newest": "w"}),
}


def encode_list_query(arguments: Mapping[str, Any]) -> str:
    """``list_tasks`` arguments as ``s=o,p=h,a=20261201,n=3`` (what ``decode_list_query`` reads)."""
    parts = []
    for name, (letter, values) in _CODES.items():
        if arguments.get(name) in values:
            parts.append(f"{letter}={values[arguments[name]]}")
    for name, letter in (("due_after", "a"), ("due_before", "b")):
        value = str(arguments.get(name) or "")
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            parts.append(f"{letter}={value.replace('-', '')}")
    if arguments.get("overdue"):
        parts.append("o=1")
    if arguments.get("has_due") is not None:
        parts.append(f"u={int(bool(arguments['has_due']))}")
    parts.append(f"n={int(arguments.get('page') or 1)}")
    return ",".join(parts)


def decode_list_query(query: str) -> dict[str, Any] | None:
    """The ``list_tasks`` arguments in ``query``, or None if it is not one of ours."""
    arguments: dict[str, Any] = {}
    reverse = {
        letter: (name, {v: k for k, v in values.items()})
        for name, (letter, values) in _CODES.items()
    }
    for part in query.split(","):
        letter, _, value = part.partition("=")
        if letter in reverse and value in reverse[letter][1]:
            arguments[reverse[letter][0]] = reverse[letter][1][value]
        elif letter in ("a", "b") and re.fullmatch(r"\d{8}", value):
            name = "due_after" if letter == "a" else "due_before"
            arguments[name] = f"{value[:4]}-{value[4:6]}-{value[6:]}"
        elif letter == "o" and value == "1":
            arguments["overdue"] = True
        elif letter == "u" and value in ("0", "1"):
            arguments["has_due"] = value == "1"
        elif letter == "n" and value.isdigit() and 0 < int(value) <= 100_000:
            arguments["page"] = int(value)
        else:
            return None
    return arguments if "page" in arguments else None


def action_text(reply: Reply) -> str:
    """The answer to a typed slash command or a button, from the one tool call it made.

    ``ChatService.act`` leaves ``text`` empty on success (the adapter words the result) and
    fills it with the person-facing reason on failure.
    """
    if reply.text or not reply.tool_calls:
        return reply.text or texts.apology()
    call = reply.tool_calls[-1]
    outcome = call.outcome
    if isinstance(outcome, TaskPage):
        status = str(call.arguments.get("status", "open"))
        return texts.task_list(outcome.tasks, status, page=outcome)
    if isinstance(outcome, TaskChanged):
        if call.name == "add_task":
            return texts.task_added(outcome.task)
        if call.name == "complete_task":
            if outcome.already:
                return texts.task_already_completed(outcome.task)
            return texts.task_completed(outcome.task)
        if call.name == "delete_task":
            return texts.task_deleted(outcome.task)
    if isinstance(outcome, ChannelResult):
        return outcome.message or texts.apology()
    if isinstance(outcome, TimezoneSet):
        return texts.timezone_set(outcome.timezone)
    return texts.apology()
