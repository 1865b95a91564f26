"""An assignment notice on Slack: the text, and Done / Decline buttons for the assignee.

The buttons carry the assignee in their value like every task button, so only the assignee's
click acts; Decline removes the task from their list, and the giver is told at the next poll.
"""

from __future__ import annotations

from typing import Any

from adapters.slack import blocks, mapping, mrkdwn
from bot.reminders import Notice

DECLINE_ACTION = "todo_decline"

Payload = dict[str, Any]


def assignment_blocks(notice: Notice) -> list[Payload]:
    text = mrkdwn.escape(notice.text).replace("\\*", "*")
    section: Payload = {"type": "section", "text": {"type": "mrkdwn", "text": text[:3000]}}
    number = notice.single_task
    if notice.kind != "assigned" or number is None:
        return [section]
    value = mapping.task_button_value(notice.to.external_id, number)

    def button(action: str, label: str, **extra: Any) -> Payload:
        text = {"type": "plain_text", "text": label}
        return {"type": "button", "action_id": action, "text": text, "value": value, **extra}

    actions = {
        "type": "actions",
        "block_id": blocks.task_block_id(number),
        "elements": [
            button(blocks.COMPLETE_ACTION, "Done", style="primary"),
            button(DECLINE_ACTION, "Decline", style="danger"),
        ],
    }
    return [section, actions]
