"""Assignment notices in words: to the assignee ("X assigned you …") and to the giver."""

from __future__ import annotations

from datetime import datetime

from bot import dates
from bot.identity import UserRef
from bot.reminders.model import Delivery, Notice, NoticeItem
from bot.teams import texts


def assignment_notice(delivery: Delivery, *, to: UserRef, now: datetime, timezone: str) -> Notice:
    tz = dates.zone(timezone)
    who = delivery.counterpart or "Someone"
    item = NoticeItem(delivery.task_number, delivery.title, delivery.due)
    if delivery.kind == "assigned":
        due = dates.describe_due(delivery.due, now=now, tz=tz) if delivery.due else None
        text = texts.notice_assigned(delivery.title, delivery.task_number, who, due)
        kind = "assigned"
    elif delivery.kind == "assigned-done":
        text, kind = texts.notice_done(delivery.title, who), "assigned-done"
    else:
        text, kind = texts.notice_declined(delivery.title, who), "assigned-declined"
    return Notice(kind, to, None, text, (item,), tz, (delivery.id,))  # type: ignore[arg-type]
