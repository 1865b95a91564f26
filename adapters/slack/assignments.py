"""An assignment notice on Slack: the text, and Done / Decline buttons for the assignee.

The buttons carry the assignee in their value like every task button, so only the assignee's
click acts; Decline removes the task from their list, and the giver is told at the next poll.
"""

from __future__ import annotations

from typing import Any

from adapters.slack import blocks
from bot.reminders import Notice

DECLINE_ACTION = "todo_decline"

Payload = dict[str, Any]


def assignment_blocks(notice: Notice) -> list[Payload]:
    if notice.kind != "assigned":
        return blocks.notice_blocks(notice, [])
    return blocks.notice_blocks(
        notice,
        [(blocks.COMPLETE_ACTION, "Done", "primary"), (DECLINE_ACTION, "Decline", "danger")],
    )
