"""Everything the Discord adapter shows people or writes as a start-up error, in one place."""

from __future__ import annotations

from collections.abc import Sequence

from bot.outcomes import TaskPage, TaskView

# Slash command and option descriptions (Discord shows them in the command picker; ≤ 100 chars).
TODO_DESCRIPTION = "Tell todobot what to do, in your own words"
TODO_TEXT = "For example: add renew passport next friday, high priority"
LIST_DESCRIPTION = "Show your tasks"
LIST_STATUS = "Which tasks to show (default: open)"
ADD_DESCRIPTION = "Add a task"
ADD_TITLE = "What needs doing"
ADD_DUE = "When it is due: 2025-06-01, friday 5pm, in 3 days…"
ADD_PRIORITY = "How important it is (default: medium)"
TIMEZONE_DESCRIPTION = "Set your timezone, used for every due date"
TIMEZONE_ZONE = "An IANA zone such as Europe/Berlin or America/New_York"


def apology() -> str:
    return (
        "Sorry — something went wrong on my side and I couldn't answer that. "
        "Please try again in a moment."
    )


def not_your_list() -> str:
    return (
        "That's not your list — only the person who asked can change these tasks. "
        "Ask me for your own with /todo-list."
    )


def thread_name(text: str) -> str:
    """A thread title from what the person wrote (Discord allows 1–100 characters)."""
    words = " ".join(text.split())
    if not words:
        return "todo"
    return words if len(words) <= 100 else words[:99].rstrip() + "…"


def task_line(task: TaskView) -> str:
    """``**#3** renew passport — due Friday · high``, from a task as the tools return it."""
    mark = "~~" if task.completed else ""
    line = f"**#{task.number}** {mark}{task.title}{mark}"
    details = []
    if task.due_in_words:
        details.append(f"due {task.due_in_words}")
    if task.priority and task.priority != "medium":
        details.append(task.priority)
    if task.completed:
        details.append("done")
    return line + (" — " + " · ".join(details) if details else "")


def task_list(tasks: Sequence[TaskView], status: str, page: TaskPage | None = None) -> str:
    """A list, or one page of it (``page``: the tool's page, with its totals)."""
    total = page.total if page else len(tasks)
    if not tasks:
        if total:
            return f"That list has {total:,} tasks: there is no page {page and page.page}."
        return {
            "open": "You have no open tasks. 🎉",
            "completed": "You haven't completed any tasks yet.",
        }.get(status, "You have no tasks yet.")
    heading = {"open": "Your open tasks", "completed": "Your completed tasks"}.get(
        status, "Your tasks"
    )
    if page and total > len(tasks):
        heading += f" — showing {page.first:,}–{page.last:,} of {total:,}"
    return f"{heading}:\n" + "\n".join(task_line(task) for task in tasks)


def next_page_label(page: int) -> str:
    return f"Next page ({page:,})"


def task_added(task: TaskView) -> str:
    return "Added " + task_line(task)


def task_completed(task: TaskView) -> str:
    return f"Done: **#{task.number}** {task.title} ✅"


def task_already_completed(task: TaskView) -> str:
    return f"**#{task.number}** {task.title} was already done."


def timezone_set(zone: str) -> str:
    return f"Your timezone is now {zone}. I'll use it for every due date."


def complete_label(number: int) -> str:
    return f"Complete #{number}"


def done_label(number: int) -> str:
    return f"Done #{number}"


def delete_label(number: int) -> str:
    return f"Delete #{number}"


DELETE_CONFIRM_LABEL = "Delete"
DELETE_KEEP_LABEL = "Keep"


def confirm_delete(task: TaskView) -> str:
    return f"Delete **#{task.number}** {task.title}? This can't be undone."


def task_deleted(task: TaskView) -> str:
    return f"Deleted **#{task.number}** {task.title}."


def task_kept(number: int) -> str:
    return f"Kept #{number} — nothing was deleted."


def no_such_task(number: int, *, shared: bool = False) -> str:
    if shared:
        return f"This channel's list has no #{number} any more."
    return f"You have no task #{number} any more."


# Start-up failures: one line each, naming what to fix.


def bad_token() -> str:
    return (
        "Discord rejected DISCORD_TOKEN (401 Unauthorized). Copy the bot token again from the "
        "Developer Portal → your application → Bot → Reset Token."
    )


def intent_not_enabled() -> str:
    return (
        "Discord refused the Message Content intent. Enable it in the Developer Portal → your "
        "application → Bot → Privileged Gateway Intents, or set [discord] "
        "message_content_intent = false."
    )


_CLOSE_REASONS = {
    4004: "the token was refused; check DISCORD_TOKEN",
    4010: "invalid shard; check [discord] shard_ids and shard_count",
    4011: "this bot is in too many servers for one shard; unset [discord] shard_count",
    4012: "unsupported gateway version",
    4013: "invalid intents",
}


def gateway_refused(code: int) -> str:
    reason = _CLOSE_REASONS.get(code, "see Discord's gateway close codes")
    return f"Discord's gateway closed the connection with code {code}: {reason}."


def unreachable(detail: str) -> str:
    return f"Cannot reach Discord: {detail}"


def stopped() -> str:
    return "The Discord connection ended unexpectedly."
