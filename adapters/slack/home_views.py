"""The App Home tab as a Block Kit view: an Open | Completed switch, one page of tasks with
Complete (open) or Reopen (completed) buttons, and Previous / Next page buttons. Pure.

Which tab and page a view shows rides in its ``private_metadata`` and in the switch and page
buttons' values (``completed:2``), so a click says everything needed to show the next view.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Literal

from adapters.slack import texts
from adapters.slack.blocks import (
    COMPLETE_ACTION,
    REOPEN_ACTION,
    Block,
    context,
    plain,
    task_line,
)
from adapters.slack.mapping import task_button_value
from bot.outcomes import TaskPage, TaskView

HOME_ADD_ACTION = "todo_home_add"
# The switch and page buttons: ``todo_home_open``, ``…_completed``, ``…_prev``, ``…_next``
# (action ids must differ within a block; one listener matches them all).
HOME_SHOW_ACTION = re.compile(r"^todo_home_(?:open|completed|prev|next)$")
HOME_PAGE_SIZE = 25  # as lists in messages; well inside the Home tab's 100 blocks
MAX_PAGE = 100_000

Tab = Literal["open", "completed"]


@dataclass(frozen=True, slots=True)
class HomePage:
    """Which tasks a Home view shows."""

    tab: Tab = "open"
    page: int = 1

    def encode(self) -> str:
        return f"{self.tab}:{self.page}"

    @staticmethod
    def decode(value: object) -> HomePage | None:
        """The page in ``value`` (``completed:2``), or None if it is not one of ours."""
        tab, _, page = str(value or "").partition(":")
        if tab not in ("open", "completed") or not page.isdigit():
            return None
        if not 1 <= int(page) <= MAX_PAGE:
            return None
        return HomePage("completed" if tab == "completed" else "open", int(page))

    def list_arguments(self) -> dict[str, Any]:
        """What ``list_tasks`` is asked for: open soonest due first, completed newest first."""
        return {
            "status": self.tab,
            "sort": "due" if self.tab == "open" else "newest",
            "page": self.page,
            "page_size": HOME_PAGE_SIZE,
        }


def home_view(listed: TaskPage, *, page: HomePage, owner: str) -> dict[str, Any]:
    """The Home tab for one page of ``owner``'s tasks (a ``list_tasks`` outcome)."""
    tasks, total = listed.tasks, listed.total
    blocks: list[Block] = [
        {"type": "header", "text": plain(texts.home_title(), 150)},
        {
            "type": "section",
            "text": {"type": "mrkdwn", "text": texts.home_summary(page.tab, total)},
            "accessory": {
                "type": "button",
                "action_id": HOME_ADD_ACTION,
                "text": plain(texts.home_add_button()),
                "style": "primary",
            },
        },
        _switch(page.tab),
        {"type": "divider"},
    ]
    blocks.extend(_row(task, tab=page.tab, owner=owner) for task in tasks[:HOME_PAGE_SIZE])
    pages = listed.pages
    if pages > 1:
        first, last = listed.first, listed.last
        blocks.append(context(texts.home_page_position(first, last, total)))
        blocks.append(_pager(page, pages))
    return {"type": "home", "private_metadata": page.encode(), "blocks": blocks}


def home_unavailable_view() -> dict[str, Any]:
    return {
        "type": "home",
        "blocks": [
            {"type": "section", "text": {"type": "mrkdwn", "text": texts.home_unavailable()}}
        ],
    }


def _switch(current: Tab) -> Block:
    buttons = []
    for tab in ("open", "completed"):
        button: dict[str, Any] = {
            "type": "button",
            "action_id": f"todo_home_{tab}",
            "text": plain(texts.home_tab_label(tab)),
            "value": HomePage(tab).encode(),
        }
        if tab == current:
            button["style"] = "primary"
        buttons.append(button)
    return {"type": "actions", "block_id": "home:tabs", "elements": buttons}


def _row(task: TaskView, *, tab: Tab, owner: str) -> Block:
    done = tab == "completed"
    return {
        "type": "section",
        "block_id": f"task:{task.number}",
        "text": {"type": "mrkdwn", "text": task_line(task)},
        "accessory": {
            "type": "button",
            "action_id": REOPEN_ACTION if done else COMPLETE_ACTION,
            "text": plain(texts.reopen_button() if done else texts.complete_button()),
            "value": task_button_value(owner, task.number),
        },
    }


def _pager(page: HomePage, pages: int) -> Block:
    elements = []
    if page.page > 1:
        elements.append(
            {
                "type": "button",
                "action_id": "todo_home_prev",
                "text": plain(texts.previous_page_button(page.page - 1, pages)),
                "value": HomePage(page.tab, min(page.page, pages) - 1).encode(),
            }
        )
    if page.page < pages:
        elements.append(
            {
                "type": "button",
                "action_id": "todo_home_next",
                "text": plain(texts.next_page_button(page.page + 1, pages)),
                "value": HomePage(page.tab, page.page + 1).encode(),
            }
        )
    return {"type": "actions", "block_id": "home:pages", "elements": elements}
