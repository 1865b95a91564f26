"""Replies as Slack messages: mrkdwn text split within limits, Block Kit buttons. Pure.

A reply becomes one or more messages; the task buttons (Complete, Delete) ride on the last one.
Every button's value names the list's owner (see ``mapping.task_button_value``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from adapters.slack import mrkdwn, texts
from adapters.slack.mapping import page_button_value, task_button_value
from bot.conversations import Reply, ToolCall
from bot.outcomes import TaskChanged, TaskPage, TaskView
from bot.reminders import Notice
from bot.tasks import Task

COMPLETE_ACTION = "todo_complete"
DELETE_ACTION = "todo_delete"
REOPEN_ACTION = "todo_reopen"
PAGE_ACTION = "todo_page"
# Slack allows 50 blocks in a message; a few are text, one per task is buttons.
MAX_TASK_BUTTONS = 20
# response_url accepts five messages; a thread reply is not worth more either.
MAX_MESSAGES = 5
BUTTON_TEXT_LIMIT = 75

Block = dict[str, Any]


class Numbered(Protocol):
    """A task as a button needs it: a core ``Task`` or a number and title from tool JSON."""

    @property
    def number(self) -> int: ...

    @property
    def title(self) -> str: ...


@dataclass(frozen=True, slots=True)
class OutgoingMessage:
    """One Slack message: ``text`` is the mrkdwn fallback (notifications), ``blocks`` the body."""

    text: str
    blocks: list[Block] = field(default_factory=list)


def section(text: str) -> Block:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def plain(text: str, limit: int = BUTTON_TEXT_LIMIT) -> dict[str, Any]:
    return {"type": "plain_text", "text": mrkdwn.truncate(text, limit), "emoji": True}


def to_messages(reply: Reply, *, owner: str) -> list[OutgoingMessage]:
    """The messages that show ``reply``; ``owner`` is the Slack user whose tasks it shows."""
    tasks = [] if reply.is_error else buttoned_tasks(reply.tasks, reply.tool_calls)
    extra = task_buttons(tasks, owner=owner)
    listed = None if reply.is_error else last_list(reply.tool_calls)
    if listed is not None:
        extra += next_page_button(*listed, owner=owner)
    return compose(mrkdwn.to_mrkdwn(reply.text), extra)


def last_list(calls: Iterable[ToolCall]) -> tuple[ToolCall, TaskPage] | None:
    """The reply's last successful list (the call and its page), whose next page a button
    can show."""
    found = None
    for call in calls:
        if isinstance(call.outcome, TaskPage):
            found = (call, call.outcome)
    return found


def next_page_button(call: ToolCall, listed: TaskPage, *, owner: str) -> list[Block]:
    """A "Next page" button under a list that has more pages (none on its last one)."""
    page, pages = listed.page, listed.pages
    if page >= pages:
        return []
    arguments = {**call.arguments, "page": page + 1}
    return [
        {
            "type": "actions",
            "block_id": "list:page",
            "elements": [
                {
                    "type": "button",
                    "action_id": PAGE_ACTION,
                    "text": plain(texts.next_page_button(page + 1, pages)),
                    "value": page_button_value(owner, arguments),
                }
            ],
        }
    ]


def compose(text: str, extra_blocks: Sequence[Block] = ()) -> list[OutgoingMessage]:
    """``text`` split into at most ``MAX_MESSAGES`` messages, ``extra_blocks`` on the last."""
    chunks = mrkdwn.split_text(text)
    if len(chunks) > MAX_MESSAGES:
        # Past five messages the answer is cut, and says so.
        final = chunks[MAX_MESSAGES - 1][: mrkdwn.SECTION_LIMIT - 2].rstrip() + " …"
        chunks = [*chunks[: MAX_MESSAGES - 1], final]
    messages = [OutgoingMessage(text=chunk, blocks=[section(chunk)]) for chunk in chunks if chunk]
    if not messages:
        messages = [OutgoingMessage(text="", blocks=[])]
    last = messages[-1]
    messages[-1] = OutgoingMessage(text=last.text, blocks=[*last.blocks, *extra_blocks])
    return messages


def buttoned_tasks(tasks: Iterable[Task], calls: Iterable[ToolCall]) -> list[Task]:
    """The open tasks a reply shows, once each, minus those the same turn finished or deleted."""
    settled = {
        call.outcome.task.number
        for call in calls
        if call.name in ("complete_task", "delete_task") and isinstance(call.outcome, TaskChanged)
    }
    latest: dict[int, Task] = {}
    for task in tasks:
        latest[task.number] = task
    return [t for t in latest.values() if not t.completed and t.number not in settled]


def task_buttons(tasks: Sequence[Numbered], *, owner: str) -> list[Block]:
    blocks = [task_actions(t.number, t.title, owner=owner) for t in tasks[:MAX_TASK_BUTTONS]]
    if len(tasks) > MAX_TASK_BUTTONS:
        hidden = len(tasks) - MAX_TASK_BUTTONS
        blocks.append(context(texts.more_tasks(hidden)))
    return blocks


def task_actions(number: int, title: str, *, owner: str) -> Block:
    value = task_button_value(owner, number)
    return {
        "type": "actions",
        "block_id": task_block_id(number),
        "elements": [
            {
                "type": "button",
                "action_id": COMPLETE_ACTION,
                "text": plain(texts.complete_button_for(number, title)),
                "style": "primary",
                "value": value,
            },
            {
                "type": "button",
                "action_id": DELETE_ACTION,
                "text": plain(texts.delete_button()),
                "style": "danger",
                "value": value,
                "confirm": {
                    "title": plain(texts.delete_confirm_title(), 100),
                    "text": plain(texts.delete_confirm_text(number), 300),
                    "confirm": plain(texts.delete_confirm_yes(), 30),
                    "deny": plain(texts.delete_confirm_no(), 30),
                    "style": "danger",
                },
            },
        ],
    }


def task_block_id(number: int) -> str:
    return f"task:{number}"


def context(text: str) -> Block:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": text}]}


def task_line(task: TaskView) -> str:
    """``*#3* Renew passport · due Friday · high priority`` from a task a tool returned."""
    parts = [f"*#{task.number}* {mrkdwn.escape(task.title)}"]
    if task.due_in_words:
        parts.append(texts.due_words(task.due_in_words))
    if task.priority and task.priority != "medium":
        parts.append(texts.priority_words(task.priority))
    return " · ".join(parts)


def task_list_messages(call: ToolCall, *, owner: str) -> list[OutgoingMessage]:
    """A page of the open list (``/todo`` with no text, the Next page button): heading with
    the true total, one line per task, help, task buttons and the next page's button."""
    listed = call.outcome
    if not isinstance(listed, TaskPage):
        return compose(texts.apology())
    tasks, total = listed.tasks, listed.total
    if not tasks:
        lines = [texts.empty_list()]
    elif total > len(tasks):
        first, last = listed.first, listed.last
        lines = [texts.list_page_heading(first, last, total), *(task_line(t) for t in tasks)]
    else:
        lines = [texts.list_heading(total), *(task_line(t) for t in tasks)]
    lines.append(texts.command_help())
    buttons = task_buttons(
        [_ButtonTask(t.number, t.title) for t in tasks if not t.completed],
        owner=owner,
    )
    return compose("\n".join(lines), [*buttons, *next_page_button(call, listed, owner=owner)])


@dataclass(frozen=True, slots=True)
class _ButtonTask:
    number: int
    title: str


def settle_task_block(blocks: Sequence[Block], number: int, line: str) -> list[Block]:
    """``blocks`` with the buttons of task ``number`` replaced by a line saying what happened."""
    wanted = task_block_id(number)
    return [
        {"type": "context", "block_id": wanted, "elements": [{"type": "mrkdwn", "text": line}]}
        if block.get("block_id") == wanted
        else dict(block)
        for block in blocks
    ]


def notice_blocks(
    notice: Notice, buttons: list[tuple[str, str, str | None]]
) -> list[dict[str, Any]]:
    """The notice's text; for a notice about one task, ``buttons`` (action, label, style)
    carrying that task and its owner, so only the owner's click acts."""
    text = mrkdwn.escape(notice.text).replace("\\*", "*")
    section: dict[str, Any] = {"type": "section", "text": {"type": "mrkdwn", "text": text[:3000]}}
    number = notice.single_task
    if number is None or not buttons:
        return [section]
    value = task_button_value(notice.to.external_id, number)
    elements: list[dict[str, Any]] = []
    for action, label, style in buttons:
        button: dict[str, Any] = {
            "type": "button",
            "action_id": action,
            "text": {"type": "plain_text", "text": label},
            "value": value,
        }
        if style:
            button["style"] = style
        elements.append(button)
    actions = {"type": "actions", "block_id": task_block_id(number), "elements": elements}
    return [section, actions]
