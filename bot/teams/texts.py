"""What assigning and linking say (plain text with ``*bold*``, both platforms)."""

from __future__ import annotations

from collections.abc import Sequence

from bot.outcomes import TaskChanged, TaskPage, TaskView
from bot.teams.model import Handed


def needs_a_chat() -> str:
    return (
        "Assigning works in a chat on Slack, Discord or the console, where I can tell who is who."
    )


def unknown_person(mention: str) -> str:
    return (
        f"I can't tell who {mention} is here. Mention them the way this chat does "
        "(Slack and Discord: pick them from the @ menu; console: @name)."
    )


def not_in_server(mention: str) -> str:
    return (
        f"I can only assign to members of this server: mention {mention} in one of its "
        "channels (not in a DM)."
    )


def not_yourself() -> str:
    return "That's you — just add it to your own list."


def assigned(number: int, title: str, assignee: str) -> str:
    return (
        f"Assigned to {assignee}: *{title}* (their #{number}). "
        "I'll tell them, and you when it's done."
    )


def notice_assigned(title: str, number: int | None, by: str, due: str | None) -> str:
    when = f" (due {due})" if due else ""
    return (
        f"📌 {by} assigned you *#{number} {title}*{when}. "
        f"Say “done {number}” when it's done, or decline it."
    )


def notice_done(title: str, by: str) -> str:
    return f"✅ {by} finished *{title}*, which you assigned."


def notice_declined(title: str, by: str) -> str:
    return f"↩️ {by} declined *{title}*, which you assigned."


_STATE_WORDS = {"open": "open", "done": "done ✅", "declined": "declined ↩️"}


def handed_out(items: Sequence[Handed]) -> str:
    if not items:
        return "You haven't assigned anything yet."
    lines = "\n".join(
        f"• {i.title} → {i.assignee} (their #{i.number}, {_STATE_WORDS[i.state]})" for i in items
    )
    return f"Tasks you assigned ({len(items)}):\n{lines}"


def link_code(code: str, minutes: int) -> str:
    return (
        f"Your link code is `{code}`. Within {minutes} minutes, say “link {code}” to me "
        "from your other account (Slack, Discord, the console or an MCP client). It works once."
    )


def code_in_private() -> str:
    return "Ask me for a link code in a direct message, so nobody else sees it."


def linked(numbers: Sequence[int]) -> str:
    if not numbers:
        return "Linked: one list everywhere now."
    listed = ", ".join(f"#{n}" for n in numbers)
    return f"Linked: one list everywhere now. Your tasks from this account are {listed}."


def unlinked(numbers: Sequence[int]) -> str:
    back = f" It took back its tasks as {', '.join(f'#{n}' for n in numbers)}." if numbers else ""
    return f"Unlinked: this account has its own list again.{back}"


def bad_code() -> str:
    return (
        "That link code is unknown, used or expired. "
        "Say “link my accounts” on your other account for a new one."
    )


def same_person() -> str:
    return "These accounts are already linked."


def not_linked() -> str:
    return "This account isn't linked to another one."


def too_many_codes() -> str:
    return "You've asked for several link codes already — try again in an hour."


def too_many_tries() -> str:
    return "Too many wrong link codes — try again in 10 minutes."


def no_teams_here() -> str:
    return "Assigning and linking need a database-backed todobot."


def export_ready(tasks: int, messages: int, document: str) -> str:
    return (
        f"Everything I keep about you ({tasks} tasks, {messages} messages):\n```\n{document}\n```"
    )


def export_too_big(tasks: int, messages: int) -> str:
    return (
        f"You have {tasks} tasks and {messages} messages — too much for a chat message. "
        "An operator can write it to a file with `todobot users export --user YOU`."
    )


def forget_confirm() -> str:
    return (
        "This deletes your tasks, reminders, messages and linked accounts, for good. Tasks "
        "you assigned stay with their owners, without your name. "
        "To go ahead, say “forget me, I'm sure”."
    )


def forgotten() -> str:
    return "Done: I have deleted everything I kept about you. Goodbye 👋"


def channel_needs_a_channel() -> str:
    return "A shared list belongs to a channel: ask in the channel whose list you mean."


def channel_what_to_add() -> str:
    return "What should I add to this channel's list?"


def channel_which_task() -> str:
    return "Which task of the channel's list? Give its number, e.g. “done 3 on our list”."


def channel_added_by(who: str) -> str:
    return f"Added by {who}."


def channel_done_by(who: str) -> str:
    return f"Done by {who}."


def _who_line(task: TaskView) -> str:
    notes = str(task.description or "").replace("\n", " ").strip()
    return f" — {notes}" if notes else ""


def channel_failed() -> str:
    return "That didn't work on the channel's list."


def channel_result(action: str, outcome: TaskChanged | TaskPage) -> str:
    if isinstance(outcome, TaskPage):
        if not outcome.tasks:
            return "This channel's list is empty. Add to it with “add … to our list”."
        lines = "\n".join(f"• #{t.number} {t.title}{_who_line(t)}" for t in outcome.tasks)
        return f"On this channel's list ({len(outcome.tasks)}):\n{lines}"
    number, title = outcome.task.number, outcome.task.title
    verb = {"add": "Added", "complete": "Done:", "reopen": "Reopened", "delete": "Removed"}[action]
    return f"{verb} #{number} {title} on this channel's list."
