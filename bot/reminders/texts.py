"""What reminders, catch-ups and digests say. Plain text with ``*bold*`` (both platforms)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from bot import dates
from bot.reminders.model import NoticeItem


def _line(item: NoticeItem, *, now: datetime, tz: ZoneInfo) -> str:
    number = f"#{item.number} " if item.number is not None else ""
    due = f" (due {dates.describe_due(item.due, now=now, tz=tz)})" if item.due else ""
    return f"{number}{item.title}{due}"


def reminder(item: NoticeItem, *, now: datetime, tz: ZoneInfo) -> str:
    late = " (late — I was offline when it came due)" if item.late else ""
    return f"⏰ Reminder: *{_line(item, now=now, tz=tz)}*{late}"


def catch_up(items: Sequence[NoticeItem], *, now: datetime, tz: ZoneInfo) -> str:
    lines = "\n".join(f"• {_line(i, now=now, tz=tz)}" for i in items)
    return f"⏰ While I was offline, {len(items)} reminders came due:\n{lines}"


def digest(items: Sequence[NoticeItem], *, now: datetime, tz: ZoneInfo) -> str:
    if not items:
        return "☀️ Your list for today: nothing due today and nothing overdue."
    lines = "\n".join(f"• {_line(i, now=now, tz=tz)}" for i in items)
    return f"☀️ Your list for today ({len(items)}):\n{lines}"


def mention_prefix(mention: str) -> str:
    """The fallback in a channel names only the person it is for."""
    return f"{mention} "


_PLATFORM_NAMES = {"slack": "Slack", "discord": "Discord", "console": "the console"}


def reminders_on(platform: str) -> str:
    name = _PLATFORM_NAMES.get(platform, platform)
    return (
        f"Done — your reminders and notices will come to you on {name} from now on. "
        "Say “reminders wherever I am” to have them follow you again."
    )


def reminders_follow_you() -> str:
    return "Done — your reminders will go wherever you last talked to me."


def not_reachable_on(platform: str) -> str:
    name = _PLATFORM_NAMES.get(platform, platform)
    return (
        f"I can't reach you on {name}: this list has no {name} account yet. Say “link my "
        f"accounts” here, then send the code to me on {name}, and ask again. Your reminders "
        "still come where they did."
    )


def no_platform_here() -> str:
    return "I can't send reminders here. Name Slack, Discord or the console instead."
